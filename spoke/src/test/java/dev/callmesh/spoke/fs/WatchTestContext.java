package dev.callmesh.spoke.fs;

import dev.callmesh.operations.OperationContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OperationContext} for watch tests; {@link #abort()} fires the abort handlers. */
final class WatchTestContext implements OperationContext {

  private final String requestId;
  private final List<Handler<String>> abortHandlers = new CopyOnWriteArrayList<>();
  private volatile boolean aborted;

  WatchTestContext(String requestId) {
    this.requestId = requestId;
  }

  void abort() {
    aborted = true;
    abortHandlers.forEach(h -> h.handle("test abort"));
  }

  @Override
  public Vertx vertx() {
    return null;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String operation() {
    return "/fs/watch";
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
