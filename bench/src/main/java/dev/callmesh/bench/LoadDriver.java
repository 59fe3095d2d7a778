package dev.callmesh.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: keeps a fixed number of calls in flight through a warm-up and then a measured
 * window. The warm-up runs in one-second slices until the rate is steady (see {@link WarmUp}); in the
 * measured window, latencies count for the calls that start and end inside it.
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

  /** Told right when the measured window opens and closes (to read CPU clocks at its ends). */
  interface Window {
    /** The measured window opens now. */
    void opened();

    /** The measured window has closed. */
    void closed();
  }

  /**
   * How long to warm up before measuring: slices of {@link #SLICE_MS} until the last two slices' rates
   * are within {@link #STEADY} of each other and at least {@code minMs} and {@code minCalls} calls have gone
   * by; at most {@code capMs}.
   */
  record WarmUp(long minMs, long capMs, long minCalls) {
    static final long SLICE_MS = 1_000;
    static final double STEADY = 0.10;
    /** No warm-up: the measured window starts at once. */
    static final WarmUp NONE = new WarmUp(0, 0, 0);

    /** @return this rule with another minimum of calls */
    WarmUp calls(long min) {
      return new WarmUp(minMs, capMs, min);
    }
  }

  /**
   * What one measured window saw.
   *
   * @param calls started and completed inside the window
   * @param completed completed inside the window, wherever they started (the work the processes did in it)
   * @param errors failed calls (warm-up included)
   * @param seconds the length of the window
   * @param sortedNanos the latencies of {@code calls}, sorted
   * @param warmUp what the warm-up did, for the log
   */
  record Result(long calls, long completed, long errors, double seconds, long[] sortedNanos, String warmUp) {
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
  private final CountDownLatch slots;
  private volatile boolean stopping;
  /** The window being recorded, or null between windows. */
  private volatile Phase phase;
  private volatile Throwable firstError;

  /** The calls one window saw. */
  private static final class Phase {
    final long start = System.nanoTime();
    long end;
    boolean closed;
    long completed;
    long[] lat = new long[1 << 12];
    int n;

    synchronized void record(long t0, long t1) {
      if (closed) {
        return;
      }
      completed++;
      if (t0 >= start) {
        if (n == lat.length) {
          lat = Arrays.copyOf(lat, n * 2);
        }
        lat[n++] = t1 - t0;
      }
    }

    synchronized void close() {
      closed = true;
      end = System.nanoTime();
    }

    synchronized double seconds() {
      return (end - start) / 1e9;
    }
  }

  private LoadDriver(Target target, int concurrency) {
    this.target = target;
    this.slots = new CountDownLatch(concurrency);
  }

  /** No warm-up, no window: {@code ms} of load (a JIT warm-up). */
  static Result run(Target target, int concurrency, long ms) throws InterruptedException {
    return run(target, concurrency, WarmUp.NONE, ms, null);
  }

  /**
   * @param target the system
   * @param concurrency calls kept in flight
   * @param warm how long to warm up
   * @param measureMs the measured window
   * @param window told when the measured window opens and closes, or {@code null}
   * @return what the measured window saw
   */
  static Result run(Target target, int concurrency, WarmUp warm, long measureMs, Window window) throws InterruptedException {
    LoadDriver d = new LoadDriver(target, concurrency);
    for (int i = 0; i < concurrency; i++) {
      d.next();
    }
    String warmUp = d.warmUp(warm);
    if (window != null) {
      window.opened();
    }
    Phase measured = d.slice(measureMs);
    if (window != null) {
      window.closed();
    }
    d.stopping = true;
    if (!d.slots.await((CALL_TIMEOUT_S + 10) * 1000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("calls still pending well after the end of the window");
    }
    if (d.firstError != null) {
      System.err.println("  warning: " + d.errors.get() + " calls failed, first: " + d.firstError);
    }
    long[] sorted;
    synchronized (measured) {
      sorted = Arrays.copyOf(measured.lat, measured.n);
    }
    Arrays.sort(sorted);
    return new Result(sorted.length, measured.completed, d.errors.get(), measured.seconds(), sorted, warmUp);
  }

  /** @return what the warm-up did: its length, calls, slice rates and whether the rate became steady */
  private String warmUp(WarmUp warm) throws InterruptedException {
    if (warm.capMs() <= 0) {
      return "";
    }
    long t0 = System.nanoTime();
    List<Double> rates = new ArrayList<>();
    long calls = 0;
    String verdict;
    while (true) {
      Phase p = slice(WarmUp.SLICE_MS);
      rates.add(p.completed / p.seconds());
      calls += p.completed;
      long elapsed = (System.nanoTime() - t0) / 1_000_000;
      int k = rates.size();
      if (slots.getCount() == 0) {
        verdict = "every call slot failed";
        break;
      }
      if (k >= 2 && elapsed >= warm.minMs() && calls >= warm.minCalls()
          && Math.max(rates.get(k - 1), rates.get(k - 2)) <= (1 + WarmUp.STEADY) * Math.min(rates.get(k - 1), rates.get(k - 2))) {
        verdict = "steady";
        break;
      }
      if (elapsed >= warm.capMs()) {
        verdict = "NOT steady at the cap";
        break;
      }
    }
    StringBuilder sb = new StringBuilder();
    rates.forEach(r -> sb.append(String.format(Locale.ROOT, " %.0f", r)));
    return String.format(Locale.ROOT, "warm-up %d s, %d calls, %s; slices (calls/s):%s",
        rates.size() * WarmUp.SLICE_MS / 1000, calls, verdict, sb);
  }

  /** Records a window of {@code ms} while the load runs on. */
  private Phase slice(long ms) throws InterruptedException {
    Phase p = new Phase();
    phase = p;
    Thread.sleep(ms);
    p.close();
    phase = null;
    return p;
  }

  private void next() {
    if (stopping || errors.get() > 100) {
      slots.countDown();
      return;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Object> call = new CompletableFuture<>();
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
      if (err != null) {
        fail(err);
        // a failure that comes back at once would recurse: this slot stops
        slots.countDown();
        return;
      }
      Phase p = phase;
      if (p != null) {
        p.record(t0, System.nanoTime());
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
}
