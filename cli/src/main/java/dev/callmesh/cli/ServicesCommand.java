package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code callmesh services [--spoke S]}. */
@Command(name = "services", mixinStandardHelpOptions = true,
    description = "Lists the operations you may call: the hub's own and every connected spoke's.")
final class ServicesCommand extends ClientCommand {

  @Option(names = "--spoke", paramLabel = "S", description = "Only this spoke's operations")
  String spoke;

  @Option(names = "--prefix", paramLabel = "P", description = "Only operations whose path starts with P")
  String prefix;

  @Option(names = "--json", description = "Print the JSON of /services/list instead of a table")
  boolean json;

  @Override
  Future<Integer> run(CallmeshClient client) {
    JsonObject input = new JsonObject();
    if (spoke != null) {
      input.put("spoke", spoke);
    }
    if (prefix != null) {
      input.put("prefix", prefix);
    }
    return print(client.call("/services/list", input), out -> json ? Output.result(out) : table((JsonObject) out));
  }

  private static int table(JsonObject out) {
    JsonArray ops = out.getJsonArray("operations");
    Table t = new Table("OPERATION", "TYPE", "DESCRIPTION");
    for (int i = 0; i < ops.size(); i++) {
      JsonObject o = ops.getJsonObject(i);
      t.row(o.getString("name"), o.getString("opType"), o.getString("description", ""));
    }
    t.print();
    return 0;
  }
}
