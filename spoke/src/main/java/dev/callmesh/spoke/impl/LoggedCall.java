package dev.callmesh.spoke.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.call.ObservedCall;
import dev.callmesh.protocol.log.CallLog;
import io.vertx.core.json.JsonObject;
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
final class LoggedCall extends ObservedCall {

  private static final Logger calls = LoggerFactory.getLogger("callmesh.calls");

  private final long started = System.nanoTime();
  private final String traceId;

  private LoggedCall(InboundCall call) {
    super(call);
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

  @Override
  protected void ended(CallException error) {
    CallLog.log(calls, Level.INFO, call.id(), call.operationId(), traceId,
        "call id={} op={} caller={} outcome={} durationMs={} trace={}", call.id(), call.operationId(), callerId(),
        outcome(error), (System.nanoTime() - started) / 1_000_000, traceId);
  }

  private String callerId() {
    return call.payload().getValue("caller") instanceof JsonObject c && c.getValue("id") instanceof String id ? id : null;
  }
}
