package dev.callmesh.spoke.work;

import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flow gate's contract: a producer held while the sink is full is released by the drain, by the
 * call's abort, by {@link FlowGate#close()} and by an interrupt, each telling it whether to emit; a
 * drain the handler never reported is still seen within the re-check period; an event loop never waits.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FlowGateTest {

  /** Long enough that only a real wake-up releases a waiter within a test's bounds. */
  private static final long NO_RECHECK_MS = 60_000;
  /** How long a released waiter may take to return. */
  private static final long RELEASED_WITHIN_MS = 2_000;

  private final TestContext ctx = new TestContext(null);
  private final RecordingSink sink = new RecordingSink();
  private Thread producer;

  @AfterEach
  void stopProducer() throws InterruptedException {
    if (producer != null) {
      producer.interrupt();
      producer.join(2000);
    }
  }

  /** Starts a producer thread that waits at the gate; its future completes with what the wait returned. */
  private CompletableFuture<Boolean> waitAt(FlowGate gate, CompletableFuture<Boolean> interruptedAfter) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    producer = new Thread(() -> {
      boolean writable = gate.awaitWritable();
      interruptedAfter.complete(Thread.currentThread().isInterrupted());
      result.complete(writable);
    }, "flow-gate-test-producer");
    producer.start();
    return result;
  }

  private void assertStillWaiting(CompletableFuture<Boolean> result) throws Exception {
    assertThrows(TimeoutException.class, () -> result.get(300, TimeUnit.MILLISECONDS), "the producer waits");
  }

  @Test
  void aWritableSinkLetsTheProducerThroughAtOnce() {
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    assertTrue(gate.awaitWritable());
    assertFalse(gate.isStopped());
  }

  @Test
  void theDrainReleasesTheWaitToEmit() throws Exception {
    sink.block();
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    CompletableFuture<Boolean> result = waitAt(gate, interrupted);
    assertStillWaiting(result);
    sink.release(); // lets outputs in and runs the drain handler, as the connection does on credit
    assertTrue(result.get(RELEASED_WITHIN_MS, TimeUnit.MILLISECONDS), "released to emit");
    assertFalse(gate.isStopped());
  }

  @Test
  void theAbortReleasesTheWaitToStopForGood() throws Exception {
    sink.block();
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    CompletableFuture<Boolean> result = waitAt(gate, new CompletableFuture<>());
    assertStillWaiting(result);
    ctx.abort();
    assertFalse(result.get(RELEASED_WITHIN_MS, TimeUnit.MILLISECONDS), "released to stop");
    assertTrue(gate.isStopped());
    sink.release();
    assertFalse(gate.awaitWritable(), "an aborted call's gate stays shut");
  }

  @Test
  void closeReleasesTheWaitToStopForGood() throws Exception {
    sink.block();
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    CompletableFuture<Boolean> result = waitAt(gate, new CompletableFuture<>());
    assertStillWaiting(result);
    gate.close();
    assertFalse(result.get(RELEASED_WITHIN_MS, TimeUnit.MILLISECONDS));
    assertTrue(gate.isStopped());
  }

  @Test
  void anInterruptReleasesTheWaitKeepingTheInterruptAndTheGateOpen() throws Exception {
    sink.block();
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    CompletableFuture<Boolean> result = waitAt(gate, interrupted);
    assertStillWaiting(result);
    producer.interrupt();
    assertFalse(result.get(RELEASED_WITHIN_MS, TimeUnit.MILLISECONDS), "an interrupted producer stops");
    assertTrue(interrupted.get(), "its interrupt status is kept");
    assertFalse(gate.isStopped(), "the other producers of the call go on");
    sink.release();
    assertTrue(gate.awaitWritable());
  }

  @Test
  void aDrainTheHandlerNeverReportedIsSeenWithinTheRecheckPeriod() throws Exception {
    sink.block();
    FlowGate gate = new FlowGate(ctx, sink, 100);
    sink.drainHandler(v -> { }); // the gate's handler is gone: only re-checking can see the room
    CompletableFuture<Boolean> result = waitAt(gate, new CompletableFuture<>());
    assertStillWaiting(result);
    sink.release();
    assertTrue(result.get(RELEASED_WITHIN_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void theEndOfTheStreamStopsTheProducer() {
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    sink.complete();
    assertTrue(gate.isStopped());
    assertFalse(gate.awaitWritable());
  }

  @Test
  void anEventLoopIsNeverMadeToWait(Vertx vertx) throws Exception {
    FlowGate gate = new FlowGate(ctx, sink, NO_RECHECK_MS);
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        gate.awaitWritable();
        refused.complete(null);
      } catch (Throwable t) {
        refused.complete(t);
      }
    });
    assertInstanceOf(IllegalStateException.class, refused.get(5, TimeUnit.SECONDS));
  }
}
