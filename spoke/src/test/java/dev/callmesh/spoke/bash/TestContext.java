package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** An {@link OperationContext} for calling handlers directly in tests, whose abort the test fires. */
final class TestContext implements OperationContext {

  private final Vertx vertx;
  private final List<Handler<String>> abortHandlers = new ArrayList<>();
  private volatile boolean aborted;

  TestContext(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Fires the abort handlers, as a caller's {@code call.aborted} does. */
  void abort(String reason) {
    List<Handler<String>> handlers;
    synchronized (this) {
      aborted = true;
      handlers = new ArrayList<>(abortHandlers);
    }
    handlers.forEach(h -> h.handle(reason));
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
    return "/bash/test";
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
  public synchronized OperationContext onAbort(Handler<String> handler) {
    abortHandlers.add(handler);
    return this;
  }
}
