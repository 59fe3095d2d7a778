package dev.callmesh.protocol.launch;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import sun.misc.Signal;

/**
 * A process's graceful stop on SIGTERM and SIGINT: the first of them runs the stop on a thread of its own
 * ({@code NAME-shutdown}; the JVM's signal thread must not block) and waits for it up to a limit; later
 * signals are ignored while it runs. {@link #await()} returns once the stop has finished (or given up), so
 * the main thread can then return its exit code.
 */
public final class GracefulStop {

  private final Launcher launcher;
  private final Supplier<Future<?>> stop;
  private final Duration limit;
  private final AtomicBoolean requested = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  private GracefulStop(Launcher launcher, Supplier<Future<?>> stop, Duration limit) {
    this.launcher = launcher;
    this.stop = stop;
    this.limit = limit;
  }

  /** Installs the handlers of SIGTERM and SIGINT; see {@link Launcher#onSignals}. */
  static GracefulStop install(Launcher launcher, Supplier<Future<?>> stop, Duration limit) {
    GracefulStop g = new GracefulStop(launcher, stop, limit);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), sig -> g.request());
    }
    return g;
  }

  /** Starts the stop, unless it has been started already. */
  void request() {
    if (requested.compareAndSet(false, true)) {
      new Thread(this::run, launcher.name() + "-shutdown").start();
    }
  }

  private void run() {
    try {
      stop.get().await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      launcher.error("shutdown did not finish cleanly: " + e.getMessage());
    } finally {
      finished.countDown();
    }
  }

  /** @return whether a signal has started the stop */
  public boolean requested() {
    return requested.get();
  }

  /**
   * Blocks until a signal's stop has finished, or given up after its limit.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void await() throws InterruptedException {
    finished.await();
  }
}
