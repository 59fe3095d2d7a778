package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code callmesh spokes}. */
@Command(name = "spokes", mixinStandardHelpOptions = true,
    description = "Lists the connected spokes (needs /hub/spokes/list in your allow list).")
final class SpokesCommand extends ClientCommand {

  @Option(names = "--json", description = "Print the JSON of /hub/spokes/list instead of a table")
  boolean json;

  @Override
  Future<Integer> run(CallmeshClient client) {
    return print(client.call("/hub/spokes/list", new JsonObject()), out -> json ? Output.result(out) : table((JsonObject) out));
  }

  private static int table(JsonObject out) {
    JsonArray spokes = out.getJsonArray("spokes");
    Table t = new Table("NAME", "IDENTITY", "TRANSPORT", "REMOTE", "CONNECTED", "OPS", "IN-FLIGHT", "HUB", "POOL", "LABELS");
    for (int i = 0; i < spokes.size(); i++) {
      JsonObject s = spokes.getJsonObject(i);
      String pool = s.getString("pool");
      t.row(s.getString("name"), s.getString("identity"), s.getString("transport"), s.getString("remoteAddress"),
          s.getString("connectedAt"), s.getValue("operations"), s.getValue("inFlight"), s.getString("hub"),
          pool == null ? "-" : pool, labels(s.getJsonObject("labels")));
    }
    t.print();
    return 0;
  }

  /** @return the labels as {@code k=v,k2=v2} sorted by key, or {@code -} for none */
  static String labels(JsonObject labels) {
    if (labels == null || labels.isEmpty()) {
      return "-";
    }
    return new java.util.TreeMap<>(labels.getMap()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(","));
  }
}
