package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code callmesh call PATH [JSON]}. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls an operation and prints its output as JSON on stdout (exit 0).",
        "A subscription's outputs are all collected, within the deadline and up to 16 MiB, and printed as",
        "one JSON array once it completes (use 'callmesh stream' to see them as they come).",
        "An error is printed as JSON on stderr (exit 1), after the array of the outputs a subscription",
        "gave before it; a usage error exits 2."},
    footer = {"", "Examples:", "  callmesh call /dev1/fs/readFile '{\"path\":\"README.md\"}'",
        "  callmesh call /dev1/bash/exec '{\"command\":\"ls\"}'    # prints [{\"stream\":\"stdout\",...},...,{\"exitCode\":0}]"})
final class CallCommand extends ClientCommand {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PATH", description = "Operation path, e.g. /dev1/fs/readFile")
  String path;

  @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "Input object (default {})")
  String json;

  /** How many bytes of a subscription's outputs {@code call} collects before it stops the call: 16 MiB. */
  static final long MAX_COLLECTED_BYTES = 16L << 20;

  /** The deadline of a call when --timeout is not given, also for a subscription's outputs collected. */
  static final long DEFAULT_TIMEOUT_MS = 30_000;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Deadline, e.g. 5s (default 30s)")
  String timeout;

  @CommandLine.Mixin
  TraceOption trace;

  private JsonObject request;

  @Override
  void prepare() {
    request = new JsonObject().put("operationId", path).put("input", CliInput.object(json));
    try {
      long timeoutMs = timeout == null ? 0 : dev.callmesh.protocol.util.Durations.parse(timeout).toMillis();
      request.put("timeoutMs", timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS);
      trace.applyTo(request);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    return OperationKind.of(client, request).compose(type -> type == OperationType.SUBSCRIPTION
        ? collect(client) : print(client.call(request, OperationKind.options(type)), Output::result));
  }

  /**
   * Every output of a subscription, printed as one array when it completes; never a partial one dropped.
   * Past {@link #MAX_COLLECTED_BYTES} of outputs the call is aborted and fails RESOURCE_EXHAUSTED, after
   * the outputs so far are printed: {@code callmesh stream} is the way to see more.
   */
  private Future<Integer> collect(CallmeshClient client) {
    Promise<Integer> exit = Promise.promise();
    JsonArray outputs = new JsonArray();
    long[] bytes = {0};
    CallStream stream = client.subscribe(request, CallStream.DEFAULT_WINDOW);
    stream.handler(output -> {
      if (bytes[0] > MAX_COLLECTED_BYTES) {
        return;
      }
      bytes[0] += io.vertx.core.json.Json.encode(output).length();
      if (bytes[0] > MAX_COLLECTED_BYTES) {
        stream.abort("the caller collects at most " + MAX_COLLECTED_BYTES + " bytes of outputs");
        Output.result(outputs);
        exit.tryComplete(Output.error(dev.callmesh.protocol.CallException.of(
            dev.callmesh.protocol.ErrorCode.RESOURCE_EXHAUSTED, "the outputs of " + path + " passed "
                + (MAX_COLLECTED_BYTES >> 20) + " MiB, more than 'callmesh call' collects; the call was stopped "
                + "after those above; use 'callmesh stream' to see its outputs as they come")));
        return;
      }
      outputs.add(output);
    });
    stream.endHandler(v -> exit.tryComplete(Output.result(outputs)));
    stream.exceptionHandler(err -> {
      if (!outputs.isEmpty()) {
        Output.result(outputs);
      }
      exit.tryComplete(Output.error(err));
    });
    return exit.future();
  }
}
