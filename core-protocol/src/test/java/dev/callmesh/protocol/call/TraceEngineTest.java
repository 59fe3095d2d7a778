package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The traceparent the call engine sends: the caller's, else its parent call's trace, else a new trace. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TraceEngineTest {

  private static final String GIVEN = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final CallEngineOptions NO_HEARTBEAT = new CallEngineOptions().setHeartbeatMs(0);

  /** Each side answers /echo with the traceparent its call arrived with; the server's /outer also calls back. */
  private static void withEngines(Vertx vertx, VertxTestContext tc, java.util.function.BiConsumer<CallEngine, CallEngine> body) {
    AtomicReference<CallEngine> server = new AtomicReference<>();
    vertx.runOnContext(v -> Loopback.open(vertx, 1 << 20).onComplete(tc.succeeding(lb -> {
      CallEngine client = CallEngine.create(lb.client(), TraceEngineTest::echo, NO_HEARTBEAT);
      server.set(CallEngine.create(lb.server(), call -> {
        if (!call.operationId().equals("/outer")) {
          echo(call);
          return;
        }
        // A call made on behalf of this one, back over the same connection.
        server.get().call(new JsonObject().put("operationId", "/echo").put("parentRequestId", call.id()))
            .onComplete(ar -> call.reply(new JsonObject().put("outer", TraceParent.headerIn(call.payload()))
                .put("inner", ar.result())));
      }, NO_HEARTBEAT));
      body.accept(client, server.get());
    })));
  }

  private static void echo(InboundCall call) {
    call.reply(TraceParent.headerIn(call.payload()));
  }

  @Test
  void aCallWithoutTraceparentStartsATraceAndTheCallersRequestIsNotChanged(Vertx vertx, VertxTestContext tc) {
    JsonObject request = new JsonObject().put("operationId", "/echo");
    withEngines(vertx, tc, (client, server) -> client.call(request).onComplete(tc.succeeding(out -> tc.verify(() -> {
      assertNotNull(TraceParent.parse((String) out), "the handler got no valid traceparent: " + out);
      assertNull(request.getValue("metadata"));
      assertEquals(0, client.pendingCount());
      tc.completeNow();
    }))));
  }

  @Test
  void aValidTraceparentIsSentAsGiven(Vertx vertx, VertxTestContext tc) {
    JsonObject request = new JsonObject().put("operationId", "/echo")
        .put("metadata", new JsonObject().put("traceparent", GIVEN).put("other", 1));
    withEngines(vertx, tc, (client, server) -> client.call(request).onComplete(tc.succeeding(out -> tc.verify(() -> {
      assertEquals(GIVEN, out);
      tc.completeNow();
    }))));
  }

  @Test
  void aCallMadeOnBehalfOfAnotherContinuesItsTrace(Vertx vertx, VertxTestContext tc) {
    JsonObject request = new JsonObject().put("operationId", "/outer")
        .put("metadata", new JsonObject().put("traceparent", GIVEN));
    withEngines(vertx, tc, (client, server) -> client.call(request).onComplete(tc.succeeding(out -> tc.verify(() -> {
      JsonObject o = (JsonObject) out;
      assertEquals(GIVEN, o.getString("outer"));
      TraceParent inner = TraceParent.parse(o.getString("inner"));
      assertNotNull(inner, "the inner call got no valid traceparent: " + o);
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", inner.traceId());
      assertNotEquals("00f067aa0ba902b7", inner.parentId());
      assertEquals(0, client.pendingCount());
      assertEquals(0, server.pendingCount());
      tc.completeNow();
    }))));
  }
}
