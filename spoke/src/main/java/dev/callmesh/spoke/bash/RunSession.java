package dev.callmesh.spoke.bash;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;

/**
 * One {@code /bash/run} call: collects both pipes (each capped) and completes with
 * {@code {exitCode, stdout, stderr, truncated}}; a timeout, an abort or a failure to start fails it. The
 * future is completed on the Vert.x context the call came in on.
 */
final class RunSession extends BashSession {

  private final Context context;
  private final int cap;
  private final Promise<JsonObject> result = Promise.promise();
  // each written by its pump before the pump counts itself ended, read by the last one after that
  private volatile OutputCollector.Collected stdout;
  private volatile OutputCollector.Collected stderr;

  /**
   * @param workers where the command runs
   * @param context the context to complete the result on
   * @param cap bytes kept per stream
   */
  RunSession(SpokeWorkers workers, Context context, int cap) {
    super(workers);
    this.context = context;
    this.cap = cap;
  }

  /** @return the result: completed once the command exited and both pipes ended, or failed */
  Future<JsonObject> result() {
    return result.future();
  }

  @Override
  void pump(InputStream pipe, String stream) {
    OutputCollector.Collected collected = new OutputCollector(pipe, cap).call();
    if (stream.equals("stdout")) {
      stdout = collected;
    } else {
      stderr = collected;
    }
  }

  @Override
  void exited(int exitCode) {
    JsonObject output = new JsonObject()
        .put("exitCode", exitCode)
        .put("stdout", stdout.text())
        .put("stderr", stderr.text())
        .put("truncated", stdout.truncated() || stderr.truncated());
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
