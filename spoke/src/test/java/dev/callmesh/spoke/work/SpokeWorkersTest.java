package dev.callmesh.spoke.work;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spoke's two pools: where work runs, the stream pool's bound, and that streams never hold up short work. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SpokeWorkersTest {

  private static final int STREAMS = 2;

  private SpokeWorkers workers;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp(Vertx vertx) {
    workers = SpokeWorkers.create(vertx, "workers-test", 1, STREAMS);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    workers.close();
  }

  private void holdStreamThreads(int n) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      workers.stream("held-" + i, () -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    assertTrue(started.await(5, TimeUnit.SECONDS));
  }

  @Test
  void blockingWorkRunsOnTheNamedPoolOffTheEventLoop() throws Exception {
    String thread = workers.blocking(() -> Thread.currentThread().getName())
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(thread.startsWith("workers-test-blocking"), thread);
  }

  @Test
  void aStreamThreadCarriesItsTasksNameWhileItRunsOnly() throws Exception {
    CompletableFuture<String> during = new CompletableFuture<>();
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    workers.stream("callmesh-grep-r1", () -> {
      during.complete(Thread.currentThread().getName());
      thread.complete(Thread.currentThread());
    });
    assertEquals("callmesh-grep-r1", during.get(5, TimeUnit.SECONDS));
    Thread t = thread.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (t.getName().equals("callmesh-grep-r1") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(t.getName().startsWith("workers-test-stream-"), t.getName());
  }

  @Test
  void aFullStreamPoolRefusesAtOnceInsteadOfQueueing() throws Exception {
    holdStreamThreads(STREAMS);
    CallException refused = assertThrows(CallException.class, () -> workers.stream("one-too-many", () -> { }));
    assertTrue(refused.is(ErrorCode.RESOURCE_EXHAUSTED), refused.toString());
    assertTrue(refused.retryable());

    release.countDown();
    CountDownLatch ran = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        workers.stream("after", ran::countDown);
        break;
      } catch (CallException stillBusy) {
        assertTrue(System.nanoTime() < deadline, "a thread is free again once its task ended");
        Thread.sleep(10);
      }
    }
    assertTrue(ran.await(5, TimeUnit.SECONDS));
  }

  @Test
  void streamsThatNeverEndDoNotHoldUpShortWork() throws Exception {
    holdStreamThreads(STREAMS);
    assertEquals("done", workers.blocking(() -> "done").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void closingInterruptsWaitingProducersAndRefusesNewStreams() throws Exception {
    RecordingSink sink = new RecordingSink();
    sink.block();
    FlowGate gate = new FlowGate(new TestContext(null), sink);
    CompletableFuture<Boolean> writable = new CompletableFuture<>();
    workers.stream("producer", () -> writable.complete(gate.awaitWritable()));
    Thread.sleep(200);
    assertFalse(writable.isDone(), "the producer waits for credit");
    workers.close();
    assertFalse(writable.get(5, TimeUnit.SECONDS), "closing the pools stops the producer");
    CallException refused = assertThrows(CallException.class, () -> workers.stream("late", () -> { }));
    assertTrue(refused.is(ErrorCode.UNAVAILABLE), refused.toString());
  }

  @Test
  void sizesBelowOneAreRefused(Vertx vertx) {
    assertThrows(IllegalArgumentException.class, () -> SpokeWorkers.create(vertx, "x", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> SpokeWorkers.create(vertx, "x", 1, 0));
  }
}
