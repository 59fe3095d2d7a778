package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code callmesh schema PATH}. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = "Prints the OperationSpec of an operation: its type, input and output JSON Schemas, errors.")
final class SchemaCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "PATH", description = "Operation path, e.g. /dev1/fs/readFile")
  String path;

  @Override
  Future<Integer> run(CallmeshClient client) {
    return print(client.call("/services/schema", new JsonObject().put("name", path)), Output::result);
  }
}
