package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.call.Deadlines;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import dev.callmesh.protocol.log.CallLog;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The one call engine: dispatches the events of a connection in both directions. What we serve lives
 * here (the inbound calls and their deadlines); what we call lives in {@link OutboundCalls}; which call
 * was made for which, in {@link CallFamily}. All of it is confined to the connection's context: methods
 * called from elsewhere hop onto it first ({@link #onContext}).
 */
public final class CallEngineImpl implements CallEngine {

  /** The longest request id a peer may use. */
  public static final int MAX_ID_LENGTH = 128;

  private static final Logger log = LoggerFactory.getLogger(CallEngineImpl.class);

  private final EnvelopeTransport transport;
  private final CallHandler handler;
  private final CallEngineOptions options;
  private final Context context;
  private final Vertx vertx;
  private final Map<String, InboundCallImpl> inbound = new HashMap<>();
  private final Deadlines<InboundCallImpl> deadlines;
  private final Deadlines<InboundCallImpl> idleDeadlines;
  private final CallFamily family = new CallFamily();
  private final OutboundCalls outbound;
  private final Promise<Void> closed = Promise.promise();
  private long lastSeen;
  private long heartbeatTimer = -1;
  private JsonObject peerBye;
  /** {@code inbound.size()}, published for readers on other threads (gauges, tests). */
  private volatile int inboundCount;

  public CallEngineImpl(EnvelopeTransport transport, CallHandler handler, CallEngineOptions options) {
    this.transport = transport;
    this.handler = handler;
    this.options = new CallEngineOptions(options);
    this.context = transport.context();
    this.vertx = context.owner();
    this.deadlines = new Deadlines<>(vertx, InboundCallImpl::deadlinePassed);
    this.idleDeadlines = new Deadlines<>(vertx, InboundCallImpl::idlePassed);
    this.outbound = new OutboundCalls(this, family);
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

  private void onEnvelope(EventEnvelope e) {
    lastSeen = System.nanoTime();
    switch (e.type()) {
      case EventTypes.CALL_REQUESTED -> onRequested(e);
      case EventTypes.CALL_RESPONDED -> outbound.responded(e.id(), e.raw("output"));
      case EventTypes.CALL_COMPLETED -> outbound.ended(e.id(), null);
      case EventTypes.CALL_ERROR -> outbound.ended(e.id(), CallException.fromPayload(e.payload()));
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
    inboundCount = inbound.size();
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

  /** A call we made was aborted or timed out: stop the calls the peer made to us on its behalf. */
  void terminateChildrenOf(String outboundId, String reason) {
    for (String child : family.inboundChildrenOf(outboundId)) {
      InboundCallImpl call = inbound.get(child);
      if (call != null) {
        call.terminate(CallException.of(ErrorCode.ABORTED, "the call this one was made for ended: " + reason), reason);
      }
    }
  }

  /** A call we serve was aborted or stopped: abort the calls we made on its behalf. */
  void abortChildrenOf(String inboundId, String reason) {
    outbound.abortChildrenOf(inboundId, reason);
  }

  private void onClose() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    family.clear();
    outbound.failAll(CallException.of(ErrorCode.UNAVAILABLE,
        "the connection to the peer closed (" + transport.remoteAddress() + "); try again once it is back"));
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

  @Override
  public OutboundCall open(CallRequest request, boolean stream, CallObserver observer) {
    OutboundCallImpl call = new OutboundCallImpl(this);
    onContext(() -> outbound.start(call, request, stream, observer));
    return call;
  }

  void abort(OutboundCallImpl handle, String reason) {
    onContext(() -> outbound.abort(handle, reason));
  }

  void credit(OutboundCallImpl handle, long n) {
    onContext(() -> outbound.credit(handle, n));
  }

  @Override
  public Future<Object> call(JsonObject request) {
    Promise<Object> promise = Promise.promise();
    open(CallRequest.of(request), false, CallObserver.completing(promise));
    return promise.future();
  }

  /** An inbound call ended: forget it, its deadlines and its family ties. */
  void ended(InboundCallImpl call) {
    inbound.remove(call.id(), call);
    inboundCount = inbound.size();
    deadlines.cancel(call.deadlineNode);
    idleDeadlines.cancel(call.idleNode);
    family.inboundEnded(call.request().parentRequestId(), call.id());
  }

  /** @return the call the peer made under that id and that still runs, or {@code null} */
  InboundCallImpl inboundCall(String id) {
    return id == null ? null : inbound.get(id);
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

  Vertx vertx() {
    return vertx;
  }

  CallEngineOptions options() {
    return options;
  }

  Future<Void> send(String type, String id, JsonObject payload) {
    return transport.send(EventEnvelope.of(type, id, payload));
  }

  /** @return whether the caller runs on the connection's context, where the engine's state lives */
  boolean onItsContext() {
    return Vertx.currentContext() == context && Context.isOnEventLoopThread();
  }

  /** Runs the action on the connection's context: now when already there, else as soon as it can. */
  void onContext(Runnable action) {
    if (onItsContext()) {
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
    return outbound.observer(id);
  }

  @Override
  public int pendingCount() {
    return outbound.size();
  }

  @Override
  public int inboundCount() {
    return inboundCount;
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
