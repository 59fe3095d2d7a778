package dev.callmesh.spoke.testing;

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
 * queue is full: {@link #block()} or {@link #fullAt(int)} make {@link #writeQueueFull()} answer true,
 * {@link #release()} or {@link #drain(int)} let outputs in again and run the drain handler. Ignores
 * everything after its end, as the real sink does: only the first of {@link #complete()},
 * {@link #fail(Throwable)} and {@link #abort()} counts.
 * <p>
 * Safe to use from any thread: handlers emit from their own threads while the test reads. The drain
 * handler runs on the thread that calls {@link #release()} or {@link #drain(int)}.
 */
public final class RecordingSink implements OutputSink {

  /** One output {@code value} and when it was emitted, {@code atNanos} ({@link System#nanoTime()}). */
  public record Output(long atNanos, JsonObject value) {
  }

  private final List<Output> outputs = new ArrayList<>();
  /** Completes with the failure, or {@code null} when the stream completed or was aborted. */
  private final CompletableFuture<Throwable> end = new CompletableFuture<>();
  private long endedAtNanos;
  private int fullAt = Integer.MAX_VALUE;
  private volatile Handler<Void> drainHandler;

  /**
   * Makes the queue report full once {@code count} outputs were emitted; {@code 0} is full at once.
   *
   * @return this
   */
  public synchronized RecordingSink fullAt(int count) {
    fullAt = count;
    return this;
  }

  /** Makes {@link #writeQueueFull()} answer true, whatever was emitted, until the next release or drain. */
  public void block() {
    fullAt(0);
  }

  /** Lets any number of outputs in, then runs the drain handler. */
  public void release() {
    fullAt(Integer.MAX_VALUE);
    runDrainHandler();
  }

  /** Lets {@code more} outputs in beyond those emitted so far, then runs the drain handler. */
  public void drain(int more) {
    synchronized (this) {
      fullAt = (int) Math.min(Integer.MAX_VALUE, (long) outputs.size() + more);
    }
    runDrainHandler();
  }

  private void runDrainHandler() {
    Handler<Void> h = drainHandler;
    if (h != null) {
      h.handle(null);
    }
  }

  /** Ends the stream as the caller's abort does: {@link #awaitEnd(long)} then returns {@code null}. */
  public void abort() {
    end(null);
  }

  @Override
  public synchronized void emit(Object output) {
    if (!end.isDone()) {
      outputs.add(new Output(System.nanoTime(), (JsonObject) output));
      notifyAll();
    }
  }

  @Override
  public void complete() {
    end(null);
  }

  /** Ends the stream with {@code error}; a {@code null} error counts as a failure all the same. */
  @Override
  public void fail(Throwable error) {
    end(error != null ? error : new NullPointerException("fail(null)"));
  }

  private synchronized void end(Throwable failure) {
    if (!end.isDone()) {
      endedAtNanos = System.nanoTime();
      end.complete(failure);
    }
  }

  @Override
  public synchronized boolean writeQueueFull() {
    return outputs.size() >= fullAt;
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

  /**
   * Waits for the end.
   *
   * @return the failure, or {@code null} when the stream completed (or was aborted)
   * @throws java.util.concurrent.TimeoutException when it did not end within the time
   */
  public Throwable awaitEnd(long seconds) throws Exception {
    return end.get(seconds, TimeUnit.SECONDS);
  }

  /**
   * Waits for the end, and fails the test unless the stream completed (or was aborted).
   *
   * @throws AssertionError with the failure as its cause when the stream failed
   * @throws java.util.concurrent.TimeoutException when it did not end within the time
   */
  public void awaitCompleted(long seconds) throws Exception {
    Throwable failure = awaitEnd(seconds);
    if (failure != null) {
      throw new AssertionError("the stream failed: " + failure, failure);
    }
  }

  /** @return when the stream ended ({@link System#nanoTime()}), or 0 while it has not */
  public synchronized long endedAtNanos() {
    return endedAtNanos;
  }

  /** @return how many outputs were emitted */
  public synchronized int size() {
    return outputs.size();
  }

  /** @return a copy of the outputs so far, with their times */
  public synchronized List<Output> outputs() {
    return List.copyOf(outputs);
  }

  /** @return a copy of the output values so far */
  public synchronized List<JsonObject> values() {
    return outputs.stream().map(Output::value).toList();
  }

  /** @return the concatenated {@code data} of the outputs of one {@code stream} (bash: stdout, stderr) */
  public synchronized String text(String stream) {
    return outputs.stream()
        .filter(o -> stream.equals(o.value().getString("stream")))
        .map(o -> o.value().getString("data"))
        .collect(Collectors.joining());
  }

  /** @return the {@code exitCode} of the last output, or {@code null} when there is none (bash) */
  public synchronized Integer exitCode() {
    return outputs.isEmpty() ? null : outputs.get(outputs.size() - 1).value().getInteger("exitCode");
  }

  /** @return whether an output with this {@code kind} and {@code path} arrived (fs watch events) */
  public synchronized boolean has(String kind, String path) {
    return outputs.stream().map(Output::value)
        .anyMatch(o -> kind.equals(o.getString("kind")) && path.equals(o.getString("path")));
  }

  /**
   * Waits until an output with this {@code kind} and {@code path} arrives (fs watch events).
   *
   * @return whether it arrived within the time
   */
  public synchronized boolean await(String kind, String path, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!has(kind, path)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
