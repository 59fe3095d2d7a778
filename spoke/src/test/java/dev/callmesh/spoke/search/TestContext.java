package dev.callmesh.spoke.search;

import dev.callmesh.operations.OperationContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OperationContext} for calling handlers directly in tests; {@link #abort()} fires the abort handlers. */
final class TestContext implements OperationContext {

  private final Vertx vertx;
  private final List<Handler<String>> abortHandlers = new CopyOnWriteArrayList<>();
  private volatile boolean aborted;

  TestContext(Vertx vertx) {
    this.vertx = vertx;
  }

  void abort() {
    aborted = true;
    abortHandlers.forEach(h -> h.handle("test abort"));
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
    return "/search/test";
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
    return aborted;
  }

  @Override
  public OperationContext onAbort(Handler<String> handler) {
    abortHandlers.add(handler);
    return this;
  }
}
