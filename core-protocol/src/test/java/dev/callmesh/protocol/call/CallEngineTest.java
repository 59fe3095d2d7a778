package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The call engine on both ends of a real loopback connection. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CallEngineTest {

  private static final CallEngineOptions NO_HEARTBEAT = new CallEngineOptions().setHeartbeatMs(0);

  private static JsonObject request(String op, long timeoutMs) {
    JsonObject r = new JsonObject().put("operationId", op).put("input", new JsonObject().put("n", 1));
    return timeoutMs > 0 ? r.put("timeoutMs", timeoutMs) : r;
  }

  /** Runs the test body on one context with a client engine and a server engine. */
  private static void withEngines(Vertx vertx, VertxTestContext tc, CallHandler serverHandler, int maxFrame,
                                  java.util.function.BiConsumer<CallEngine, CallEngine> body) {
    vertx.runOnContext(v -> Loopback.open(vertx, maxFrame).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> call.fail(CallException.of(ErrorCode.NOT_FOUND, "none")),
          NO_HEARTBEAT);
      CallEngine server = CallEngine.create(lb.server(), serverHandler, NO_HEARTBEAT);
      body.accept(client, server);
    })));
  }

  @Test
  void aCallIsAnsweredAndNothingStaysPending(Vertx vertx, VertxTestContext tc) {
    withEngines(vertx, tc, call -> call.reply(new JsonObject().put("echo", call.input()).put("op", call.operationId())),
        1 << 20, (client, server) -> client.call(request("/x/echo", 0)).onComplete(tc.succeeding(out -> tc.verify(() -> {
          assertEquals(1, ((JsonObject) out).getJsonObject("echo").getInteger("n"));
          assertEquals("/x/echo", ((JsonObject) out).getString("op"));
          assertEquals(0, client.pendingCount());
          assertEquals(0, server.inboundCount());
          tc.completeNow();
        }))));
  }

  @Test
  void aHandlerThatThrowsIsAnsweredInternalAndTheConnectionLives(Vertx vertx, VertxTestContext tc) {
    withEngines(vertx, tc, call -> {
      if (call.operationId().equals("/boom")) {
        throw new IllegalStateException("kaput");
      }
      call.reply("fine");
    }, 1 << 20, (client, server) -> client.call(request("/boom", 0)).onComplete(ar -> tc.verify(() -> {
      CallException e = (CallException) ar.cause();
      assertEquals("INTERNAL", e.code());
      assertTrue(e.getMessage().contains("kaput"), e.getMessage());
      client.call(request("/ok", 0)).onComplete(tc.succeeding(out -> tc.verify(() -> {
        assertEquals("fine", out);
        tc.completeNow();
      })));
    })));
  }

  @Test
  void aTimeoutFailsTheCallAndAbortsTheHandler(Vertx vertx, VertxTestContext tc) {
    AtomicReference<String> abortReason = new AtomicReference<>();
    withEngines(vertx, tc, call -> call.abortHandler(e -> abortReason.set(e.getMessage())), 1 << 20, (client, server) -> {
      long start = System.nanoTime();
      client.call(request("/slow", 200)).onComplete(ar -> tc.verify(() -> {
        assertEquals("TIMEOUT", ((CallException) ar.cause()).code());
        assertTrue(((CallException) ar.cause()).retryable());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
        assertEquals(0, client.pendingCount());
        vertx.setTimer(200, t -> tc.verify(() -> {
          assertEquals("timeout", abortReason.get());
          assertEquals(0, server.inboundCount());
          tc.completeNow();
        }));
      }));
    });
  }

  @Test
  void closingTheConnectionFailsEveryPendingCallUnavailable(Vertx vertx, VertxTestContext tc) {
    AtomicReference<String> abortReason = new AtomicReference<>();
    withEngines(vertx, tc, call -> call.abortHandler(e -> abortReason.set(e.getMessage())), 1 << 20, (client, server) -> {
      Future<Object> a = client.call(request("/hang", 0));
      Future<Object> b = client.call(request("/hang", 0));
      vertx.setTimer(100, t -> server.transport().close());
      Future.join(a, b).onComplete(ar -> tc.verify(() -> {
        assertEquals("UNAVAILABLE", ((CallException) a.cause()).code());
        assertEquals("UNAVAILABLE", ((CallException) b.cause()).code());
        assertEquals(0, client.pendingCount());
        assertEquals(0, server.inboundCount());
        assertEquals("the connection closed", abortReason.get());
        tc.completeNow();
      }));
    });
  }

  @Test
  void abortReachesTheHandlerAndEndsTheCallLocally(Vertx vertx, VertxTestContext tc) {
    withEngines(vertx, tc, call -> call.abortHandler(reason -> tc.verify(() -> {
      assertEquals("user pressed ctrl-c", reason.getMessage());
      tc.completeNow();
    })), 1 << 20, (client, server) -> {
      AtomicReference<CallException> local = new AtomicReference<>();
      OutboundCall call = client.open(request("/long", 0), true, new CallObserver() {
        @Override
        public void onResponded(Object output) {
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public void onError(CallException error) {
          local.set(error);
        }
      });
      vertx.setTimer(100, t -> {
        call.abort("user pressed ctrl-c");
        tc.verify(() -> {
          assertEquals("ABORTED", local.get().code());
          assertEquals(0, client.pendingCount());
        });
      });
    });
  }

  @Test
  void anOutputOverTheFrameLimitIsAnsweredResourceExhausted(Vertx vertx, VertxTestContext tc) {
    withEngines(vertx, tc, call -> call.reply("x".repeat(4096)), 1024, (client, server) ->
        client.call(request("/big", 0)).onComplete(ar -> tc.verify(() -> {
          assertEquals("RESOURCE_EXHAUSTED", ((CallException) ar.cause()).code());
          assertEquals(0, server.inboundCount());
          tc.completeNow();
        })));
  }

  @Test
  void aSecondCallWithAnIdInFlightIsRefusedAndTheFirstStillAnswered(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      AtomicReference<dev.callmesh.protocol.call.InboundCall> first = new AtomicReference<>();
      CallEngine.create(lb.server(), call -> {
        if (first.get() == null) {
          first.set(call);
        }
      }, NO_HEARTBEAT);
      java.util.List<EventEnvelope> got = new java.util.ArrayList<>();
      lb.client().handler(e -> {
        got.add(e);
        if (got.size() == 1) {
          first.get().reply("first");
        } else {
          tc.verify(() -> {
            assertEquals(EventTypes.CALL_ERROR, got.get(0).type());
            assertEquals("PROTOCOL", got.get(0).payload().getString("code"));
            assertEquals(EventTypes.CALL_RESPONDED, got.get(1).type());
            assertEquals("first", got.get(1).payload().getValue("output"));
            tc.completeNow();
          });
        }
      });
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "dup", request("/a", 0)));
      lb.client().send(EventEnvelope.of(EventTypes.CALL_REQUESTED, "dup", request("/a", 0)));
    })));
  }

  @Test
  void aSilentPeerIsDroppedAfterThreeMissedHeartbeats(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      lb.server().handler(e -> { }); // half-open: reads, never answers
      CallEngine client = CallEngine.create(lb.client(), call -> { }, new CallEngineOptions().setHeartbeatMs(100));
      Future<Object> pending = client.call(request("/never", 10_000));
      long start = System.nanoTime();
      client.closeFuture().onComplete(tc.succeeding(x -> tc.verify(() -> {
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 2000, "dropped after " + ms + " ms");
        assertEquals("UNAVAILABLE", ((CallException) pending.cause()).code());
        tc.completeNow();
      })));
    })));
  }

  @Test
  void pingIsAnsweredWithPong(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine.create(lb.server(), call -> { }, NO_HEARTBEAT);
      lb.client().handler(e -> tc.verify(() -> {
        assertEquals(EventTypes.PONG, e.type());
        assertEquals(42, e.payload().getInteger("t"));
        tc.completeNow();
      }));
      lb.client().send(EventEnvelope.of(EventTypes.PING, new JsonObject().put("t", 42)));
    })));
  }
}
