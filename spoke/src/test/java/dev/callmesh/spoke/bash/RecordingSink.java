package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OutputSink;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An {@link OutputSink} that records each output with the time it arrived, and can play a caller whose
 * queue is full: it reports {@link #writeQueueFull()} once it holds {@code fullAt} outputs, until
 * {@link #drain(int)} lets more in and runs the drain handler. Ignores everything after its end, as the
 * real sink does.
 */
final class RecordingSink implements OutputSink {

  /** One output and when it was emitted ({@link System#nanoTime()}). */
  record Output(long atNanos, JsonObject value) {
  }

  private final List<Output> outputs = new ArrayList<>();
  private final CompletableFuture<Throwable> end = new CompletableFuture<>();
  private volatile int fullAt = Integer.MAX_VALUE;
  private volatile Handler<Void> drainHandler;

  /** Makes the queue report full once {@code count} outputs were emitted. */
  RecordingSink fullAt(int count) {
    fullAt = count;
    return this;
  }

  /** Lets {@code more} outputs in, then runs the drain handler. */
  void drain(int more) {
    fullAt = size() + more;
    Handler<Void> h = drainHandler;
    if (h != null) {
      h.handle(null);
    }
  }

  /** Ends the stream as the caller's abort does. */
  void abort() {
    end.complete(null);
  }

  @Override
  public synchronized void emit(Object output) {
    if (!end.isDone()) {
      outputs.add(new Output(System.nanoTime(), (JsonObject) output));
    }
  }

  @Override
  public void complete() {
    end.complete(null);
  }

  @Override
  public void fail(Throwable error) {
    end.complete(error);
  }

  @Override
  public boolean writeQueueFull() {
    return size() >= fullAt;
  }

  @Override
  public OutputSink drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public boolean isEnded() {
    return end.isDone();
  }

  /** @return how many outputs were emitted */
  synchronized int size() {
    return outputs.size();
  }

  /** @return a copy of the outputs so far */
  synchronized List<Output> outputs() {
    return new ArrayList<>(outputs);
  }

  /** @return the concatenated data of one stream */
  synchronized String text(String stream) {
    return outputs.stream()
        .filter(o -> stream.equals(o.value().getString("stream")))
        .map(o -> o.value().getString("data"))
        .collect(Collectors.joining());
  }

  /** @return the exit code of the last output, or {@code null} when the last output is not one */
  synchronized Integer exitCode() {
    return outputs.isEmpty() ? null : outputs.get(outputs.size() - 1).value().getInteger("exitCode");
  }

  /**
   * Waits for the end.
   *
   * @return the failure, or {@code null} when the stream completed (or was aborted)
   */
  Throwable awaitEnd(long seconds) throws Exception {
    return end.get(seconds, TimeUnit.SECONDS);
  }
}
