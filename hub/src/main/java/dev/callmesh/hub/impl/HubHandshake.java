package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of the handshake (docs/PROTOCOL.md): challenge, check the hello, then welcome or deny.
 * Any other event first, or no valid hello in time, is denied and the connection closed.
 */
final class HubHandshake {

  private static final Logger log = LoggerFactory.getLogger(HubHandshake.class);

  private final HubAcceptor hub;
  private final EnvelopeTransport transport;
  private final String urlToken;
  private final String nonce = AuthMessages.newNonce();
  private long timer;
  private boolean done;
  private boolean helloSeen;

  private HubHandshake(HubAcceptor hub, EnvelopeTransport transport, String urlToken) {
    this.hub = hub;
    this.transport = transport;
    this.urlToken = urlToken;
  }

  /**
   * Starts the handshake on a freshly accepted connection, on its context.
   *
   * @param urlToken a token that came with the connection ({@code ?token=} of a WebSocket URL), used
   *     when the hello carries neither signature nor token; or {@code null}
   */
  static void start(HubAcceptor hub, EnvelopeTransport transport, String urlToken) {
    new HubHandshake(hub, transport, urlToken).begin();
  }

  private void begin() {
    timer = hub.vertx.setTimer(hub.options.getHandshakeTimeoutMs(), t -> deny(new AuthException(
        ErrorCode.UNAUTHENTICATED, "no valid auth.hello within " + hub.options.getHandshakeTimeoutMs() + " ms"),
        HubMetrics.TIMEOUT));
    transport.closeHandler(v -> {
      done = true;
      hub.vertx.cancelTimer(timer);
    });
    transport.handler(this::onEnvelope);
    transport.send(EventEnvelope.of(EventTypes.AUTH_CHALLENGE, new JsonObject()
        .put("protocol", EventTypes.PROTOCOL_VERSION)
        .put("hub", hub.options.getHubId())
        .put("nonce", nonce)));
  }

  private void onEnvelope(EventEnvelope e) {
    if (done || helloSeen) {
      if (!done) {
        deny(new AuthException(ErrorCode.PROTOCOL, e.type() + " before auth.welcome"));
      }
      return;
    }
    helloSeen = true;
    if (!e.type().equals(EventTypes.AUTH_HELLO)) {
      deny(new AuthException(ErrorCode.PROTOCOL, "expected auth.hello, got " + e.type()));
      return;
    }
    JsonObject hello = e.payload();
    // The verdict may come on another context (a worker, the hub's after a fresh look at authorized_keys):
    // the welcome runs on the connection's own.
    authenticate(hello).onComplete(ar -> transport.context().runOnContext(v -> {
      try {
        if (ar.failed()) {
          throw ar.cause() instanceof AuthException ae ? ae
              : new AuthException(ErrorCode.UNAUTHENTICATED, ar.cause().getMessage());
        }
        welcome(ar.result(), hello);
      } catch (AuthException ex) {
        deny(ex);
      }
    }));
  }

  private void welcome(Principal principal, JsonObject hello) throws AuthException {
    AuthorizedKey key = principal.key();
    if (done || transport.isClosed()) {
      return;
    }
    String host = transport.remoteHost();
    if (!key.mayConnectFrom(host)) {
      throw new AuthException(ErrorCode.FORBIDDEN, "identity " + key.id() + " may not connect from " + host);
    }
    String spoke = HelloCheck.spokeName(hello);
    if (spoke != null && !key.maySpoke(spoke)) {
      throw new AuthException(ErrorCode.FORBIDDEN, "identity " + key.id() + " may not register as spoke '" + spoke
          + "'; grant it with spoke=\"" + spoke + "\" on its authorized_keys line");
    }
    List<OperationSpec> operations = HelloCheck.operations(hello.getValue("operations"));
    Map<String, String> labels = spoke == null ? Map.of() : HelloCheck.labels(hello, key);
    String pool = HelloCheck.pool(hello, spoke, key);
    if (spoke != null) {
      var existing = hub.targets.routes().get(spoke);
      if (existing != null && !existing.info().identity().equals(key.id())) {
        throw new AuthException(ErrorCode.FORBIDDEN, "spoke name '" + spoke + "' is in use by another identity");
      }
      if (existing == null && !hub.targets.members(spoke).isEmpty()) {
        throw new AuthException(ErrorCode.FORBIDDEN, "'" + spoke + "' is the name of a pool; pick another spoke name");
      }
    }
    if (pool != null && hub.targets.routes().get(pool) != null) {
      throw new AuthException(ErrorCode.FORBIDDEN, "'" + pool + "' is the name of a connected spoke; pick another pool name");
    }
    done = true;
    hub.vertx.cancelTimer(timer);
    HubConnection conn = hub.sessions.admit(transport, principal, new SpokeClaim(spoke, operations, labels, pool));
    JsonObject identity = new JsonObject().put("id", key.id()).put("allow", key.allow());
    if (principal.scope() != null) {
      identity.put("scope", principal.scope());
    }
    transport.send(EventEnvelope.of(EventTypes.AUTH_WELCOME, new JsonObject()
        .put("identity", identity)
        .put("spoke", spoke)
        .put("session", conn.session)
        .put("heartbeatMs", hub.options.getHeartbeatMs())
        .put("maxFrameBytes", hub.options.getMaxFrameBytes())));
    log.info("welcomed {} from {} as {}", key.id(), transport.remoteAddress(), spoke == null ? "client" : "spoke " + spoke);
  }

  private Future<Principal> authenticate(JsonObject hello) {
    Object signature = hello.getValue("signature");
    Object token = hello.getValue("token") != null ? hello.getValue("token") : urlToken;
    if (signature instanceof String sig) {
      // Verified on a worker: the event loop keeps serving calls while many spokes connect at once.
      return hub.auth.verifySignature(sig, nonce);
    }
    if (token instanceof String t) {
      return hub.auth.verifyToken(t);
    }
    return Future.failedFuture(new AuthException(ErrorCode.UNAUTHENTICATED,
        "auth.hello needs a \"signature\" or a \"token\" string"));
  }

  private void deny(AuthException e) {
    deny(e, e.code().wire());
  }

  /** @param reason the {@code reason} label of the handshake failure metric */
  private void deny(AuthException e, String reason) {
    if (done) {
      return;
    }
    done = true;
    hub.metrics.handshakeFailed(reason);
    hub.vertx.cancelTimer(timer);
    log.info("denied {} ({}): {}", transport.remoteAddress(), e.code().wire(), e.getMessage());
    transport.closeWith(EventEnvelope.of(EventTypes.AUTH_DENIED,
        new JsonObject().put("code", e.code().wire()).put("message", e.getMessage())
            .put("retryable", e.code().retryable())));
  }
}
