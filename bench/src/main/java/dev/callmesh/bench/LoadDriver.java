package dev.callmesh.bench;

import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: keeps a fixed number of calls in flight for a warm-up phase and then a measured
 * phase; only calls that start and end inside the measured phase count.
 */
final class LoadDriver {

  /** One system under test, seen from the caller. */
  @FunctionalInterface
  interface Target {
    /**
     * @param seq a running number (targets that spread calls use it to pick a receiver)
     * @return completed when the echo came back
     */
    CompletionStage<?> call(long seq);
  }

  /**
   * What one measured phase saw.
   *
   * @param calls completed in the phase
   * @param errors failed calls (warm-up included)
   * @param seconds the length of the phase
   * @param sortedNanos the latencies, sorted
   */
  record Result(long calls, long errors, double seconds, long[] sortedNanos) {
    double rps() {
      return calls / seconds;
    }

    /** @return the q-quantile latency in microseconds */
    double quantileUs(double q) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
      return sortedNanos[Math.max(0, i)] / 1000.0;
    }
  }

  /** A call that has not come back after this long counts as failed. */
  static final long CALL_TIMEOUT_S = 20;

  private final Target target;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong measured = new AtomicLong();
  private long[] lat = new long[1 << 16];
  private int n;
  private long warmEnd;
  private long end;
  private CountDownLatch slots;
  private volatile Throwable firstError;

  private LoadDriver(Target target) {
    this.target = target;
  }

  /**
   * @param target the system
   * @param concurrency calls kept in flight
   * @param warmMs warm-up, not measured
   * @param measureMs measured phase
   * @return what the measured phase saw
   */
  static Result run(Target target, int concurrency, long warmMs, long measureMs) throws InterruptedException {
    LoadDriver d = new LoadDriver(target);
    long start = System.nanoTime();
    d.warmEnd = start + TimeUnit.MILLISECONDS.toNanos(warmMs);
    d.end = d.warmEnd + TimeUnit.MILLISECONDS.toNanos(measureMs);
    d.slots = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      d.next();
    }
    if (!d.slots.await(warmMs + measureMs + (CALL_TIMEOUT_S + 10) * 1000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("calls still pending well after the end of the phase");
    }
    if (d.firstError != null) {
      System.err.println("  warning: " + d.errors.get() + " calls failed, first: " + d.firstError);
    }
    long[] sorted;
    synchronized (d) {
      sorted = Arrays.copyOf(d.lat, d.n);
    }
    Arrays.sort(sorted);
    return new Result(d.measured.get(), d.errors.get(), measureMs / 1000.0, sorted);
  }

  private void next() {
    long t0 = System.nanoTime();
    if (t0 >= end || errors.get() > 100) {
      slots.countDown();
      return;
    }
    java.util.concurrent.CompletableFuture<Object> call = new java.util.concurrent.CompletableFuture<>();
    try {
      target.call(seq.getAndIncrement()).whenComplete((r, err) -> {
        if (err != null) {
          call.completeExceptionally(err);
        } else {
          call.complete(r);
        }
      });
    } catch (RuntimeException e) {
      fail(e);
      slots.countDown();
      return;
    }
    // a call lost on the way must not hang the run: it counts as failed
    call.orTimeout(CALL_TIMEOUT_S, TimeUnit.SECONDS).whenComplete((r, err) -> {
      long t1 = System.nanoTime();
      if (err != null) {
        fail(err);
        // a failure that comes back at once would recurse: this slot stops
        slots.countDown();
        return;
      }
      if (t0 >= warmEnd && t1 <= end) {
        measured.incrementAndGet();
        record(t1 - t0);
      }
      next();
    });
  }

  private void fail(Throwable err) {
    errors.incrementAndGet();
    if (firstError == null) {
      firstError = err;
    }
  }

  private synchronized void record(long nanos) {
    if (n == lat.length) {
      lat = Arrays.copyOf(lat, n * 2);
    }
    lat[n++] = nanos;
  }
}
