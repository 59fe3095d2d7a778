package dev.callmesh.operations.impl;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The {@link OperationContext} of one inbound call. */
final class HandlerContext implements OperationContext {

  private final Vertx vertx;
  private final InboundCall call;
  private final List<Handler<String>> abortHandlers = new ArrayList<>(1);
  private String abortReason;

  HandlerContext(Vertx vertx, InboundCall call) {
    this.vertx = vertx;
    this.call = call;
    call.abortHandler(why -> aborted(why.getMessage()));
  }

  private void aborted(String reason) {
    abortReason = reason;
    for (Handler<String> h : abortHandlers) {
      h.handle(reason);
    }
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String requestId() {
    return call.id();
  }

  @Override
  public String operation() {
    return call.operationId();
  }

  @Override
  public JsonObject caller() {
    return call.caller();
  }

  @Override
  public JsonObject metadata() {
    return call.payload().getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
  }

  @Override
  public boolean isAborted() {
    return abortReason != null;
  }

  @Override
  public OperationContext onAbort(Handler<String> handler) {
    if (abortReason != null) {
      handler.handle(abortReason);
    } else {
      abortHandlers.add(handler);
    }
    return this;
  }
}
