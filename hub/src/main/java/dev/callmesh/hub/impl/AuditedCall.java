package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.call.ObservedCall;
import dev.callmesh.protocol.trace.TraceParent;

/**
 * Writes one audit line when a call through the hub ends: who, what, how it ended, how long it took, and
 * its trace id. Never the input, the outputs or any token. Logger {@code callmesh.audit}, so it can be
 * routed apart; the line carries the MDC keys of {@code CallLog} (the caller's request id, the full
 * operation path, the trace id). The line is queued on the {@link AuditTrail}, which logs it a moment later.
 * The same end is counted in the hub's metrics ({@link HubMetrics#callEnded}). A call over HTTP is told its
 * traceparent at once, for its answer's header.
 */
final class AuditedCall extends ObservedCall {

  private final String identity;
  private final String transport;
  private final HubMetrics metrics;
  private final long started = System.nanoTime();
  private TraceParent trace;

  AuditedCall(InboundCall call, String identity, String transport, HubMetrics metrics) {
    super(call);
    this.identity = identity;
    this.transport = transport;
    this.metrics = metrics;
    if (call instanceof HttpCall http) {
      http.traceparent(traceparent()); // an HTTP answer carries the call's traceparent header
    }
  }

  @Override
  protected void ended(CallException error) {
    long nanos = System.nanoTime() - started;
    metrics.callEnded(call.operationId(), error == null ? null : error.code(), nanos);
    if (AuditTrail.enabled()) {
      AuditTrail.shared().add(new AuditTrail.Line(call.id(), identity, call.operationId(), outcome(error),
          nanos / 1_000_000, transport, trace().traceId()));
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
}
