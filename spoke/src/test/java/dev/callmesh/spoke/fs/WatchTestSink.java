package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OutputSink;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OutputSink} recording a watch's outputs, for tests. */
final class WatchTestSink implements OutputSink {

  final List<JsonObject> outputs = new CopyOnWriteArrayList<>();
  /** Completes when the stream completes, fails with the error when it fails. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  /**
   * Waits until an output with this kind and path arrives.
   *
   * @return whether it arrived within the time
   */
  boolean await(String kind, String path, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (has(kind, path)) {
        return true;
      }
      Thread.sleep(5);
    }
    return has(kind, path);
  }

  boolean has(String kind, String path) {
    return outputs.stream().anyMatch(o -> o.getString("kind").equals(kind) && o.getString("path").equals(path));
  }

  @Override
  public void emit(Object output) {
    if (!ended.isDone()) {
      outputs.add((JsonObject) output);
    }
  }

  @Override
  public void complete() {
    ended.complete(null);
  }

  @Override
  public void fail(Throwable error) {
    ended.completeExceptionally(error);
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public OutputSink drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public boolean isEnded() {
    return ended.isDone();
  }
}
