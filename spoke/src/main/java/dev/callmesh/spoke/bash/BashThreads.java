package dev.callmesh.spoke.bash;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the bash operations block on, never the Vert.x event loop: a cached pool for starting
 * processes, pumping their pipes and feeding their stdin, and one scheduler for timeouts and the
 * TERM-then-KILL escalation. All threads are daemons, so they never keep the JVM alive.
 */
final class BashThreads {

  private static final ExecutorService POOL = Executors.newCachedThreadPool(factory("callmesh-bash-"));
  private static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(factory("callmesh-bash-timer-"));

  private BashThreads() {
  }

  /** @return the cached pool for blocking work (one thread per pipe while a command runs) */
  static ExecutorService pool() {
    return POOL;
  }

  /** @return the scheduler for deadlines; its tasks must be short and must not block */
  static ScheduledExecutorService timers() {
    return TIMERS;
  }

  private static ThreadFactory factory(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, prefix + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
