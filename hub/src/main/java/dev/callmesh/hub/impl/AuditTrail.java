package dev.callmesh.hub.impl;

import dev.callmesh.protocol.log.CallLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Where the audit lines of the process's hubs wait to be logged: an event loop only queues a line's fields,
 * and one thread of the trail logs them (logger {@code callmesh.audit}, with the MDC keys of {@link CallLog}) in
 * batches. While lines come, that thread looks at the queue every few milliseconds, so a busy hub wakes nobody
 * per call; after a second without lines it sleeps until the next one. In the hub process each batch leaves
 * stderr in one write ({@link StderrGate}).
 * <p>
 * Nothing is lost: when the queue is full, the event loop logs the line itself. {@link #flush()} logs what is
 * queued, for a hub that closes.
 */
final class AuditTrail {

  private static final Logger audit = LoggerFactory.getLogger("callmesh.audit");
  private static final int CAPACITY = 65_536;
  private static final int BATCH = 1_024;
  private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final int LOOKS_BEFORE_SLEEP = 200; // a second of empty looks
  private static final AuditTrail SHARED = new AuditTrail();

  /** One audit line: who, what, how it ended, how long it took, how it came in, its trace id. */
  record Line(String callId, String identity, String op, String outcome, long durationMs, String transport,
              String traceId) {
  }

  private final ArrayBlockingQueue<Line> queue = new ArrayBlockingQueue<>(CAPACITY);
  private volatile Thread sleeping;

  private AuditTrail() {
    Thread writer = new Thread(this::run, "callmesh-audit");
    writer.setDaemon(true);
    writer.start();
  }

  /** @return the process's trail */
  static AuditTrail shared() {
    return SHARED;
  }

  /** @return whether audit lines are logged at all (the {@code callmesh.audit} logger at INFO) */
  static boolean enabled() {
    return audit.isInfoEnabled();
  }

  /** Queues a line; any thread. */
  void add(Line line) {
    if (!queue.offer(line)) {
      write(line); // full: slower for this caller, but nothing is dropped
      return;
    }
    Thread t = sleeping;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Logs what is queued now, on the calling thread. */
  void flush() {
    List<Line> rest = new ArrayList<>();
    queue.drainTo(rest);
    rest.forEach(AuditTrail::write);
  }

  private void run() {
    List<Line> batch = new ArrayList<>(BATCH);
    int emptyLooks = 0;
    while (true) {
      queue.drainTo(batch, BATCH);
      if (!batch.isEmpty()) {
        emptyLooks = 0;
        StderrGate.batch(() -> batch.forEach(AuditTrail::write)); // one write to stderr per batch
        batch.clear();
      } else if (++emptyLooks < LOOKS_BEFORE_SLEEP) {
        LockSupport.parkNanos(this, LOOK_NANOS);
      } else {
        // Say we sleep, then look once more: a line queued after that look finds us marked and wakes us.
        sleeping = Thread.currentThread();
        if (queue.isEmpty()) {
          LockSupport.park(this);
        }
        sleeping = null;
        emptyLooks = 0;
      }
    }
  }

  private static void write(Line l) {
    try {
      CallLog.log(audit, Level.INFO, l.callId(), l.op(), l.traceId(),
          "call id={} identity={} op={} outcome={} durationMs={} transport={} trace={}", l.callId(), l.identity(),
          l.op(), l.outcome(), l.durationMs(), l.transport(), l.traceId());
    } catch (RuntimeException e) {
      // A failing appender must not stop the trail; logback reports its own errors on its status.
    }
  }
}
