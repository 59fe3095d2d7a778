package dev.callmesh.hub.impl.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A collected call gathers a subscription's outputs up to its bound (then it is aborted upstream and fails
 * RESOURCE_EXHAUSTED), moves the window on as its listener takes outputs, and ends once, running its end hook.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CollectedCallTest {

  Vertx vertx;
  Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private <T> T on(Callable<T> action) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject payload(String op) {
    return new JsonObject().put("operationId", op).put("input", new JsonObject());
  }

  @Test
  void outputsPastTheBoundAbortTheCallAndFailItResourceExhausted() throws Exception {
    AtomicInteger ends = new AtomicInteger();
    AtomicReference<CallException> aborted = new AtomicReference<>();
    AtomicReference<CallException> ended = new AtomicReference<>();
    // GIVEN outputs of 40 bytes each, from another thread as a relay sends them, and a bound of 100 bytes
    RawJson chunk = RawJson.encode(new JsonObject().put("data", "x".repeat(29)));
    assertEquals(40, chunk.bytes().length());
    CollectedCall call = on(() -> {
      CollectedCall c = new CollectedCall("t-1", payload("/dev1/bash/exec"), true, 100, null, ends::incrementAndGet);
      c.abortHandler(aborted::set).endHandler(ended::set);
      return c;
    });
    call.emit(chunk);
    call.emit(chunk);
    // WHEN the third passes 100 bytes
    call.emit(chunk);
    call.emit(chunk);
    call.complete();
    // THEN the result fails RESOURCE_EXHAUSTED, the upstream call is aborted, and the call ended once
    Throwable failure = call.result().transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertTrue(failure instanceof CallException ce && ce.is(ErrorCode.RESOURCE_EXHAUSTED), String.valueOf(failure));
    assertTrue(failure.getMessage().contains("100 bytes"), failure.getMessage());
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED.wire(), on(() -> aborted.get().code()));
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED.wire(), on(() -> ended.get().code()));
    assertEquals(1, ends.get());
    assertTrue(call.isDone());
  }

  @Test
  void outputsWithinTheBoundAreAllCollectedAndEachIsCreditedOnceTheListenerTookIt() throws Exception {
    List<Object> shown = new ArrayList<>();
    List<Promise<Void>> taking = new ArrayList<>();
    AtomicLong credited = new AtomicLong();
    CollectedCall call = on(() -> {
      CollectedCall c = new CollectedCall("t-2", payload("/dev1/bash/exec"), true, 1 << 20, out -> {
        shown.add(out);
        Promise<Void> p = Promise.promise();
        taking.add(p);
        return p.future();
      }, () -> { });
      c.creditHandler(credited::addAndGet);
      return c;
    });
    assertEquals(CollectedCall.WINDOW, call.payload().getInteger("window"));
    call.emit(RawJson.encode(new JsonObject().put("n", 1)));
    call.emit(new JsonObject().put("n", 2));
    assertEquals(2, on(shown::size));
    assertEquals(0, credited.get(), "no credit before the listener took an output");
    on(() -> {
      taking.forEach(Promise::complete);
      return null;
    });
    assertEquals(2, on(credited::get));
    call.complete();
    CollectedCall.Outputs out = call.result().await(10, TimeUnit.SECONDS);
    assertEquals(List.of(new JsonObject().put("n", 1), new JsonObject().put("n", 2)), out.outputs());
    assertEquals(new JsonObject().put("n", 1), shown.get(0));
  }

  @Test
  void aQueryIsItsOneOutputAndAFailureFailsTheResult() throws Exception {
    CollectedCall query = on(() -> new CollectedCall("t-3", payload("/dev1/fs/stat"), false, 10, null, () -> { }));
    assertFalse(query.payload().containsKey("window"));
    query.reply(RawJson.encode(new JsonObject().put("big", "y".repeat(100)))); // no bound on a single output
    assertEquals("y".repeat(100), ((JsonObject) query.result().await(10, TimeUnit.SECONDS).outputs().get(0)).getString("big"));

    CollectedCall failing = on(() -> new CollectedCall("t-4", payload("/dev1/fs/stat"), false, 10, null, () -> { }));
    failing.fail(CallException.of(ErrorCode.FORBIDDEN, "no"));
    failing.reply(new JsonObject()); // after the end: nothing
    Throwable failure = failing.result().transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertTrue(failure instanceof CallException ce && ce.is(ErrorCode.FORBIDDEN));
  }
}
