package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One member of a {@code POST /v1/batch}: a call whose answer becomes that member's result,
 * {@code {"output":..}} (a spoke's output as it came, undecoded) or {@code {"error":{..}}}, handed over once.
 * A subscription's first output resolves it, as on {@code /v1/call}; the batch refuses subscriptions before
 * they get here.
 */
final class BatchCall implements InboundCall {

  private final String id;
  private final JsonObject payload;
  private final Consumer<Buffer> result;
  private boolean done;
  private Handler<CallException> abortHandler;
  private Handler<CallException> endHandler;

  /**
   * @param id its id, which the audit line shows
   * @param payload the call's payload
   * @param result gets the member's result once
   */
  BatchCall(String id, JsonObject payload, Consumer<Buffer> result) {
    this.id = id;
    this.payload = payload;
    this.result = result;
  }

  /** @return the result of a call that failed with the error */
  static Buffer error(CallException e) {
    return new JsonObject().put("error", e.toPayload()).toBuffer();
  }

  /** Aborts the call, as when the caller went away. */
  void abort(CallException why) {
    if (end(why, error(why)) && abortHandler != null) {
      abortHandler.handle(why);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String operationId() {
    return payload.getString("operationId");
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
    Buffer json = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
    end(null, Buffer.buffer("{\"output\":").appendBuffer(json).appendString("}"));
  }

  @Override
  public void emit(Object output) {
    reply(output);
    if (abortHandler != null) {
      abortHandler.handle(CallException.of(ErrorCode.ABORTED, "a batch member takes only the first output"));
    }
  }

  @Override
  public void complete() {
    end(null, Buffer.buffer("{\"output\":null}"));
  }

  @Override
  public void fail(CallException error) {
    end(error, error(error));
  }

  @Override
  public boolean isDone() {
    return done;
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
  public InboundCall creditHandler(LongConsumer handler) {
    return this;
  }

  @Override
  public InboundCall abortHandler(Handler<CallException> handler) {
    this.abortHandler = handler;
    return this;
  }

  @Override
  public InboundCall endHandler(Handler<CallException> handler) {
    this.endHandler = handler;
    return this;
  }

  private boolean end(CallException outcome, Buffer json) {
    if (done) {
      return false;
    }
    done = true;
    if (endHandler != null) {
      endHandler.handle(outcome);
    }
    result.accept(json);
    return true;
  }
}
