package dev.callmesh.protocol.call.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.PendingCall;
import dev.callmesh.protocol.call.PendingRequestMap;
import dev.callmesh.protocol.log.CallLog;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The calls one engine makes: their ids, the {@link PendingRequestMap} that correlates what comes back,
 * their deadlines, and the observers that hear how each ends. Whoever removes an entry from the map owns
 * its outcome. Every callback into an observer is guarded: what one throws never stops the others.
 * Confined to the connection's context.
 */
final class OutboundCalls {

  private static final Logger log = LoggerFactory.getLogger(OutboundCalls.class);

  private final CallEngineImpl engine;
  private final CallFamily family;
  private final PendingRequestMap pending;
  private long nextId;

  OutboundCalls(CallEngineImpl engine, CallFamily family) {
    this.engine = engine;
    this.family = family;
    this.pending = new PendingRequestMap(engine.vertx(), this::timedOut);
  }

  /** Starts a call on the connection, on its context. */
  void start(OutboundCallImpl handle, CallRequest request, boolean stream, CallObserver observer) {
    String id = Long.toString(++nextId, 36);
    handle.id = id;
    String op = request.operationId() == null ? "?" : request.operationId();
    if (handle.abortReason != null) {
      Guard.run("observer", op, () -> observer.onError(CallException.of(ErrorCode.ABORTED,
          "aborted before it started: " + handle.abortReason)));
      return;
    }
    if (engine.transport().isClosed()) {
      Guard.run("observer", op, () -> observer.onError(CallException.of(ErrorCode.UNAVAILABLE,
          "the connection is closed; reconnect and try again")));
      return;
    }
    CallEngineOptions options = engine.options();
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
    InboundCallImpl parent = engine.inboundCall(request.parentRequestId());
    if (parent != null) {
      family.outboundStarted(parent.id(), id);
    }
    request = TraceParent.outbound(request, parent == null ? null : parent.request());
    if (log.isDebugEnabled()) {
      CallLog.log(log, Level.DEBUG, id, op, CallLog.traceId(request), "calling {} as {} (traceparent {})", op, id,
          TraceParent.headerIn(request));
    }
    engine.transport().sendJson(request.encode(id)).onFailure(err -> {
      if (remove(id) != null) {
        fail(call, err instanceof CallException ce ? ce
            : CallException.of(ErrorCode.UNAVAILABLE, "could not send the call: " + err.getMessage()));
      }
    });
  }

  /** A {@code call.responded} arrived. */
  void responded(String id, RawJson output) {
    PendingCall call = pending.get(id);
    if (call == null) {
      pending.countOrphan();
      return;
    }
    if (!call.stream()) {
      remove(id);
    } else {
      pending.touch(call);
    }
    try {
      call.observer().onRespondedRaw(output);
    } catch (RuntimeException e) {
      observerFailed(call, e);
    }
  }

  /** A {@code call.completed} ({@code error} null) or {@code call.error} arrived. */
  void ended(String id, CallException error) {
    PendingCall call = remove(id);
    if (call == null) {
      pending.countOrphan();
    } else if (error != null) {
      fail(call, error);
    } else {
      try {
        call.observer().onCompleted();
      } catch (RuntimeException e) {
        observerFailed(call, e);
      }
    }
  }

  /** Our side aborts the call: tell the peer, stop what the peer does for it, and end it ABORTED. */
  void abort(OutboundCallImpl handle, String reason) {
    if (handle.id == null) {
      handle.abortReason = reason == null ? "aborted" : reason;
      return;
    }
    PendingCall call = remove(handle.id);
    if (call != null) {
      String why = reason == null ? "aborted" : reason;
      engine.send(EventTypes.CALL_ABORTED, handle.id, reason == null ? new JsonObject() : new JsonObject().put("reason", reason));
      engine.terminateChildrenOf(handle.id, why);
      fail(call, CallException.of(ErrorCode.ABORTED, why));
    }
  }

  /** Lets the peer send {@code n} more outputs of the call. */
  void credit(OutboundCallImpl handle, long n) {
    if (n > 0 && handle.id != null && pending.contains(handle.id)) {
      engine.send(EventTypes.CALL_CREDIT, handle.id, new JsonObject().put("n", n));
    }
  }

  /** A call we serve ended early: abort the calls we made on its behalf. */
  void abortChildrenOf(String inboundId, String reason) {
    for (String child : family.outboundChildrenOf(inboundId)) {
      PendingCall call = pending.remove(child);
      if (call != null) {
        engine.send(EventTypes.CALL_ABORTED, child, new JsonObject().put("reason", "parent call ended: " + reason));
        fail(call, CallException.of(ErrorCode.ABORTED, "the call this one was made for ended: " + reason));
      }
    }
  }

  /** The connection closed: every pending call fails with the error. */
  void failAll(CallException error) {
    for (PendingCall call : pending.removeAll()) {
      fail(call, error);
    }
  }

  /** @return the observer of a pending call, or {@code null} */
  CallObserver observer(String id) {
    PendingCall call = pending.get(id);
    return call == null ? null : call.observer();
  }

  /** @return how many calls are pending */
  int size() {
    return pending.size();
  }

  private void timedOut(PendingCall call) {
    String what = call.idleExpired() ? "idle timeout" : "timeout";
    engine.send(EventTypes.CALL_ABORTED, call.id(), new JsonObject().put("reason", what));
    family.outboundEnded(call.id());
    engine.terminateChildrenOf(call.id(), what);
    fail(call, CallException.of(ErrorCode.TIMEOUT, call.operationId() + (call.idleExpired()
        ? " sent nothing for longer than its idleTimeoutMs" : " did not finish within its timeoutMs")
        + "; try again, or allow more time"));
  }

  /** Removes a pending call that ends, and forgets it as a child of the call it was made for. */
  private PendingCall remove(String id) {
    PendingCall call = pending.remove(id);
    if (call != null) {
      family.outboundEnded(id);
    }
    return call;
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
}
