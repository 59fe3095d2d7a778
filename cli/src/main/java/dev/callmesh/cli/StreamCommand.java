package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code callmesh stream PATH [JSON]}. */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Calls an operation and prints each output as one JSON line (NDJSON) as it arrives.",
        "Exit 0 when the stream completes; an error is printed as JSON on stderr (exit 1).",
        "A query or mutation gives its one output as one line, then the command ends.",
        "Ctrl-C (SIGINT) aborts the call on the spoke (a running command is killed) and exits 130;",
        "SIGTERM does the same and exits 143."},
    footer = {"", "Example:", "  callmesh stream /dev1/bash/exec '{\"command\":\"make test\"}'"})
final class StreamCommand extends ClientCommand {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PATH", description = "Operation path, e.g. /dev1/bash/exec")
  String path;

  @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "Input object (default {})")
  String json;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Deadline of the whole stream, e.g. 10m (default none)")
  String timeout;

  @Option(names = "--window", paramLabel = "N", description = "Outputs in flight before the producer waits (default ${DEFAULT-VALUE})",
      defaultValue = "" + CallStream.DEFAULT_WINDOW)
  int window;

  @CommandLine.Mixin
  TraceOption trace;

  private JsonObject request;

  @Override
  void prepare() {
    request = new JsonObject().put("operationId", path).put("input", CliInput.object(json));
    try {
      if (timeout != null) {
        request.put("timeoutMs", dev.callmesh.protocol.util.Durations.parse(timeout).toMillis());
      }
      if (window < 1) {
        throw new IllegalArgumentException("--window must be at least 1");
      }
      trace.applyTo(request);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    return OperationKind.of(client, request).compose(type -> type == OperationType.QUERY || type == OperationType.MUTATION
        ? print(client.call(request, OperationKind.options(type)), StreamCommand::line) : stream(client));
  }

  /** A query or mutation streamed: its one output as one line, and the end. */
  private static int line(Object output) {
    System.out.println(Json.encode(output));
    System.out.flush();
    return 0;
  }

  private Future<Integer> stream(CallmeshClient client) {
    Promise<Integer> exit = Promise.promise();
    CallStream stream = client.subscribe(request, window);
    CountDownLatch finished = new CountDownLatch(1);
    Signals signals = Signals.onInterrupt((signal, code) -> {
      if (finished.getCount() > 0) {
        // Ctrl-C or a TERM: stop the work on the spoke before this process goes away.
        stream.abort("interrupted by the caller (" + signal + ")");
        try {
          client.close().await(2, TimeUnit.SECONDS);
        } catch (Exception gone) {
          // the abort was sent or the connection is gone: either way, exit
        }
        Runtime.getRuntime().halt(code);
      }
    });
    stream.handler(output -> {
      System.out.println(Json.encode(output));
      if (System.out.checkError()) {
        stream.abort("the output pipe closed");
        exit.tryComplete(Output.FAILED);
      }
    });
    stream.endHandler(v -> {
      System.out.flush();
      exit.tryComplete(0);
    });
    stream.exceptionHandler(err -> exit.tryComplete(Output.error(err)));
    return exit.future().onComplete(ar -> {
      finished.countDown();
      signals.close();
    });
  }
}
