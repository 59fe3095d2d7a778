package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Subscriptions through the engine: credit, deadlines, slow readers and cascades. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StreamingEngineTest {

  private static final CallEngineOptions OPTS = new CallEngineOptions().setHeartbeatMs(0);

  /** A producer that emits 1..count, waiting whenever the call says its queue is full. */
  private static CallHandler politeCounter(int count, AtomicInteger emitted) {
    return call -> new Object() {
      int next = 1;

      void pump() {
        while (next <= count && !call.isDone() && !call.writeQueueFull()) {
          call.emit(next++);
          emitted.incrementAndGet();
        }
        if (next > count) {
          call.complete();
        }
      }

      {
        call.drainHandler(v -> pump());
        pump();
      }
    };
  }

  private static void rawClient(Vertx vertx, VertxTestContext tc, CallHandler server,
                                java.util.function.BiConsumer<Loopback, List<EventEnvelope>> body) {
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine.create(lb.server(), server, OPTS);
      List<EventEnvelope> got = new ArrayList<>();
      lb.client().handler(got::add);
      body.accept(lb, got);
    })));
  }

  private static long responded(List<EventEnvelope> got) {
    return got.stream().filter(e -> e.type().equals(EventTypes.CALL_RESPONDED)).count();
  }

  @Test
  void aWindowOfTwoDeliversExactlyTwoUntilCreditedThenExactlyAsManyAsCredited(Vertx vertx, VertxTestContext tc) {
    AtomicInteger emitted = new AtomicInteger();
    rawClient(vertx, tc, politeCounter(100_000, emitted), (lb, got) -> {
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "s", new JsonObject()
          .put("operationId", "/seq").put("window", 2)));
      vertx.setTimer(300, t1 -> tc.verify(() -> {
        assertEquals(2, responded(got));
        assertEquals(2, emitted.get(), "the producer waited for credit");
        lb.client().send(EventEnvelope.of(EventTypes.CALL_CREDIT, "s", new JsonObject().put("n", 5)));
        vertx.setTimer(300, t2 -> tc.verify(() -> {
          assertEquals(7, responded(got));
          assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), got.stream().map(e -> e.payload().getValue("output")).toList());
          tc.completeNow();
        }));
      }));
    });
  }

  /** A call served on a raw client's connection, what that client received, and the connection's context. */
  private record Served(InboundCall call, io.vertx.core.Context context, List<EventEnvelope> received) {

    /** Opens the call with the request and waits until it is served. */
    static Served open(Vertx vertx, VertxTestContext tc, String id, JsonObject request) throws Exception {
      CompletableFuture<InboundCall> served = new CompletableFuture<>();
      CompletableFuture<io.vertx.core.Context> context = new CompletableFuture<>();
      List<EventEnvelope> received = java.util.Collections.synchronizedList(new ArrayList<>());
      rawClient(vertx, tc, call -> {
        context.complete(vertx.getOrCreateContext());
        served.complete(call);
      }, (lb, got) -> {
        lb.client().handler(received::add);
        lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, id, request));
      });
      return new Served(served.get(5, TimeUnit.SECONDS), context.get(5, TimeUnit.SECONDS), received);
    }

    /** Keeps the connection's loop busy with something else until the returned latch is counted down. */
    CountDownLatch holdTheContext() throws InterruptedException {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      context.runOnContext(v -> {
        busy.countDown();
        try {
          release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(busy.await(5, TimeUnit.SECONDS));
      return release;
    }

    /** Emits 1, 2, ... from this thread, as a polite producer on a worker does, until the call says full. */
    int emitUntilFull(int atMost) {
      int emitted = 0;
      while (!call.writeQueueFull() && emitted < atMost) {
        call.emit(++emitted);
      }
      return emitted;
    }
  }

  @Test
  void aProducerOnAnotherThreadCountsItsOutputsStillOnTheWayToABusyContext(Vertx vertx, VertxTestContext tc)
      throws Exception {
    Served s = Served.open(vertx, tc, "w", new JsonObject().put("operationId", "/busy").put("window", 3));
    CountDownLatch release = s.holdTheContext();
    int emitted = s.emitUntilFull(2_000);
    release.countDown();
    assertEquals(3, emitted, "the producer ran past the window while its outputs waited for the context");
    Thread.sleep(200);
    tc.verify(() -> {
      assertEquals(List.of(1, 2, 3), s.received().stream().map(e -> e.payload().getValue("output")).toList());
      assertTrue(!s.call().isDone(), "the call still runs, waiting for credit");
    });
    tc.completeNow();
  }

  @Test
  void withoutAWindowAProducerOnAnotherThreadIsHeldBackByItsOutputsOnTheWayAndWokenWhenTheyLand(Vertx vertx,
      VertxTestContext tc) throws Exception {
    // no window: the caller reads as fast as it can
    Served s = Served.open(vertx, tc, "u", new JsonObject().put("operationId", "/flood"));
    CountDownLatch drained = new CountDownLatch(1);
    s.call().drainHandler(v -> drained.countDown());
    CountDownLatch release = s.holdTheContext();
    int emitted = s.emitUntilFull(100_000);
    release.countDown();
    assertEquals(CallEngineOptions.MAX_OUTPUTS_ON_THE_WAY, emitted,
        "the producer queued tasks on the busy context without bound");
    assertTrue(drained.await(5, TimeUnit.SECONDS), "the producer was not woken once its outputs had landed");
    Thread.sleep(200);
    tc.verify(() -> assertEquals(CallEngineOptions.MAX_OUTPUTS_ON_THE_WAY, responded(s.received())));
    tc.completeNow();
  }

  @Test
  void outputsBeyondTheWindowAreHeldAndCompletionWaitsBehindThem(Vertx vertx, VertxTestContext tc) {
    rawClient(vertx, tc, call -> {
      for (int i = 1; i <= 5; i++) {
        call.emit(i); // an impolite producer: ignores writeQueueFull
      }
      call.complete();
    }, (lb, got) -> {
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "h", new JsonObject()
          .put("operationId", "/five").put("window", 2)));
      vertx.setTimer(200, t1 -> tc.verify(() -> {
        assertEquals(List.of(EventTypes.CALL_RESPONDED, EventTypes.CALL_RESPONDED), got.stream().map(EventEnvelope::type).toList());
        lb.client().send(EventEnvelope.of(EventTypes.CALL_CREDIT, "h", new JsonObject().put("n", 10)));
        vertx.setTimer(200, t2 -> tc.verify(() -> {
          assertEquals(5, responded(got));
          assertEquals(EventTypes.CALL_COMPLETED, got.get(got.size() - 1).type());
          tc.completeNow();
        }));
      }));
    });
  }

  @Test
  void theServingSideEnforcesTimeoutMsAndStopsTheHandler(Vertx vertx, VertxTestContext tc) {
    AtomicReference<String> aborted = new AtomicReference<>();
    rawClient(vertx, tc, call -> call.abortHandler(e -> aborted.set(e.getMessage())), (lb, got) -> {
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "t", new JsonObject()
          .put("operationId", "/hang").put("timeoutMs", 150)));
      vertx.setTimer(400, t -> tc.verify(() -> {
        assertEquals(EventTypes.CALL_ERROR, got.get(0).type());
        assertEquals("TIMEOUT", got.get(0).payload().getString("code"));
        assertEquals("timeout", aborted.get());
        tc.completeNow();
      }));
    });
  }

  @Test
  void theServingSideEnforcesIdleTimeoutMs(Vertx vertx, VertxTestContext tc) {
    AtomicReference<String> aborted = new AtomicReference<>();
    rawClient(vertx, tc, call -> {
      call.abortHandler(e -> aborted.set(e.getMessage()));
      vertx.setTimer(100, t -> call.emit("tick"));
    }, (lb, got) -> {
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "i", new JsonObject()
          .put("operationId", "/stall").put("idleTimeoutMs", 250)));
      vertx.setTimer(250, t -> tc.verify(() -> assertEquals(1, responded(got), "the first tick reset the idle timer")));
      vertx.setTimer(600, t -> tc.verify(() -> {
        assertEquals(EventTypes.CALL_ERROR, got.get(1).type());
        assertEquals("TIMEOUT", got.get(1).payload().getString("code"));
        assertEquals("idle timeout", aborted.get());
        tc.completeNow();
      }));
    });
  }

  @Test
  void aStreamToACallerThatDoesNotReadIsStoppedAtTheLimit(Vertx vertx, VertxTestContext tc) {
    String chunk = "y".repeat(60_000);
    AtomicReference<String> aborted = new AtomicReference<>();
    AtomicInteger sent = new AtomicInteger();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine.create(lb.server(), call -> {
        call.abortHandler(e -> aborted.set(e.getMessage()));
        long timer = vertx.setPeriodic(1, t -> {
          for (int i = 0; i < 20 && !call.isDone(); i++) {
            call.emit(chunk); // like a relay: it cannot slow its source, so it just sends
            sent.incrementAndGet();
          }
        });
        call.abortHandler(why -> {
          vertx.cancelTimer(timer);
          aborted.set(why.getMessage());
        });
      }, new CallEngineOptions().setHeartbeatMs(0).setMaxUnflushedBytes(1024 * 1024));
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "y", new JsonObject().put("operationId", "/yes")));
      lb.client().handler(e -> { });
      vertx.setTimer(100, t -> pauseReads(lb));
      vertx.setTimer(3000, t -> tc.verify(() -> {
        assertEquals("the caller is not reading", aborted.get());
        int atAbort = sent.get();
        vertx.setTimer(300, t2 -> tc.verify(() -> {
          assertEquals(atAbort, sent.get(), "nothing more was produced after the abort");
          // Close what the test opened; the unread bytes would otherwise hold up Vert.x's own close.
          lb.client().close();
          lb.server().close();
          lb.listener().close().onComplete(x -> tc.completeNow());
        }));
      }));
    })));
  }

  /** Stops reading the client socket: the server's writes pile up in its buffers. */
  private static void pauseReads(Loopback lb) {
    try {
      var f = lb.client().getClass().getDeclaredField("socket");
      f.setAccessible(true);
      ((io.vertx.core.net.NetSocket) f.get(lb.client())).pause();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void abortingACallAbortsTheCallsMadeOnItsBehalf(Vertx vertx, VertxTestContext tc) {
    AtomicReference<String> childAborted = new AtomicReference<>();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      // The client serves /child, which hangs; the server's /parent calls /child on the client on its behalf.
      CallEngine client = CallEngine.create(lb.client(), call -> call.abortHandler(e -> childAborted.set(e.getMessage())), OPTS);
      AtomicReference<CallEngine> server = new AtomicReference<>();
      server.set(CallEngine.create(lb.server(), parent -> server.get().call(new JsonObject()
          .put("operationId", "/child").put("parentRequestId", parent.id())), OPTS));
      OutboundCall parent = client.open(new JsonObject().put("operationId", "/parent"), true, new CallObserver() {
        @Override
        public void onResponded(Object o) {
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public void onError(CallException e) {
        }
      });
      vertx.setTimer(200, t -> {
        assertEquals(1, client.inboundCount(), "the child call reached the client");
        parent.abort("no longer needed");
      });
      vertx.setTimer(500, t -> tc.verify(() -> {
        assertTrue(childAborted.get() != null, "the child was aborted");
        assertEquals(0, client.inboundCount());
        assertEquals(0, server.get().pendingCount());
        tc.completeNow();
      }));
    })));
  }

  @Test
  void aCallStreamPausedHoldsTheProducerAndFetchLetsExactlyThatManyThrough(Vertx vertx, VertxTestContext tc) {
    AtomicInteger emitted = new AtomicInteger();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, OPTS);
      CallEngine.create(lb.server(), politeCounter(1000, emitted), OPTS);
      List<Object> seen = new ArrayList<>();
      CallStream stream = CallStream.open(client, new JsonObject().put("operationId", "/seq"), 4);
      stream.pause();
      stream.handler(seen::add);
      vertx.setTimer(300, t1 -> tc.verify(() -> {
        assertEquals(List.of(), seen);
        assertEquals(4, emitted.get(), "the producer stopped at the window");
        stream.fetch(3);
        vertx.setTimer(300, t2 -> tc.verify(() -> {
          assertEquals(List.of(1, 2, 3), seen);
          stream.endHandler(end -> tc.verify(() -> {
            assertEquals(1000, seen.size());
            assertEquals(1000, seen.get(999));
            assertEquals(0, client.pendingCount());
            tc.completeNow();
          }));
          stream.resume();
        }));
      }));
    })));
  }

  @Test
  void anEndOrAnErrorThatCameBeforeItsHandlerIsDeliveredWhenTheHandlerIsSet(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, OPTS);
      CallEngine.create(lb.server(), call -> {
        if (call.operationId().equals("/empty")) {
          call.complete();
        } else {
          call.fail(CallException.of(ErrorCode.NOT_FOUND, "nothing here"));
        }
      }, OPTS);
      // GIVEN streams whose output handler is set, and which end before their end or exception handler is
      CallStream empty = CallStream.open(client, new JsonObject().put("operationId", "/empty"), 4).handler(o -> { });
      CallStream failing = CallStream.open(client, new JsonObject().put("operationId", "/fails"), 4).handler(o -> { });
      vertx.setTimer(300, t -> {
        // WHEN the handlers are set after the end arrived THEN each is told
        AtomicInteger told = new AtomicInteger();
        empty.endHandler(end -> told.incrementAndGet());
        failing.exceptionHandler(e -> tc.verify(() -> {
          assertEquals("NOT_FOUND", ((CallException) e).code());
          told.incrementAndGet();
        }));
        vertx.setTimer(100, t2 -> tc.verify(() -> {
          assertEquals(2, told.get(), "the end and the error that came first were delivered");
          tc.completeNow();
        }));
      });
    })));
  }
}
