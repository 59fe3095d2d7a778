package dev.callmesh.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry validates input, dispatches, and turns failures into call errors. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OperationRegistryTest {

  /** An inbound call that records how it ended. */
  static final class RecordingCall implements InboundCall {
    final JsonObject payload;
    Object output;
    CallException error;
    boolean done;

    RecordingCall(String op, JsonObject input) {
      payload = new JsonObject().put("operationId", op).put("input", input);
    }

    @Override
    public String id() {
      return "t1";
    }

    @Override
    public String operationId() {
      return payload.getString("operationId");
    }

    @Override
    public JsonObject input() {
      return payload.getJsonObject("input");
    }

    @Override
    public JsonObject payload() {
      return payload;
    }

    @Override
    public void reply(Object o) {
      output = o;
      done = true;
    }

    @Override
    public void emit(Object o) {
      output = o;
    }

    @Override
    public void complete() {
      done = true;
    }

    @Override
    public void fail(CallException e) {
      error = e;
      done = true;
    }

    @Override
    public boolean isDone() {
      return done;
    }

    @Override
    public InboundCall abortHandler(Handler<dev.callmesh.protocol.CallException> handler) {
      return this;
    }

    @Override
    public InboundCall endHandler(Handler<dev.callmesh.protocol.CallException> handler) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public InboundCall drainHandler(Handler<Void> handler) {
      return this;
    }

    @Override
    public InboundCall creditHandler(java.util.function.LongConsumer handler) {
      return this;
    }
  }

  private static OperationRegistry registry() {
    return OperationRegistry.create()
        .register(StandardSpecs.get("/fs/stat"), (ctx, in) -> Future.succeededFuture(new JsonObject().put("path", in.getString("path"))))
        .register(StandardSpecs.get("/fs/readFile"), (ctx, in) -> {
          throw new IllegalStateException("disk on fire");
        })
        .register(StandardSpecs.get("/fs/list"), (ctx, in) -> Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "no")));
  }

  private static void run(Vertx vertx, VertxTestContext tc, RecordingCall call, Runnable check) {
    vertx.runOnContext(v -> {
      registry().handle(call);
      vertx.setTimer(50, t -> tc.verify(() -> {
        check.run();
        tc.completeNow();
      }));
    });
  }

  @Test
  void validInputReachesTheHandler(Vertx vertx, VertxTestContext tc) {
    RecordingCall call = new RecordingCall("/fs/stat", new JsonObject().put("path", "a"));
    run(vertx, tc, call, () -> {
      assertNull(call.error);
      assertEquals("a", ((JsonObject) call.output).getString("path"));
    });
  }

  @Test
  void invalidInputIsRefusedWithThePath(Vertx vertx, VertxTestContext tc) {
    RecordingCall call = new RecordingCall("/fs/stat", new JsonObject().put("path", 5));
    run(vertx, tc, call, () -> {
      assertEquals("INVALID_INPUT", call.error.code());
      assertEquals("/path", ((JsonObject) call.error.details()).getString("path"));
      assertTrue(call.error.getMessage().contains("/path"), call.error.getMessage());
    });
  }

  @Test
  void aThrowingHandlerIsInternalWithItsMessage(Vertx vertx, VertxTestContext tc) {
    RecordingCall call = new RecordingCall("/fs/readFile", new JsonObject().put("path", "a"));
    run(vertx, tc, call, () -> {
      assertEquals("INTERNAL", call.error.code());
      assertTrue(call.error.getMessage().contains("disk on fire"), call.error.getMessage());
    });
  }

  @Test
  void aCallExceptionKeepsItsCode(Vertx vertx, VertxTestContext tc) {
    RecordingCall call = new RecordingCall("/fs/list", new JsonObject().put("path", "."));
    run(vertx, tc, call, () -> assertEquals("FORBIDDEN", call.error.code()));
  }

  @Test
  void registeringLeavesTheSpecsSchemasAsWritten() {
    OperationSpec spec = StandardSpecs.get("/fs/stat");
    String before = spec.toJson().encode();
    OperationRegistry.create().register(spec, (ctx, in) -> Future.succeededFuture(null));
    assertEquals(before, spec.toJson().encode());
    assertTrue(!before.contains("__absolute_uri__"));
  }

  @Test
  void anUnknownOperationIsNotFound(Vertx vertx, VertxTestContext tc) {
    RecordingCall call = new RecordingCall("/fs/nope", new JsonObject());
    run(vertx, tc, call, () -> {
      assertEquals("NOT_FOUND", call.error.code());
      assertEquals(3, registry().specs().size());
    });
  }
}
