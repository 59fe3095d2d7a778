package dev.callmesh.spoke.testing;

import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;

/** Spoke thread pools for tests that call handlers directly: small, each with names of its own. */
public final class TestWorkers {

  /** Threads of the blocking pool. */
  public static final int WORKER_THREADS = 4;
  /** Most stream threads. */
  public static final int STREAM_THREADS = 16;

  private static final AtomicInteger IDS = new AtomicInteger();

  private TestWorkers() {
  }

  /**
   * @param vertx the Vert.x instance of the blocking pool (closing it closes the pool)
   * @return workers with {@value #WORKER_THREADS} blocking threads and {@value #STREAM_THREADS} stream threads
   */
  public static SpokeWorkers create(Vertx vertx) {
    return SpokeWorkers.create(vertx, "test-workers-" + IDS.incrementAndGet(), WORKER_THREADS, STREAM_THREADS);
  }
}
