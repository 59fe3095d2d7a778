package dev.callmesh.spoke.search;

import dev.callmesh.operations.OutputSink;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link OutputSink} that records outputs with the time each arrived, and can pretend its queue is full
 * until {@link #release()} fires the drain handler.
 */
final class RecordingSink implements OutputSink {

  /** One output and when it arrived ({@link System#nanoTime()}). */
  record Output(JsonObject value, long at) {
  }

  final List<Output> outputs = new CopyOnWriteArrayList<>();
  /** Completes when the stream completes, fails with the error when it fails. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();
  volatile long endedAt;
  private volatile boolean full;
  private volatile Handler<Void> drain;

  /** Makes {@link #writeQueueFull()} answer true until {@link #release()}. */
  void block() {
    full = true;
  }

  /** Empties the queue and runs the drain handler. */
  void release() {
    full = false;
    Handler<Void> h = drain;
    if (h != null) {
      h.handle(null);
    }
  }

  List<JsonObject> values() {
    return outputs.stream().map(Output::value).toList();
  }

  @Override
  public void emit(Object output) {
    if (!ended.isDone()) {
      outputs.add(new Output((JsonObject) output, System.nanoTime()));
    }
  }

  @Override
  public void complete() {
    endedAt = System.nanoTime();
    ended.complete(null);
  }

  @Override
  public void fail(Throwable error) {
    endedAt = System.nanoTime();
    ended.completeExceptionally(error);
  }

  @Override
  public boolean writeQueueFull() {
    return full;
  }

  @Override
  public OutputSink drainHandler(Handler<Void> handler) {
    drain = handler;
    return this;
  }

  @Override
  public boolean isEnded() {
    return ended.isDone();
  }
}
