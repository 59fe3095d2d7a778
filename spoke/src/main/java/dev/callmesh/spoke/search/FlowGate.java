package dev.callmesh.spoke.search;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;

/**
 * Tells a producer thread when to pause and when to stop: it pauses while the sink's write queue is full
 * (until the drain handler runs) and stops when the call is aborted or the stream has ended. Pausing
 * re-checks the queue at least every {@value #RECHECK_MS} ms, so a drain signal lost to a race costs at
 * most that delay.
 */
final class FlowGate {

  private static final long RECHECK_MS = 50;

  private final OperationContext ctx;
  private final OutputSink sink;
  private final Object lock = new Object();
  private volatile boolean aborted;

  /**
   * Installs the sink's drain handler and the call's abort handler.
   *
   * @param ctx the call
   * @param sink its outputs
   */
  FlowGate(OperationContext ctx, OutputSink sink) {
    this.ctx = ctx;
    this.sink = sink;
    sink.drainHandler(v -> wake());
    ctx.onAbort(reason -> {
      aborted = true;
      wake();
    });
  }

  /** @return whether the producer must stop: the call was aborted or the stream ended */
  boolean stopped() {
    return aborted || ctx.isAborted() || sink.isEnded();
  }

  /**
   * Blocks the calling (producer) thread while the sink's write queue is full.
   *
   * @return true when the producer may emit, false when it must stop instead
   */
  boolean awaitWritable() {
    synchronized (lock) {
      while (!stopped() && sink.writeQueueFull()) {
        try {
          lock.wait(RECHECK_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !stopped();
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }
}
