package dev.callmesh.protocol.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JSON limits belong to each connection, not to the JVM: two serving engines in one process, read with
 * different limits, each refuse or accept the same call by their own.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JsonLimitsEngineTest {

  private static final CallEngineOptions NO_HEARTBEAT = new CallEngineOptions().setHeartbeatMs(0);
  private static final CallHandler ECHO_SIZE = call -> call.reply(call.input().encode().length());

  /** @return a call whose input holds {@code levels} nested arrays: the envelope, payload and input add 3 */
  private static JsonObject nested(int levels) {
    Object v = 1;
    for (int i = 0; i < levels; i++) {
      v = new JsonArray().add(v);
    }
    return new JsonObject().put("operationId", "/x/deep").put("input", new JsonObject().put("x", v));
  }

  private static JsonObject small() {
    return new JsonObject().put("operationId", "/x/small").put("input", new JsonObject().put("n", 1));
  }

  /** @return a client engine connected to a serving engine that reads within the limits */
  private static Future<CallEngine[]> pair(Vertx vertx, JsonLimits serverLimits, CallHandler handler) {
    return Loopback.open(vertx, 1 << 20, serverLimits).map(lb -> new CallEngine[] {
        CallEngine.create(lb.client(), call -> call.fail(CallException.of(ErrorCode.NOT_FOUND, "none")), NO_HEARTBEAT),
        CallEngine.create(lb.server(), handler, NO_HEARTBEAT)});
  }

  @Test
  void twoEnginesWithDifferentDepthLimitsEachDecideByTheirOwn(Vertx vertx, VertxTestContext tc) {
    // GIVEN one server reading at most 32 levels deep and one reading 64, in the same JVM
    vertx.runOnContext(v -> pair(vertx, JsonLimits.DEFAULTS.withMaxDepth(32), ECHO_SIZE)
        .compose(shallow -> pair(vertx, JsonLimits.DEFAULTS.withMaxDepth(64), ECHO_SIZE)
            .map(deep -> new CallEngine[][] {shallow, deep}))
        .onComplete(tc.succeeding(engines -> {
          CallEngine[] shallow = engines[0];
          CallEngine[] deep = engines[1];
          // WHEN each is sent the same call, 43 levels deep
          shallow[0].call(nested(40)).onComplete(ar -> tc.verify(() -> {
            // THEN the shallow one closes that connection with bye PROTOCOL ...
            assertEquals(ErrorCode.UNAVAILABLE.wire(), ((CallException) ar.cause()).code(), String.valueOf(ar.cause()));
            assertEquals("PROTOCOL", shallow[0].peerBye().getString("code"), shallow[0].peerBye().encode());
            assertTrue(shallow[0].transport().isClosed());
            // ... and the deep one serves it, and the next call on the same connection
            deep[0].call(nested(40)).compose(out -> deep[0].call(small()).map(out))
                .onComplete(tc.succeeding(out -> tc.verify(() -> {
                  assertTrue(((Number) out).intValue() > 80, String.valueOf(out));
                  assertEquals(0, deep[0].pendingCount());
                  assertEquals(0, deep[1].inboundCount());
                  tc.completeNow();
                })));
          }));
        })));
  }

  @Test
  void aStringOverTheLimitFailsItsCallInvalidInputAndTheConnectionLives(Vertx vertx, VertxTestContext tc) {
    // GIVEN a server taking strings of at most 1024 characters: the frame check skips the input's strings
    JsonObject longString = new JsonObject().put("operationId", "/x/long")
        .put("input", new JsonObject().put("s", "y".repeat(2000)));
    vertx.runOnContext(v -> pair(vertx, JsonLimits.DEFAULTS.withMaxStringLength(1024), ECHO_SIZE)
        .compose(strict -> pair(vertx, JsonLimits.DEFAULTS, ECHO_SIZE).map(lax -> new CallEngine[][] {strict, lax}))
        .onComplete(tc.succeeding(engines -> {
          CallEngine[] strict = engines[0];
          CallEngine[] lax = engines[1];
          // WHEN the handler decodes a 2000-character string
          strict[0].call(longString).onComplete(ar -> tc.verify(() -> {
            // THEN that call fails INVALID_INPUT, and the connection goes on serving calls
            CallException e = (CallException) ar.cause();
            assertEquals(ErrorCode.INVALID_INPUT.wire(), e.code(), String.valueOf(e));
            assertTrue(e.getMessage().contains("/x/long"), e.getMessage());
            strict[0].call(small()).compose(out -> lax[0].call(longString))
                .onComplete(tc.succeeding(out -> tc.verify(() -> {
                  // and the server with the default limits takes the same call
                  assertTrue(((Number) out).intValue() > 2000, String.valueOf(out));
                  assertEquals(0, strict[1].inboundCount());
                  assertEquals(0, strict[0].pendingCount());
                  tc.completeNow();
                })));
          }));
        })));
  }
}
