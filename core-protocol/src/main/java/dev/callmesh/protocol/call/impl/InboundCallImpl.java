package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/** A call the peer made to us; ends once, by us or by the peer. */
final class InboundCallImpl implements InboundCall {

  private final CallEngineImpl engine;
  private final String id;
  private final String operationId;
  private final JsonObject payload;
  private boolean done;
  private Handler<String> abortHandler;
  private Handler<Void> drainHandler;

  InboundCallImpl(CallEngineImpl engine, String id, String operationId, JsonObject payload) {
    this.engine = engine;
    this.id = id;
    this.operationId = operationId;
    this.payload = payload;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String operationId() {
    return operationId;
  }

  @Override
  public JsonObject input() {
    JsonObject input = payload.getJsonObject("input");
    return input == null ? new JsonObject() : input;
  }

  @Override
  public JsonObject payload() {
    return payload;
  }

  @Override
  public void reply(Object output) {
    engine.onContext(() -> {
      if (end()) {
        sendOutput(output);
      }
    });
  }

  @Override
  public void emit(Object output) {
    engine.onContext(() -> {
      if (!done) {
        sendOutput(output);
      }
    });
  }

  @Override
  public void complete() {
    engine.onContext(() -> {
      if (end()) {
        engine.send(EventTypes.CALL_COMPLETED, id, new JsonObject());
      }
    });
  }

  @Override
  public void fail(CallException error) {
    engine.onContext(() -> {
      if (end()) {
        engine.send(EventTypes.CALL_ERROR, id, error.toPayload());
      }
    });
  }

  @Override
  public boolean writeQueueFull() {
    return engine.transport().writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public InboundCall abortHandler(Handler<String> handler) {
    this.abortHandler = handler;
    return this;
  }

  void abortFromPeer(String reason) {
    if (end() && abortHandler != null) {
      abortHandler.handle(reason);
    }
  }

  private boolean end() {
    if (done) {
      return false;
    }
    done = true;
    engine.ended(this);
    return true;
  }

  private void sendOutput(Object output) {
    engine.send(EventTypes.CALL_RESPONDED, id, new JsonObject().put("output", output)).onFailure(err -> {
      // Too large for a frame, most likely: tell the caller instead of leaving it waiting.
      CallException ce = err instanceof CallException c ? c
          : CallException.of(ErrorCode.INTERNAL, "could not send the output: " + err.getMessage());
      done = true;
      engine.ended(this);
      engine.send(EventTypes.CALL_ERROR, id, ce.toPayload());
    });
  }
}
