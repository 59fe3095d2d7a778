package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code callmesh job watch ID [--from N]}. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Prints a job's outputs as JSON lines {\"seq\":N,\"output\":..} (NDJSON) until it ends.",
        "First those it has made, then the new ones as they come. Exit 0 when the job completed; when it",
        "failed or was aborted, its error as JSON on stderr and exit 1. Stopping the watch leaves the job running."},
    footer = {"", "Examples:", "  callmesh job watch 3q2-JtHn0cB1wH4ZkLxV8aQ1",
        "  callmesh job watch 3q2-JtHn0cB1wH4ZkLxV8aQ1 --from 10    # outputs 11, 12, ..."})
final class JobWatchCommand extends JobCommand.Sub {

  @Parameters(index = "0", paramLabel = "ID", description = "The job's id")
  String id;

  @Option(names = "--from", paramLabel = "N", defaultValue = "0",
      description = "Print only the outputs after the N-th (default 0: all)")
  long from;

  @Override
  void prepare() {
    if (from < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--from must be 0 or more");
    }
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    Promise<Integer> exit = Promise.promise();
    CallStream stream = client.subscribe(new JsonObject().put("operationId", "/hub/jobs/watch")
        .put("input", new JsonObject().put("job", id).put("from", from)), CallStream.DEFAULT_WINDOW);
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
    stream.exceptionHandler(err -> {
      System.out.flush();
      exit.tryComplete(Output.error(err));
    });
    return exit.future();
  }
}
