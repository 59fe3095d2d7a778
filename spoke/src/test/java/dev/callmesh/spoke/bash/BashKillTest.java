package dev.callmesh.spoke.bash;

import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.TestWorkers;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies that abort and timeout kill the whole process tree of {@code /bash/exec}, and its flow control. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BashKillTest {

  @TempDir
  Path root;
  SubscriptionHandler exec;
  TestContext ctx;
  SpokeWorkers workers;

  @BeforeEach
  void setUp(Vertx vertx) {
    workers = TestWorkers.create(vertx);
    exec = BashOperations.exec(root, workers);
    ctx = new TestContext(vertx);
  }

  @AfterEach
  void tearDown() {
    workers.close();
  }

  @Test
  void abortKillsTheWholeTree() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    RecordingSink sink = new RecordingSink();
    exec.handle(ctx, new JsonObject().put("command", "sleep 4242 & sleep 4243; wait"), sink);
    assertTrue(Processes.presentWithin(5000, since, "sleep 4242", "sleep 4243"), "both sleeps should be running");

    ctx.abort("test");
    sink.abort();

    assertTrue(Processes.goneWithin(3000, since, "sleep 4242", "sleep 4243"), "abort must kill every process of the tree");
  }

  @Test
  void aTermIgnoringTreeIsKilledAfterTheGrace() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    RecordingSink sink = new RecordingSink();
    exec.handle(ctx, new JsonObject().put("command", "trap '' TERM; sleep 4246 & sleep 4247; wait"), sink);
    assertTrue(Processes.presentWithin(5000, since, "sleep 4246", "sleep 4247"));
    ctx.abort("test");
    sink.abort();
    assertTrue(Processes.goneWithin(4000, since, "sleep 4246", "sleep 4247"), "KILL follows TERM after 2 s");
  }

  @Test
  void timeoutFailsWithTimeoutAndKillsTheTree() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    RecordingSink sink = new RecordingSink();
    long start = System.nanoTime();
    exec.handle(ctx, new JsonObject().put("command", "echo started; sleep 4244 & sleep 4245; wait").put("timeoutMs", 500), sink);

    CallException error = assertInstanceOf(CallException.class, sink.awaitEnd(10));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(error.is(ErrorCode.TIMEOUT), error.toString());
    assertTrue(error.retryable());
    assertTrue(tookMs >= 450 && tookMs < 2500, "the timeout fires on time, took " + tookMs + " ms");
    assertEquals("started\n", sink.text("stdout"), "output before the timeout is delivered");
    assertTrue(Processes.goneWithin(3000, since, "sleep 4244", "sleep 4245"), "timeout must kill every process of the tree");
  }

  @Test
  void aFullSinkStopsTheReadingUntilItDrains() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    RecordingSink sink = new RecordingSink().fullAt(3);
    exec.handle(ctx, new JsonObject().put("command", "yes"), sink);
    try {
      Thread.sleep(1000);
      int held = sink.size();
      assertTrue(held >= 3 && held <= 4, "only what fits (plus one in flight per pipe) is emitted, got " + held);
      Thread.sleep(500);
      assertEquals(held, sink.size(), "nothing more while the sink is full");

      sink.drain(5);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (sink.size() < held + 5 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      int afterDrain = sink.size();
      assertTrue(afterDrain >= held + 5 && afterDrain <= held + 6, "reading resumes on drain, got " + afterDrain);
      assertTrue(sink.text("stdout").startsWith("y\ny\n"));
    } finally {
      ctx.abort("test");
      sink.abort();
    }
    assertTrue(Processes.goneWithin(3000, since, "yes"), "aborting a held-up command kills it");
  }

  @Test
  void noFreeStreamThreadForAPipeFailsResourceExhaustedAndKillsTheCommand(Vertx vertx) throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    SpokeWorkers two = SpokeWorkers.create(vertx, "bash-full", 1, 2);
    CountDownLatch hold = new CountDownLatch(1);
    try {
      two.stream("held", () -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // stdout's pump takes the last thread, stderr's finds none
      RecordingSink sink = new RecordingSink();
      BashOperations.exec(root, two).handle(ctx, new JsonObject().put("command", "sleep 4248"), sink);
      CallException error = assertInstanceOf(CallException.class, sink.awaitEnd(10));
      assertTrue(error.is(ErrorCode.RESOURCE_EXHAUSTED), error.toString());
      assertTrue(Processes.goneWithin(3000, since, "sleep 4248"), "a command whose pipes cannot be read is killed");
    } finally {
      hold.countDown();
      two.close();
    }
  }

  @Test
  void theExitCodeWaitsForTheSinkToDrain() throws Exception {
    RecordingSink sink = new RecordingSink().fullAt(1);
    exec.handle(ctx, new JsonObject().put("command", "echo hi"), sink);
    Thread.sleep(700);
    assertEquals(1, sink.size());
    assertFalse(sink.isEnded(), "the exit code is held while the sink is full");
    sink.drain(5);
    assertNull(sink.awaitEnd(5));
    assertEquals(0, sink.exitCode());
    assertEquals("hi\n", sink.text("stdout"));
  }
}
