package dev.callmesh.spoke.bash;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CompletableFuture;

/**
 * One {@code /bash/run} call: collects both pipes (each capped) and completes with
 * {@code {exitCode, stdout, stderr, truncated}}; a timeout, an abort or a failure to start fails it. The
 * future is completed on the Vert.x context the call came in on.
 */
final class RunSession extends BashSession<RunSession.Pipes> {

  /** Both collected pipes. */
  record Pipes(OutputCollector.Collected stdout, OutputCollector.Collected stderr) {
  }

  private final Context context;
  private final int cap;
  private final Promise<JsonObject> result = Promise.promise();

  /**
   * @param context the context to complete the result on
   * @param cap bytes kept per stream
   */
  RunSession(Context context, int cap) {
    this.context = context;
    this.cap = cap;
  }

  /** @return the result: completed once the command exited and both pipes ended, or failed */
  Future<JsonObject> result() {
    return result.future();
  }

  @Override
  CompletableFuture<Pipes> readPipes(Process process) {
    CompletableFuture<OutputCollector.Collected> out =
        CompletableFuture.supplyAsync(new OutputCollector(process.getInputStream(), cap)::call, BashThreads.pool());
    CompletableFuture<OutputCollector.Collected> err =
        CompletableFuture.supplyAsync(new OutputCollector(process.getErrorStream(), cap)::call, BashThreads.pool());
    return out.thenCombine(err, Pipes::new);
  }

  @Override
  void exited(int exitCode, Pipes pipes) {
    JsonObject output = new JsonObject()
        .put("exitCode", exitCode)
        .put("stdout", pipes.stdout().text())
        .put("stderr", pipes.stderr().text())
        .put("truncated", pipes.stdout().truncated() || pipes.stderr().truncated());
    context.runOnContext(v -> result.tryComplete(output));
  }

  @Override
  void failed(CallException error) {
    context.runOnContext(v -> result.tryFail(error));
  }

  @Override
  void aborted(String reason) {
    failed(CallException.of(ErrorCode.ABORTED, "the call was aborted (" + reason + ") and the command was killed"));
  }
}
