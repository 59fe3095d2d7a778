package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.InboundCall;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One spoke's call of a fan-out, as the caller's {@link HubRouter} sees it: a call to {@code /{spoke}{operation}}
 * made by the fan-out's caller, so it is checked against the caller's rights and rate, forwarded with the
 * caller's identity in {@code payload.caller}, audited and counted like any call. Its outcome becomes the
 * spoke's entry: {@code {"spoke":..,"output":..}} (the output passed on as the bytes that came) or
 * {@code {"spoke":..,"error":{code,message,retryable}}}.
 * <p>
 * It takes one output: should the operation turn out to be a subscription, the first output is the entry and
 * the call is then aborted. Every method may be called from any thread; the first end wins.
 */
final class FanoutLeg implements InboundCall {

  private final String id;
  private final String spoke;
  private final String operationId;
  private final CallRequest request;
  private final JsonObject input;
  private final long maxEntryBytes;
  private final Consumer<Object> done;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Handler<CallException> abortHandler;
  private volatile Handler<CallException> endHandler;
  private JsonObject payload;

  /**
   * @param id the leg's request id, for audit lines
   * @param spoke the spoke called
   * @param operation the spoke-relative operation
   * @param base the request every leg shares ({@code input}, {@code timeoutMs}, {@code metadata}); the leg
   *     sets its {@code operationId}
   * @param input the input, as decoded (what {@link #input()} answers)
   * @param maxEntryBytes the largest entry the fan-out's caller can take; a larger output becomes an error entry
   * @param done told the entry once, unless the leg was {@linkplain #abort aborted} first
   */
  FanoutLeg(String id, String spoke, String operation, CallRequest base, JsonObject input, long maxEntryBytes,
            Consumer<Object> done) {
    this.id = id;
    this.spoke = spoke;
    this.operationId = "/" + spoke + operation;
    this.request = base.with("operationId", operationId);
    this.input = input;
    this.maxEntryBytes = maxEntryBytes;
    this.done = done;
  }

  /**
   * Aborts the leg: the spoke's call is aborted (its audit line says ABORTED) and no entry is made.
   *
   * @param reason why, for a person
   */
  void abort(String reason) {
    CallException why = CallException.of(ErrorCode.ABORTED, reason);
    if (end(why)) {
      Handler<CallException> h = abortHandler;
      if (h != null) {
        h.handle(why);
      }
    }
  }

  /** @return the entry of a spoke that answered */
  static RawJson entry(String spoke, Object output) {
    Buffer value = output instanceof RawJson raw ? raw.bytes() : Json.encodeToBuffer(output);
    return RawJson.of(Buffer.buffer(value.length() + spoke.length() + 24).appendString("{\"spoke\":")
        .appendString(Json.encode(spoke)).appendString(",\"output\":").appendBuffer(value).appendString("}"));
  }

  /** @return the entry of a spoke whose call failed */
  static JsonObject errorEntry(String spoke, CallException error) {
    return new JsonObject().put("spoke", spoke).put("error", error.toPayload());
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
    return input;
  }

  @Override
  public synchronized JsonObject payload() {
    if (payload == null) {
      payload = request.payload();
    }
    return payload;
  }

  @Override
  public CallRequest request() {
    return request;
  }

  @Override
  public void reply(Object output) {
    if (end(null)) {
      RawJson entry = entry(spoke, output);
      done.accept(entry.bytes().length() <= maxEntryBytes ? entry : errorEntry(spoke, CallException.of(
          ErrorCode.RESOURCE_EXHAUSTED, "the output of " + operationId + " is " + entry.bytes().length()
              + " bytes, more than one fan-out entry may hold (" + maxEntryBytes + "); call it directly")));
    }
  }

  @Override
  public void emit(Object output) {
    boolean first = !ended.get();
    reply(output);
    Handler<CallException> h = abortHandler;
    if (first && h != null) {
      h.handle(CallException.of(ErrorCode.ABORTED, "a fan-out takes one output per spoke"));
    }
  }

  @Override
  public void complete() {
    reply(null);
  }

  @Override
  public void fail(CallException error) {
    if (end(error)) {
      done.accept(errorEntry(spoke, error));
    }
  }

  @Override
  public boolean isDone() {
    return ended.get();
  }

  @Override
  public boolean writeQueueFull() {
    return false; // one entry, handed to the run, which holds it within its bound
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public InboundCall creditHandler(LongConsumer handler) {
    return this; // a query or mutation: no credit
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

  private boolean end(CallException outcome) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    Handler<CallException> h = endHandler;
    if (h != null) {
      h.handle(outcome);
    }
    return true;
  }
}
