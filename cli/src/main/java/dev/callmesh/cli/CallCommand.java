package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code callmesh call PATH [JSON]}. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls a query or mutation and prints its output as JSON on stdout (exit 0).",
        "An error is printed as JSON on stderr (exit 1); a usage error exits 2."},
    footer = {"", "Example:", "  callmesh call /dev1/fs/readFile '{\"path\":\"README.md\"}'"})
final class CallCommand extends ClientCommand {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PATH", description = "Operation path, e.g. /dev1/fs/readFile")
  String path;

  @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "Input object (default {})")
  String json;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Deadline, e.g. 5s (default 30s)")
  String timeout;

  @CommandLine.Mixin
  TraceOption trace;

  private JsonObject request;

  @Override
  void prepare() {
    request = new JsonObject().put("operationId", path).put("input", CliInput.object(spec, json));
    try {
      long timeoutMs = timeout == null ? 0 : dev.callmesh.protocol.util.Durations.parse(timeout).toMillis();
      if (timeoutMs > 0) {
        request.put("timeoutMs", timeoutMs);
      }
      trace.applyTo(request);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    return print(client.call(request), Output::result);
  }
}
