package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.jsonrpc.JsonRpc;
import dev.callmesh.hub.impl.jsonrpc.JsonRpcMessage;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.msgpack.MsgPack;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import dev.callmesh.protocol.transport.WebSocketClose;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 on a WebSocket ({@code /v1/jsonrpc}): each text message is one request or batch, each binary
 * message the same as MessagePack (answered in MessagePack). The socket authenticates once, with the token
 * of the upgrade request or a first {@code auth.authenticate}; until then every other request is answered
 * UNAUTHENTICATED, and without one in the handshake time the socket closes with 3000. Authenticated, it is
 * one caller of the hub ({@link Sessions#httpCaller}), forgotten when it closes; its subscriptions are
 * notified until they end or {@code subscription.cancel}. A reader that does not read is held back: above
 * 8 MiB unsent the socket stops reading, and past {@link EnvelopeTransport#maxUnsentBytes} it is closed. It
 * is pinged every heartbeat period and closed when silent for three. Confined to the context of the WebSocket.
 */
final class JsonRpcSocket extends JsonRpcEdge implements Edge, JsonRpcCall.Sink {

  private static final Logger log = LoggerFactory.getLogger(JsonRpcSocket.class);
  private static final long LINGER_MS = 1000;

  private final ServerWebSocket ws;
  private final Context context = Vertx.currentContext();
  private final String host;
  private final Promise<Void> closed = Promise.promise();
  private final SocketWriter writer;
  private final Map<String, JsonRpcCall> subscriptions = new HashMap<>();
  private final Set<JsonRpcCall> calls = new LinkedHashSet<>();
  private volatile int inFlight;
  private HubConnection caller;
  private boolean authenticating;
  private boolean closing;
  private long handshakeTimer = -1;
  private long subscriptionIds;
  private long lastHeard = System.nanoTime();

  private JsonRpcSocket(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown, ServerWebSocket ws) {
    super(hub, routing, shuttingDown);
    this.ws = ws;
    this.host = ws.remoteAddress() == null ? "unknown" : ws.remoteAddress().host();
    this.writer = new SocketWriter(ws, EnvelopeTransport.maxUnsentBytes(hub.options.getMaxFrameBytes()),
        () -> closeWith(WebSocketClose.TRY_AGAIN_LATER, "you are not reading what is sent to you"));
  }

  /**
   * Serves JSON-RPC on a freshly upgraded WebSocket, on its context.
   *
   * @param token the token of the upgrade request ({@code Authorization: Bearer} or {@code ?token=}), or {@code null}
   */
  static void serve(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown, ServerWebSocket ws, String token) {
    new JsonRpcSocket(hub, routing, shuttingDown, ws).start(token);
  }

  private void start(String token) {
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> {
      if (WebSocketClose.isTooBig(e)) {
        closeWith(WebSocketClose.TOO_BIG, "a message was over the frame limit of " + hub.options.getMaxFrameBytes() + " bytes");
      } else {
        log.debug("JSON-RPC WebSocket {} failed: {}", host, e.toString());
        closeWith(WebSocketClose.INTERNAL, "the connection failed");
      }
    });
    ws.drainHandler(v -> calls.forEach(JsonRpcCall::drained));
    heartbeat();
    if (hub.auth.keys() == null || shuttingDown.getAsBoolean()) {
      closeWith(WebSocketClose.GOING_AWAY, hub.auth.keys() == null ? "the hub has not loaded its keys yet; try again"
          : "the hub is shutting down");
      return;
    }
    String refused = hub.limits.tryAcquire(host);
    if (refused != null) {
      closeWith(WebSocketClose.TRY_AGAIN_LATER, refused);
      return;
    }
    closed.future().onComplete(v -> hub.limits.release(host));
    ws.textMessageHandler(text -> onMessage(Buffer.buffer(text), false));
    ws.binaryMessageHandler(this::onBinary);
    if (token != null) {
      ws.pause();
      identify(token, host).onComplete(ar -> {
        if (ar.succeeded()) {
          admit(ar.result());
          ws.resume();
        } else {
          CallException e = (CallException) ar.cause();
          hub.metrics.handshakeFailed(e.code());
          closeWith(WebSocketClose.of(e.code()), e.getMessage());
        }
      });
    } else {
      long ms = hub.options.getHandshakeTimeoutMs();
      handshakeTimer = hub.vertx.setTimer(ms, t -> {
        hub.metrics.handshakeFailed(HubMetrics.TIMEOUT);
        closeWith(WebSocketClose.UNAUTHENTICATED, "no auth.authenticate within " + ms + " ms");
      });
    }
  }

  /**
   * Pings every heartbeat period (every WebSocket client answers with a pong by itself) and closes with
   * 1001 a peer from which nothing came for three periods, as envelope connections drop a silent peer.
   */
  private void heartbeat() {
    long period = hub.options.getHeartbeatMs();
    if (period <= 0) {
      return;
    }
    ws.pongHandler(b -> lastHeard = System.nanoTime());
    long timer = hub.vertx.setPeriodic(period, t -> {
      if (System.nanoTime() - lastHeard > 3 * period * 1_000_000L) {
        closeWith(WebSocketClose.GOING_AWAY, "no answer to pings for " + 3 * period + " ms");
      } else if (!closing) {
        ws.writePing(Buffer.buffer("callmesh"));
      }
    });
    closed.future().onComplete(v -> hub.vertx.cancelTimer(timer));
  }

  private void onBinary(Buffer msgpack) {
    Buffer json;
    try {
      json = MsgPack.toJson(msgpack, hub.options.getJsonLimits(), hub.options.getMaxFrameBytes());
    } catch (MsgPack.TooLargeException e) {
      closeWith(WebSocketClose.TOO_BIG, e.getMessage());
      return;
    } catch (ProtocolException e) {
      closeWith(WebSocketClose.POLICY, e.getMessage());
      return;
    }
    onMessage(json, true);
  }

  private void onMessage(Buffer json, boolean binary) {
    lastHeard = System.nanoTime();
    if (closing) {
      return;
    }
    List<JsonRpcCall> started = new ArrayList<>();
    run(JsonRpcMessage.parse(json, hub.options.getJsonLimits()), binary, started).onSuccess(answer -> {
      if (answer == null) {
        started.forEach(JsonRpcCall::announced);
      } else {
        send(answer, binary).onComplete(ar -> started.forEach(JsonRpcCall::announced));
      }
    });
  }

  @Override
  Future<Buffer> request(JsonRpcMessage.Request r, boolean binary, List<JsonRpcCall> started) {
    if (r.method().equals(JsonRpc.AUTHENTICATE)) {
      return authenticate(r);
    }
    if (caller == null) {
      return refuse(r, CallException.of(ErrorCode.UNAUTHENTICATED, authenticating
          ? "authentication is under way; send requests once auth.authenticate has answered"
          : "authenticate first: {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.authenticate\",\"params\":{\"token\":TOKEN}}"));
    }
    if (r.method().equals(JsonRpc.CANCEL)) {
      Object sub = r.params() == null ? null : r.params().getValue("subscription");
      if (!(sub instanceof String s)) {
        return refuse(r, CallException.of(ErrorCode.INVALID_INPUT, "subscription.cancel takes {\"subscription\":ID}"));
      }
      JsonRpcCall call = subscriptions.get(s);
      if (call != null) {
        call.cancel("cancelled by the client");
      }
      return Future.succeededFuture(r.isNotification() ? null : JsonRpc.result(r.id(), call != null));
    }
    CallException refused = precheck(r);
    if (refused == null && inFlight >= hub.options.getMaxInFlight()) {
      refused = CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "this socket has " + inFlight
          + " calls running, its most; wait for some to end");
    }
    if (refused != null) {
      return refuse(r, refused);
    }
    JsonRpcCall[] self = new JsonRpcCall[1];
    inFlight++;
    JsonRpcCall call = call(caller, r, false, binary, this, () -> "s" + (++subscriptionIds), () -> {
      inFlight--;
      calls.remove(self[0]);
      if (self[0] != null && self[0].subscription() != null) {
        subscriptions.remove(self[0].subscription());
      }
    });
    self[0] = call;
    if (!call.isDone()) {
      calls.add(call);
      if (call.subscription() != null) {
        subscriptions.put(call.subscription(), call);
        started.add(call);
      }
    }
    return call.answer();
  }

  private Future<Buffer> authenticate(JsonRpcMessage.Request r) {
    Object token = r.params() == null ? null : r.params().getValue("token");
    if (caller != null || authenticating) {
      return refuse(r, CallException.of(ErrorCode.PROTOCOL, "this socket is already authenticated"
          + (caller == null ? "" : " as " + caller.principal.id()) + "; open another socket for another identity"));
    }
    if (!(token instanceof String t)) {
      return refuse(r, CallException.of(ErrorCode.INVALID_INPUT, "auth.authenticate takes {\"token\":TOKEN}"));
    }
    authenticating = true;
    ws.pause(); // the requests after it wait for its outcome
    return identify(t, host).transform(ar -> {
      authenticating = false;
      ws.resume();
      if (ar.failed()) {
        CallException e = (CallException) ar.cause();
        hub.metrics.handshakeFailed(e.code());
        return refuse(r, e);
      }
      admit(ar.result());
      Principal p = ar.result();
      JsonObject identity = new JsonObject().put("id", p.id()).put("allow", p.key().allow());
      if (p.scope() != null) {
        identity.put("scope", p.scope());
      }
      return Future.succeededFuture(r.isNotification() ? null
          : JsonRpc.result(r.id(), new JsonObject().put("identity", identity)));
    });
  }

  private void admit(Principal principal) {
    if (closing) {
      return;
    }
    hub.vertx.cancelTimer(handshakeTimer);
    caller = hub.sessions.httpCaller(principal);
    caller.edge = this;
  }

  @Override
  public Future<Void> send(Buffer json, boolean binary) {
    if (closing) { // nothing follows the close frame
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "the WebSocket is closed"));
    }
    return writer.send(json, binary);
  }

  @Override
  public boolean writeQueueFull() {
    return closing || ws.writeQueueFull();
  }

  @Override
  public int callsInFlight() {
    return inFlight;
  }

  @Override
  public void close(ErrorCode code, String message) {
    context.runOnContext(v -> closeWith(WebSocketClose.of(code.wire()), message));
  }

  @Override
  public Future<Void> closed() {
    return closed.future();
  }

  /** Closes with the code and reason; what was written before goes out first. Cut off after a second. */
  private void closeWith(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    log.debug("closing JSON-RPC WebSocket {} with {}: {}", host, code, reason);
    ws.close(code, WebSocketClose.reason(reason));
    hub.vertx.setTimer(LINGER_MS, t -> {
      if (!closed.future().isComplete() && ws instanceof WebSocketInternal internal) {
        internal.channelHandlerContext().channel().close();
      }
    });
  }

  private void onClosed() {
    closing = true;
    hub.vertx.cancelTimer(handshakeTimer);
    for (JsonRpcCall call : new ArrayList<>(calls)) {
      call.cancel("the JSON-RPC WebSocket closed");
    }
    if (caller != null) {
      hub.sessions.forget(caller);
    }
    closed.tryComplete();
  }
}
