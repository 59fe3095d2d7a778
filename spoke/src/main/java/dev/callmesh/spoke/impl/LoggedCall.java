package dev.callmesh.spoke.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.log.CallLog;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes one line on the {@code callmesh.calls} logger when a call the spoke serves ends (INFO): its
 * request id on the hub connection, the operation, the caller's identity, how it ended, how long it
 * took and its trace id; plus a DEBUG line when it starts. Never the input or the outputs. Each line
 * carries the MDC keys of {@link CallLog}, so with {@code --log-format json} it can be joined to the
 * hub's {@code callmesh.audit} line by {@code traceId}.
 */
final class LoggedCall implements InboundCall {

  private static final Logger calls = LoggerFactory.getLogger("callmesh.calls");

  private final InboundCall call;
  private final long started = System.nanoTime();
  private final String traceId;
  private boolean logged;

  private LoggedCall(InboundCall call) {
    this.call = call;
    this.traceId = CallLog.traceId(call.request());
  }

  /**
   * @param handler serves the calls
   * @return a handler that serves them through the given one, each wrapped so its end is logged; the
   *     given handler itself when {@code callmesh.calls} logs nothing
   */
  static CallHandler around(CallHandler handler) {
    if (!calls.isInfoEnabled()) {
      return handler;
    }
    return call -> {
      LoggedCall logged = new LoggedCall(call);
      logged.started();
      handler.handle(logged);
    };
  }

  private void started() {
    if (calls.isDebugEnabled()) {
      CallLog.log(calls, Level.DEBUG, call.id(), call.operationId(), traceId, "call id={} op={} caller={} started trace={}",
          call.id(), call.operationId(), callerId(), traceId);
    }
  }

  /** May race between the connection's context (abort) and a handler's thread (reply): log once. */
  private synchronized void end(String outcome) {
    if (logged) {
      return;
    }
    logged = true;
    CallLog.log(calls, Level.INFO, call.id(), call.operationId(), traceId,
        "call id={} op={} caller={} outcome={} durationMs={} trace={}", call.id(), call.operationId(), callerId(),
        outcome, (System.nanoTime() - started) / 1_000_000, traceId);
  }

  private String callerId() {
    return call.payload().getValue("caller") instanceof JsonObject c && c.getValue("id") instanceof String id ? id : null;
  }

  @Override
  public String id() {
    return call.id();
  }

  @Override
  public String operationId() {
    return call.operationId();
  }

  @Override
  public JsonObject input() {
    return call.input();
  }

  @Override
  public JsonObject payload() {
    return call.payload();
  }

  @Override
  public dev.callmesh.protocol.call.CallRequest request() {
    return call.request();
  }

  @Override
  public void reply(Object output) {
    end("OK");
    call.reply(output);
  }

  @Override
  public void emit(Object output) {
    call.emit(output);
  }

  @Override
  public void complete() {
    end("OK");
    call.complete();
  }

  @Override
  public void fail(CallException error) {
    end(error.code());
    call.fail(error);
  }

  @Override
  public boolean writeQueueFull() {
    return call.writeQueueFull();
  }

  @Override
  public InboundCall drainHandler(Handler<Void> handler) {
    call.drainHandler(handler);
    return this;
  }

  @Override
  public InboundCall creditHandler(LongConsumer handler) {
    call.creditHandler(handler);
    return this;
  }

  @Override
  public boolean isDone() {
    return call.isDone();
  }

  @Override
  public InboundCall abortHandler(Handler<String> handler) {
    call.abortHandler(reason -> {
      end("ABORTED");
      handler.handle(reason);
    });
    return this;
  }
}
