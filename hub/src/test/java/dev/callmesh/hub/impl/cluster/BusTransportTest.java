package dev.callmesh.hub.impl.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link between two hubs batches: envelopes sent in one go leave in one event bus message (or a few,
 * past the batch size), and arrive one by one, in order; a batch that does not parse loses only what does
 * not parse.
 */
class BusTransportTest {

  private static final int MAX_FRAME = 1024 * 1024;

  private Vertx vertx;
  private Context context;
  private BusTransport a;
  private BusTransport b;
  private final List<Buffer> messages = new CopyOnWriteArrayList<>();
  private final List<EventEnvelope> arrived = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    a = new BusTransport(context, "a", "b", MAX_FRAME, JsonLimits.DEFAULTS);
    b = new BusTransport(context, "b", "a", MAX_FRAME, JsonLimits.DEFAULTS);
    b.handler(arrived::add);
    // What PeerLinks does for hub b: every message to b's address goes to its link from a, on the context.
    vertx.eventBus().<Buffer>consumer(PeerLinks.address("b"), m -> {
      messages.add(m.body());
      context.runOnContext(v -> b.receive(m.body()));
    }).completion().await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private static EventEnvelope envelope(int i, int padding) {
    return EventEnvelope.of("call.responded", "r" + i, new JsonObject().put("output", "x".repeat(padding)));
  }

  private void sendOnContext(int count, int padding) {
    context.runOnContext(v -> {
      for (int i = 0; i < count; i++) {
        a.send(envelope(i, padding));
      }
    });
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(5);
    }
  }

  private void assertArrivedInOrder(int count) {
    assertEquals(count, arrived.size());
    for (int i = 0; i < count; i++) {
      assertEquals("r" + i, arrived.get(i).id());
    }
  }

  @Test
  void envelopesSentInOneGoLeaveInOneMessageAndArriveInOrder() throws Exception {
    sendOnContext(200, 10);
    await(() -> arrived.size() == 200);
    assertArrivedInOrder(200);
    assertEquals(1, messages.size());
    assertEquals("x".repeat(10), arrived.get(199).payload().getString("output"));
  }

  @Test
  void aBatchLeavesOnceItReachesTheBatchSize() throws Exception {
    int padding = 1000;
    int count = 3 * BusTransport.BATCH_BYTES / padding;
    sendOnContext(count, padding);
    await(() -> arrived.size() == count);
    assertArrivedInOrder(count);
    assertTrue(messages.size() >= 3 && messages.size() <= 4, messages.size() + " messages");
    for (Buffer m : messages) {
      assertTrue(m.length() < BusTransport.BATCH_BYTES + padding + 100, "a message of " + m.length() + " bytes");
    }
  }

  @Test
  void envelopesSentFromAnotherThreadArriveToo() throws Exception {
    for (int i = 0; i < 50; i++) {
      a.send(envelope(i, 1));
    }
    await(() -> arrived.size() == 50);
    assertArrivedInOrder(50);
  }

  @Test
  void aFrameThatIsNotAnEnvelopeIsSkippedAndALengthThatDoesNotFitEndsTheBatch() throws Exception {
    Buffer batch = Buffer.buffer();
    for (Buffer json : List.of(envelope(0, 1).encode(), Buffer.buffer("[1,2]"), envelope(1, 1).encode())) {
      batch.appendInt(json.length()).appendBuffer(json);
    }
    Buffer last = envelope(2, 1).encode();
    batch.appendInt(last.length() + 1).appendBuffer(last); // one byte short
    context.runOnContext(v -> b.receive(batch));
    await(() -> arrived.size() == 2);
    Thread.sleep(100);
    assertArrivedInOrder(2);

    Buffer tooLong = Buffer.buffer().appendInt(MAX_FRAME + 1).appendBuffer(Buffer.buffer(new byte[16]));
    Buffer stub = Buffer.buffer().appendShort((short) 1);
    context.runOnContext(v -> {
      b.receive(tooLong);
      b.receive(stub);
    });
    Thread.sleep(100);
    assertEquals(2, arrived.size());
    assertTrue(!b.isClosed(), "the link stays open");
  }

  @Test
  void whatWasSentBeforeTheLinkClosedStillLeaves() throws Exception {
    context.runOnContext(v -> {
      a.send(envelope(0, 1));
      a.close();
    });
    await(() -> arrived.size() == 1);
    assertTrue(a.isClosed());
    assertTrue(a.send(envelope(1, 1)).failed(), "a closed link sends nothing");
  }

  @Test
  void aSendFromAnotherThreadThatMeetsTheLinkClosedOnItsContextFails() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    context.runOnContext(v -> {
      try {
        held.await(5, TimeUnit.SECONDS); // the context is busy: what follows queues behind this
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    a.close(); // queued on the context
    Future<Void> sent = a.send(envelope(0, 1)); // from this thread: not closed yet, so it hops, after the close
    held.countDown();
    try {
      sent.await(5, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // the future failed: checked below
    }
    assertTrue(sent.failed(), "the send met a closed link on the context; it must not report success");
    Thread.sleep(100);
    assertEquals(0, arrived.size());
  }
}
