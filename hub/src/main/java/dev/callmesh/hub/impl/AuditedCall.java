package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.log.CallLog;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes one audit line when a call through the hub ends: who, what, how it ended, how long it took, and
 * its trace id. Never the input, the outputs or any token. Logger {@code callmesh.audit}, so it can be
 * routed apart; the line carries the MDC keys of {@link CallLog} (the caller's request id, the full
 * operation path, the trace id).
 * The same end is counted in the hub's metrics ({@link HubMetrics#callEnded}).
 */
final class AuditedCall implements InboundCall {

  private static final Logger audit = LoggerFactory.getLogger("callmesh.audit");

  private final InboundCall call;
  private final String identity;
  private final String transport;
  private final HubMetrics metrics;
  private final long started = System.nanoTime();
  private boolean logged;
  private TraceParent trace;

  AuditedCall(InboundCall call, String identity, String transport, HubMetrics metrics) {
    this.call = call;
    this.identity = identity;
    this.transport = transport;
    this.metrics = metrics;
  }

  /** @param errorCode how the call ended: {@code null} when it succeeded */
  private void log(String errorCode) {
    if (logged) {
      return;
    }
    logged = true;
    long nanos = System.nanoTime() - started;
    metrics.callEnded(call.operationId(), errorCode, nanos);
    if (audit.isInfoEnabled()) {
      String traceId = trace().traceId();
      CallLog.log(audit, Level.INFO, call.id(), call.operationId(), traceId,
          "call id={} identity={} op={} outcome={} durationMs={} transport={} trace={}", call.id(), identity,
          call.operationId(), errorCode == null ? "OK" : errorCode, nanos / 1_000_000, transport, traceId);
    }
  }

  /**
   * The hub's {@code traceparent} for this call, made once: a child of the caller's
   * {@code metadata.traceparent}, or a new trace when it sent none or an invalid one. The router puts it
   * in the metadata of the call it forwards to a spoke; the audit line shows its trace id.
   *
   * @return a valid version-00 traceparent header
   */
  String traceparent() {
    return trace().toString();
  }

  private TraceParent trace() {
    if (trace == null) {
      trace = TraceParent.forwardedFrom(TraceParent.headerIn(call.request()));
    }
    return trace;
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
  public CallRequest request() {
    return call.request();
  }

  @Override
  public void reply(Object output) {
    log(null);
    call.reply(output);
  }

  @Override
  public void emit(Object output) {
    call.emit(output);
  }

  @Override
  public void complete() {
    log(null);
    call.complete();
  }

  @Override
  public void fail(CallException error) {
    log(error.code());
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
      log(ErrorCode.ABORTED.wire());
      handler.handle(reason);
    });
    return this;
  }
}
