package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A callback that throws never stops the engine's cleanup: every other call still ends. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EngineGuardsTest {

  private static final CallEngineOptions NO_HEARTBEAT = new CallEngineOptions().setHeartbeatMs(0);

  /** An observer that counts its errors and then throws, as buggy user code would. */
  private static CallObserver throwing(AtomicInteger errors) {
    return new CallObserver() {
      @Override public void onResponded(Object output) { }
      @Override public void onCompleted() { }
      @Override public void onError(CallException error) {
        errors.incrementAndGet();
        throw new IllegalStateException("observer bug");
      }
    };
  }

  @Test
  void closingFailsEveryPendingCallEvenWhenObserversThrow(Vertx vertx, VertxTestContext tc) {
    AtomicInteger errors = new AtomicInteger();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, NO_HEARTBEAT);
      CallEngine.create(lb.server(), call -> { }, NO_HEARTBEAT); // never answers
      for (int i = 0; i < 10; i++) {
        client.open(new JsonObject().put("operationId", "/x/hang").put("input", new JsonObject()), false, throwing(errors));
      }
      vertx.setTimer(100, t -> lb.server().close());
      client.closeFuture().onComplete(tc.succeeding(x -> tc.verify(() -> {
        assertEquals(10, errors.get(), "every pending call heard the close");
        assertEquals(0, client.pendingCount());
        tc.completeNow();
      })));
    })));
  }

  @Test
  void timeoutsGoOnWhenAnObserverThrows(Vertx vertx, VertxTestContext tc) {
    AtomicInteger errors = new AtomicInteger();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, NO_HEARTBEAT);
      CallEngine.create(lb.server(), call -> { }, NO_HEARTBEAT);
      for (int i = 0; i < 5; i++) {
        client.open(new JsonObject().put("operationId", "/x/hang").put("input", new JsonObject())
            .put("timeoutMs", 100), false, throwing(errors));
      }
      vertx.setTimer(1000, t -> tc.verify(() -> {
        assertEquals(5, errors.get(), "each call timed out");
        assertEquals(0, client.pendingCount());
        tc.completeNow();
      }));
    })));
  }

  @Test
  void aDeadlineConsumerThatThrowsDoesNotStopTheLane(Vertx vertx, VertxTestContext tc) {
    vertx.runOnContext(v -> {
      List<String> expired = new ArrayList<>();
      Deadlines<String> d = new Deadlines<>(vertx, s -> {
        expired.add(s);
        throw new IllegalStateException("consumer bug");
      });
      for (String s : List.of("a", "b", "c")) {
        d.schedule(new Deadlines.Node<>(s), 50);
      }
      vertx.setTimer(400, t -> tc.verify(() -> {
        assertEquals(List.of("a", "b", "c"), expired);
        assertEquals(0, d.lanes());
        tc.completeNow();
      }));
    });
  }

  @Test
  void anAbortHandlerThatThrowsStillLetsTheOtherCallsEnd(Vertx vertx, VertxTestContext tc) {
    List<String> aborted = new ArrayList<>();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), call -> { }, NO_HEARTBEAT);
      CallEngine server = CallEngine.create(lb.server(), call -> call.abortHandler(reason -> {
        aborted.add(call.id());
        throw new IllegalStateException("handler bug");
      }), NO_HEARTBEAT);
      for (int i = 0; i < 4; i++) {
        client.open(new JsonObject().put("operationId", "/x/hang").put("input", new JsonObject()), true, throwing(new AtomicInteger()));
      }
      vertx.setTimer(200, t -> lb.client().close());
      server.closeFuture().onComplete(tc.succeeding(x -> tc.verify(() -> {
        assertEquals(4, aborted.size(), "every served call heard the close");
        assertEquals(0, server.inboundCount());
        tc.completeNow();
      })));
    })));
  }
}
