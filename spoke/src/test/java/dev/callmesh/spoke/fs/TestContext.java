package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** A minimal {@link OperationContext} for calling handlers directly in tests: never aborted. */
final class TestContext implements OperationContext {

  private final Vertx vertx;
  private final String operation;

  TestContext(Vertx vertx, String operation) {
    this.vertx = vertx;
    this.operation = operation;
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String requestId() {
    return "test-1";
  }

  @Override
  public String operation() {
    return operation;
  }

  @Override
  public JsonObject caller() {
    return null;
  }

  @Override
  public JsonObject metadata() {
    return new JsonObject();
  }

  @Override
  public boolean isAborted() {
    return false;
  }

  @Override
  public OperationContext onAbort(Handler<String> handler) {
    return this;
  }
}
