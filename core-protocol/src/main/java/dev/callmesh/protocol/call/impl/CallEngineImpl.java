package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.Deadlines;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import dev.callmesh.protocol.call.PendingCall;
import dev.callmesh.protocol.call.PendingRequestMap;
import dev.callmesh.protocol.log.CallLog;
import dev.callmesh.protocol.trace.TraceParent;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The one call engine: dispatches the events of SPEC §2.2 in both directions over one transport. */
public final class CallEngineImpl implements CallEngine {

  /** The longest request id a peer may use (SPEC §2.2). */
  public static final int MAX_ID_LENGTH = 128;

  private static final Logger log = LoggerFactory.getLogger(CallEngineImpl.class);

  private final EnvelopeTransport transport;
  private final CallHandler handler;
  private final CallEngineOptions options;
  private final Context context;
  private final Vertx vertx;
  private final PendingRequestMap pending;
  private final Map<String, InboundCallImpl> inbound = new HashMap<>();
  private final Deadlines<InboundCallImpl> deadlines;
  private final Deadlines<InboundCallImpl> idleDeadlines;
  private final CallFamily family = new CallFamily();
  private final Promise<Void> closed = Promise.promise();
  private long nextId;
  private long lastSeen;
  private long heartbeatTimer = -1;
  private JsonObject peerBye;

  public CallEngineImpl(EnvelopeTransport transport, CallHandler handler, CallEngineOptions options) {
    this.transport = transport;
    this.handler = handler;
    this.options = new CallEngineOptions(options);
    this.context = transport.context();
    this.vertx = context.owner();
    this.pending = new PendingRequestMap(vertx, this::onTimeout);
    this.deadlines = new Deadlines<>(vertx, InboundCallImpl::deadlinePassed);
    this.idleDeadlines = new Deadlines<>(vertx, InboundCallImpl::idlePassed);
    this.lastSeen = System.nanoTime();
    onContext(this::start);
  }

  private void start() {
    transport.handler(this::onEnvelope);
    transport.closeHandler(v -> onClose());
    transport.drainHandler(v -> new ArrayList<>(inbound.values()).forEach(InboundCallImpl::drained));
    long hb = options.getHeartbeatMs();
    if (hb > 0 && !transport.isClosed()) {
      heartbeatTimer = vertx.setPeriodic(hb, t -> heartbeat());
    }
  }

  // ---- dispatch of what arrives ----

  private void onEnvelope(EventEnvelope e) {
    lastSeen = System.nanoTime();
    switch (e.type()) {
      case EventTypes.CALL_REQUESTED -> onRequested(e);
      case EventTypes.CALL_RESPONDED -> onResponded(e);
      case EventTypes.CALL_COMPLETED -> onEnd(e.id(), null);
      case EventTypes.CALL_ERROR -> onEnd(e.id(), CallException.fromPayload(e.payload()));
      case EventTypes.CALL_ABORTED -> onAborted(e);
      case EventTypes.PING -> transport.send(EventEnvelope.of(EventTypes.PONG, e.payload()));
      case EventTypes.BYE -> {
        peerBye = e.payload();
        transport.close();
      }
      case EventTypes.CALL_CREDIT -> onCredit(e);
      case EventTypes.PONG -> { }
      default -> {
        if (e.type().startsWith("auth.")) {
          transport.bye(ErrorCode.PROTOCOL, e.type() + " after the handshake");
        } else {
          log.debug("ignoring unknown event type {}", e.type());
        }
      }
    }
  }

  private void onRequested(EventEnvelope e) {
    String id = e.id();
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      transport.bye(ErrorCode.PROTOCOL, "call.requested needs an id of 1 to " + MAX_ID_LENGTH + " characters");
      return;
    }
    if (inbound.containsKey(id)) {
      send(EventTypes.CALL_ERROR, id, CallException.of(ErrorCode.PROTOCOL,
          "request id " + id + " is already in flight on this connection; use a new id per call").toPayload());
      return;
    }
    CallRequest request = CallRequest.received(e);
    String op = request.operationId();
    if (op == null || op.isEmpty()) {
      send(EventTypes.CALL_ERROR, id, CallException.of(ErrorCode.INVALID_INPUT,
          "call.requested needs an \"operationId\" string such as /dev1/fs/readFile").toPayload());
      return;
    }
    if (!request.inputIsObject()) {
      send(EventTypes.CALL_ERROR, id, CallException.of(ErrorCode.INVALID_INPUT,
          "\"input\" must be a JSON object").toPayload());
      return;
    }
    if (inbound.size() >= options.getMaxInboundInFlight()) {
      send(EventTypes.CALL_ERROR, id, CallException.of(ErrorCode.RESOURCE_EXHAUSTED,
          "too many calls in flight on this connection (limit " + options.getMaxInboundInFlight()
              + "); wait for some to finish").toPayload());
      return;
    }
    InboundCallImpl call = new InboundCallImpl(this, id, op, request);
    inbound.put(id, call);
    call.startDeadlines();
    String parent = request.parentRequestId();
    if (parent != null) {
      family.inboundStarted(parent, id);
    }
    try {
      handler.handle(call);
    } catch (ProtocolException ex) {
      // The frame was checked when it arrived; a limit met only when the handler decoded the payload
      // (a string longer than this process takes) is this call's problem, not the connection's.
      call.fail(CallException.of(ErrorCode.INVALID_INPUT, "the request to " + op + " could not be read: "
          + ex.getMessage()));
    } catch (RuntimeException ex) {
      CallLog.log(log, Level.WARN, call, "handler of {} failed for call {}", op, id, ex);
      call.fail(CallException.of(ErrorCode.INTERNAL, "the handler of " + op + " failed: " + ex));
    }
  }

  private void onResponded(EventEnvelope e) {
    PendingCall call = pending.get(e.id());
    if (call == null) {
      pending.countOrphan();
      return;
    }
    if (!call.stream()) {
      pending.remove(e.id());
      family.outboundEnded(call.id());
    } else {
      pending.touch(call);
    }
    respond(call, e.raw("output"));
  }

  private void onEnd(String id, CallException error) {
    PendingCall call = pending.remove(id);
    if (call == null) {
      pending.countOrphan();
      return;
    }
    family.outboundEnded(id);
    if (error != null) {
      fail(call, error);
    } else {
      complete(call);
    }
  }

  private void onAborted(EventEnvelope e) {
    InboundCallImpl call = inbound.get(e.id());
    if (call != null) {
      String reason = e.scalar("reason") instanceof String s ? s : "aborted by the caller";
      call.abortFromPeer(reason);
    }
  }

  private void onCredit(EventEnvelope e) {
    InboundCallImpl call = inbound.get(e.id());
    if (call != null && e.scalar("n") instanceof Number n) {
      call.addCredit(n.longValue());
    }
  }

  private void onTimeout(PendingCall call) {
    String what = call.idleExpired() ? "idle timeout" : "timeout";
    send(EventTypes.CALL_ABORTED, call.id(), new JsonObject().put("reason", what));
    family.outboundEnded(call.id());
    terminateChildrenOf(call.id(), what);
    fail(call, CallException.of(ErrorCode.TIMEOUT, call.operationId() + (call.idleExpired()
        ? " sent nothing for longer than its idleTimeoutMs" : " did not finish within its timeoutMs")
        + "; try again, or allow more time"));
  }

  // ---- cascades: calls made on behalf of others ----

  /** A call we serve was aborted or stopped: abort the calls we made on its behalf. */
  void abortChildrenOf(String inboundId, String reason) {
    for (String child : family.outboundChildrenOf(inboundId)) {
      PendingCall call = pending.remove(child);
      if (call != null) {
        send(EventTypes.CALL_ABORTED, child, new JsonObject().put("reason", "parent call ended: " + reason));
        fail(call, CallException.of(ErrorCode.ABORTED, "the call this one was made for ended: " + reason));
      }
    }
  }

  /** A call we made was aborted or timed out: stop the calls the peer made to us on its behalf. */
  private void terminateChildrenOf(String outboundId, String reason) {
    for (String child : family.inboundChildrenOf(outboundId)) {
      InboundCallImpl call = inbound.get(child);
      if (call != null) {
        call.terminate(CallException.of(ErrorCode.ABORTED, "the call this one was made for ended: " + reason), reason);
      }
    }
  }

  private void onClose() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    family.clear();
    CallException gone = CallException.of(ErrorCode.UNAVAILABLE,
        "the connection to the peer closed (" + transport.remoteAddress() + "); try again once it is back");
    for (PendingCall call : pending.removeAll()) {
      fail(call, gone);
    }
    for (InboundCallImpl call : new ArrayList<>(inbound.values())) {
      call.connectionClosed();
    }
    closed.tryComplete();
  }

  private void heartbeat() {
    long silentMs = (System.nanoTime() - lastSeen) / 1_000_000;
    if (silentMs > 3 * options.getHeartbeatMs()) {
      log.info("peer {} missed 3 heartbeats ({} ms silent); closing", transport.remoteAddress(), silentMs);
      transport.bye(ErrorCode.UNAVAILABLE, "no heartbeat for " + silentMs + " ms");
      transport.close();
      return;
    }
    send(EventTypes.PING, "", new JsonObject().put("t", System.currentTimeMillis()));
  }

  // ---- what we send ----

  @Override
  public OutboundCall open(CallRequest request, boolean stream, CallObserver observer) {
    OutboundCallImpl call = new OutboundCallImpl(this);
    onContext(() -> start(call, request, stream, observer));
    return call;
  }

  private void start(OutboundCallImpl handle, CallRequest request, boolean stream, CallObserver observer) {
    String id = Long.toString(++nextId, 36);
    handle.id = id;
    String op = request.operationId() == null ? "?" : request.operationId();
    if (handle.abortReason != null) {
      Guard.run("observer", op, () -> observer.onError(CallException.of(ErrorCode.ABORTED,
          "aborted before it started: " + handle.abortReason)));
      return;
    }
    if (transport.isClosed()) {
      Guard.run("observer", op, () -> observer.onError(CallException.of(ErrorCode.UNAVAILABLE,
          "the connection is closed; reconnect and try again")));
      return;
    }
    long timeout = request.timeoutMs() != null ? request.timeoutMs().longValue()
        : stream ? 0 : options.getCallTimeoutMs();
    if (request.timeoutMs() == null && timeout > 0) {
      request = request.with("timeoutMs", timeout); // the default deadline travels with the call too
    }
    long idle = request.idleTimeoutMs() != null ? request.idleTimeoutMs().longValue() : 0;
    PendingCall call = new PendingCall(id, op, stream, observer);
    // The serving side enforces the deadlines and answers TIMEOUT; ours wait a little longer, as a backstop.
    long grace = options.getDeadlineGraceMs();
    pending.add(call, timeout > 0 ? timeout + grace : 0, idle > 0 ? idle + grace : 0);
    String parentId = request.parentRequestId();
    InboundCallImpl parent = parentId == null ? null : inbound.get(parentId);
    if (parent != null) {
      family.outboundStarted(parent.id(), id);
    }
    request = TraceParent.outbound(request, parent == null ? null : parent.request());
    if (log.isDebugEnabled()) {
      CallLog.log(log, Level.DEBUG, id, op, CallLog.traceId(request), "calling {} as {} (traceparent {})", op, id,
          TraceParent.headerIn(request));
    }
    transport.sendJson(request.encode(id)).onFailure(err -> {
      if (pending.remove(id) != null) {
        family.outboundEnded(id);
        fail(call, err instanceof CallException ce ? ce
            : CallException.of(ErrorCode.UNAVAILABLE, "could not send the call: " + err.getMessage()));
      }
    });
  }

  void abort(OutboundCallImpl handle, String reason) {
    onContext(() -> {
      if (handle.id == null) {
        handle.abortReason = reason == null ? "aborted" : reason;
        return;
      }
      PendingCall call = pending.remove(handle.id);
      if (call != null) {
        JsonObject p = reason == null ? new JsonObject() : new JsonObject().put("reason", reason);
        send(EventTypes.CALL_ABORTED, handle.id, p);
        family.outboundEnded(handle.id);
        terminateChildrenOf(handle.id, reason == null ? "aborted" : reason);
        fail(call, CallException.of(ErrorCode.ABORTED, reason == null ? "aborted" : reason));
      }
    });
  }

  void credit(OutboundCallImpl handle, long n) {
    onContext(() -> {
      if (n > 0 && handle.id != null && pending.contains(handle.id)) {
        send(EventTypes.CALL_CREDIT, handle.id, new JsonObject().put("n", n));
      }
    });
  }

  @Override
  public Future<Object> call(JsonObject request) {
    Promise<Object> promise = Promise.promise();
    open(CallRequest.of(request), false, new CallObserver() {
      @Override
      public void onResponded(Object output) {
        promise.tryComplete(output);
      }

      @Override
      public void onCompleted() {
        promise.tryComplete(null);
      }

      @Override
      public void onError(CallException error) {
        promise.tryFail(error);
      }
    });
    return promise.future();
  }

  // ---- helpers for the inbound side ----

  void ended(InboundCallImpl call) {
    inbound.remove(call.id(), call);
    deadlines.cancel(call.deadlineNode);
    idleDeadlines.cancel(call.idleNode);
    family.inboundEnded(call.request().parentRequestId(), call.id());
  }

  Deadlines<InboundCallImpl> deadlines() {
    return deadlines;
  }

  Deadlines<InboundCallImpl> idleDeadlines() {
    return idleDeadlines;
  }

  /** @return how many entries the cascade bookkeeping keeps, for tests */
  int familySize() {
    return family.size();
  }

  // ---- callbacks into observers: what one throws never stops the engine ----

  private static void respond(PendingCall call, RawJson output) {
    try {
      call.observer().onRespondedRaw(output);
    } catch (RuntimeException e) {
      observerFailed(call, e);
    }
  }

  private static void complete(PendingCall call) {
    try {
      call.observer().onCompleted();
    } catch (RuntimeException e) {
      observerFailed(call, e);
    }
  }

  private static void fail(PendingCall call, CallException error) {
    try {
      call.observer().onError(error);
    } catch (RuntimeException e) {
      observerFailed(call, e);
    }
  }

  private static void observerFailed(PendingCall call, RuntimeException e) {
    log.warn("the observer of call {} to {} failed; the engine goes on", call.id(), call.operationId(), e);
  }

  Vertx vertx() {
    return vertx;
  }

  CallEngineOptions options() {
    return options;
  }

  Future<Void> send(String type, String id, JsonObject payload) {
    return transport.send(EventEnvelope.of(type, id, payload));
  }

  void onContext(Runnable action) {
    if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  @Override
  public EnvelopeTransport transport() {
    return transport;
  }

  @Override
  public CallObserver pendingObserver(String id) {
    PendingCall call = pending.get(id);
    return call == null ? null : call.observer();
  }

  @Override
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public int inboundCount() {
    return inbound.size();
  }

  @Override
  public JsonObject peerBye() {
    return peerBye;
  }

  @Override
  public Future<Void> closeFuture() {
    return closed.future();
  }
}
