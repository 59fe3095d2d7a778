package dev.callmesh.spoke.work;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
import io.vertx.core.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The flow control of one streaming call, shared by every thread that produces its outputs (the two pipe
 * pumps of a command, the walk of a grep, the loop of a watch): it holds a producer back while the caller
 * cannot take more, and tells it when to stop for good.
 * <ul>
 *   <li><b>Who blocks:</b> only a producer, in {@link #awaitWritable()}, on a thread of
 *       {@link SpokeWorkers}; never an event loop (refused), since the drain that would release it runs
 *       there.</li>
 *   <li><b>What releases it:</b> the sink's drain handler, which the connection runs on its context when
 *       the caller grants credit or the connection's queue empties (then it may emit); the call's abort,
 *       the stream's end, or {@link #close()} (then it must stop, and so must every later caller).</li>
 *   <li><b>Bounded waits:</b> a waiter looks at the sink again at least every {@value #RECHECK_MS} ms, so
 *       a drain that slipped in between its check and its wait costs at most that long. The wait as a
 *       whole lasts as long as the caller grants no credit: the call's deadline or abort then ends it.</li>
 *   <li><b>Interrupts:</b> an interrupted waiter returns {@code false} at once, its interrupt status kept;
 *       the gate stays open for the other producers.</li>
 *   <li><b>Locking:</b> one lock, held only around a wait and a signal: the drain handler takes it just to
 *       wake the waiters, so the event loop never waits for a producer.</li>
 * </ul>
 * Make it in the handler, on the thread that called it (the call's context), before any producer starts:
 * it installs the sink's drain handler and an abort handler on the call.
 */
public final class FlowGate {

  /** The longest a waiter goes without looking at the sink again, in milliseconds. */
  public static final long RECHECK_MS = 50;

  private final OperationContext ctx;
  private final OutputSink sink;
  private final long recheckMs;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile boolean closed;

  /**
   * Installs the sink's drain handler and the call's abort handler.
   *
   * @param ctx the call
   * @param sink its outputs
   */
  public FlowGate(OperationContext ctx, OutputSink sink) {
    this(ctx, sink, RECHECK_MS);
  }

  /** As {@link #FlowGate(OperationContext, OutputSink)} with another re-check period (for tests). */
  FlowGate(OperationContext ctx, OutputSink sink, long recheckMs) {
    this.ctx = ctx;
    this.sink = sink;
    this.recheckMs = recheckMs;
    sink.drainHandler(v -> wake());
    ctx.onAbort(reason -> close());
  }

  /**
   * @return whether producers must stop: the call was aborted, the stream has ended, or the gate was
   *     closed; once true, it stays true
   */
  public boolean isStopped() {
    return closed || ctx.isAborted() || sink.isEnded();
  }

  /**
   * Blocks the calling producer while the sink's queue is full.
   *
   * @return {@code true} when the producer may emit one output now; {@code false} when it must stop
   *     instead (see {@link #isStopped()}), or its thread was interrupted (the interrupt status is kept)
   * @throws IllegalStateException on an event loop thread
   */
  public boolean awaitWritable() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a producer must not wait for credit on an event loop: the drain runs there");
    }
    lock.lock();
    try {
      while (!isStopped() && sink.writeQueueFull()) {
        changed.await(recheckMs, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
    return !isStopped();
  }

  /** Stops the producers for good: waiters return {@code false} now, later callers at once. */
  public void close() {
    closed = true;
    wake();
  }

  private void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
