package dev.callmesh.operations;

import io.vertx.core.json.JsonObject;

/**
 * Serves one subscription: emits outputs on the sink, then ends it with {@link OutputSink#complete()}
 * or {@link OutputSink#fail(Throwable)}. The input has been validated against the spec's
 * {@code inputSchema}. When the caller aborts (or a deadline passes, or the connection closes),
 * {@link OperationContext#onAbort} fires: the handler must then stop its work (kill its process, stop
 * its walk); the sink ignores what comes after.
 */
@FunctionalInterface
public interface SubscriptionHandler {

  /**
   * Starts the stream; returns at once (long work runs on a worker thread or asynchronously).
   *
   * @param ctx the call
   * @param input the validated input
   * @param sink where the outputs go; any thread may use it
   */
  void handle(OperationContext ctx, JsonObject input, OutputSink sink);
}
