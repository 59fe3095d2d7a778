package dev.callmesh.protocol.call.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bookkeeping of calls made on behalf of others ({@code parentRequestId}) is forgotten when the
 * calls end normally, not only when they are aborted: 100,000 parents that each made a child leave
 * nothing behind on either side.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallFamilyLeakTest {

  static final int PARENTS = 100_000;
  static final int IN_FLIGHT = 500;

  @Test
  @io.vertx.junit5.Timeout(value = 120, timeUnit = TimeUnit.SECONDS) // Vert.x's own wait, 30 s unless told
  void parentsThatEndLeaveNoEntries(Vertx vertx, VertxTestContext tc) {
    CallEngineOptions options = new CallEngineOptions().setHeartbeatMs(0);
    AtomicReference<CallEngineImpl> serverRef = new AtomicReference<>();
    vertx.runOnContext(v -> pair(vertx).onComplete(tc.succeeding(p -> {
      // The client serves /child; the server serves /parent by calling /child back on its behalf.
      CallEngineImpl client = new CallEngineImpl(p[0], call -> call.reply(1), options);
      CallEngineImpl server = new CallEngineImpl(p[1], call -> serverRef.get().call(new JsonObject()
              .put("operationId", "/child").put("input", new JsonObject()).put("parentRequestId", call.id()))
          .onComplete(ar -> call.reply(2)), options);
      serverRef.set(server);
      AtomicInteger started = new AtomicInteger();
      AtomicInteger ended = new AtomicInteger();
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        if (started.incrementAndGet() > PARENTS) {
          return;
        }
        client.call(new JsonObject().put("operationId", "/parent").put("input", new JsonObject())).onComplete(ar -> {
          if (ar.failed()) {
            tc.failNow(ar.cause());
            return;
          }
          if (ended.incrementAndGet() == PARENTS) {
            tc.verify(() -> {
              assertEquals(0, server.familySize(), "the server forgot every parent and child");
              assertEquals(0, client.familySize(), "the client forgot every child");
              assertEquals(0, server.pendingCount());
              assertEquals(0, server.inboundCount());
              tc.completeNow();
            });
          } else {
            next[0].run();
          }
        });
      };
      for (int i = 0; i < IN_FLIGHT; i++) {
        next[0].run();
      }
    })));
  }

  private static Future<EnvelopeTransport[]> pair(Vertx vertx) {
    Promise<EnvelopeTransport> accepted = Promise.promise();
    NetServer server = vertx.createNetServer().connectHandler(s ->
        accepted.tryComplete(EnvelopeTransport.create(s, "tcp", 1 << 20)));
    return server.listen(0, "127.0.0.1")
        .compose(s -> vertx.createNetClient().connect(s.actualPort(), "127.0.0.1"))
        .map(socket -> EnvelopeTransport.create(socket, "tcp", 1 << 20))
        .compose(c -> accepted.future().map(s -> new EnvelopeTransport[] {c, s}));
  }
}
