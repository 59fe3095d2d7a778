package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OutputSink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds back pump threads while a sink's write queue is full, until its drain handler runs (or the
 * stream ends, or the gate is closed). A pump held here stops reading its pipe, so the command blocks on
 * a full pipe instead of the spoke buffering its output.
 */
final class FlowGate {

  /** Re-check at least this often, in case a drain happened in a way the handler did not report. */
  private static final long RECHECK_MS = 200;

  private final OutputSink sink;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition writable = lock.newCondition();
  private volatile boolean closed;

  /** Installs itself as the sink's drain handler. */
  FlowGate(OutputSink sink) {
    this.sink = sink;
    sink.drainHandler(v -> wake());
  }

  /**
   * Blocks while the sink's queue is full.
   *
   * @return {@code true} when the caller may emit; {@code false} when the stream has ended or the gate was
   *     closed, so emitting is pointless
   * @throws InterruptedException when the waiting thread is interrupted
   */
  boolean awaitWritable() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && !sink.isEnded() && sink.writeQueueFull()) {
        writable.await(RECHECK_MS, TimeUnit.MILLISECONDS);
      }
      return !closed && !sink.isEnded();
    } finally {
      lock.unlock();
    }
  }

  /** Releases every waiting pump for good: from now on {@link #awaitWritable()} returns {@code false} at once. */
  void close() {
    closed = true;
    wake();
  }

  private void wake() {
    lock.lock();
    try {
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
