package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The audit trail logs every line it is given, with its MDC, whether lines come in floods or after a pause. */
class AuditTrailTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("callmesh.audit");
  /** Keeps the events with their MDC, as an asynchronous appender would. */
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent e) {
      e.prepareForDeferredProcessing();
      super.append(e);
    }
  };

  @BeforeEach
  void listen() {
    seen.start();
    logger.addAppender(seen);
    logger.setAdditive(false); // only here, not on the console
  }

  @AfterEach
  void stop() {
    logger.detachAppender(seen);
    logger.setAdditive(true);
  }

  private int count() {
    synchronized (seen.list) {
      return seen.list.size();
    }
  }

  private void awaitCount(int n, long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (count() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(n, count());
  }

  @Test
  void aFloodFromSeveralThreadsIsLoggedWhole() throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int tt = t;
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 25_000; i++) {
          AuditTrail.shared().add(new AuditTrail.Line(tt + "-" + i, "alice", "/dev1/fs/stat", "OK", 0, "tcp", "abc"));
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    awaitCount(100_000, 20_000);
    Set<String> ids = new HashSet<>();
    synchronized (seen.list) {
      for (ILoggingEvent e : seen.list) {
        ids.add(e.getMDCPropertyMap().get("callId"));
      }
      ILoggingEvent one = seen.list.get(0);
      assertEquals("/dev1/fs/stat", one.getMDCPropertyMap().get("op"));
      assertEquals("abc", one.getMDCPropertyMap().get("traceId"));
      assertTrue(one.getFormattedMessage().contains("identity=alice op=/dev1/fs/stat outcome=OK"), one.getFormattedMessage());
    }
    assertEquals(100_000, ids.size(), "every line once");
  }

  @Test
  void aLineAfterTheTrailFellAsleepIsLoggedPromptly() throws Exception {
    AuditTrail.shared().add(new AuditTrail.Line("first", "alice", "/x/y", "OK", 0, "tcp", null));
    awaitCount(1, 2_000);
    Thread.sleep(1_500); // a second without lines: the trail sleeps until the next one
    long start = System.nanoTime();
    AuditTrail.shared().add(new AuditTrail.Line("second", "alice", "/x/y", "OK", 0, "tcp", null));
    awaitCount(2, 2_000);
    assertTrue(System.nanoTime() - start < 500_000_000L, "woken by the line, not by a timer");
  }
}
