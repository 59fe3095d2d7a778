package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.TestWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** Calls the fs handlers of one root the way the spoke would, and waits for their outcome. */
final class FsFixture {

  private final Vertx vertx;
  private final Map<String, OperationHandler> handlers;

  FsFixture(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.handlers = FsOperations.handlers(root, TestWorkers.create(vertx));
  }

  /** @return the output of a call that must succeed */
  JsonObject call(String op, JsonObject input) throws Exception {
    try {
      return (JsonObject) outcome(op, input).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(op + " " + input.encode() + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** @return the failure of a call that must fail with the given code */
  CallException fails(String code, String op, JsonObject input) throws Exception {
    try {
      Object out = outcome(op, input).get(10, TimeUnit.SECONDS);
      return fail(op + " " + input.encode() + " should fail with " + code + " but returned " + out);
    } catch (ExecutionException e) {
      CallException ce = assertInstanceOf(CallException.class, e.getCause());
      assertEquals(code, ce.code(), op + " " + input.encode() + ": " + ce.getMessage());
      assertNotNull(ce.getMessage());
      return ce;
    }
  }

  private CompletableFuture<?> outcome(String op, JsonObject input) {
    OperationHandler h = handlers.get(op);
    assertNotNull(h, "no handler for " + op);
    return h.handle(new TestContext(vertx, op), input).toCompletionStage().toCompletableFuture();
  }
}
