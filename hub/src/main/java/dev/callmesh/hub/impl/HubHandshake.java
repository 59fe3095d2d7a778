package dev.callmesh.hub.impl;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.auth.SshPublicKey;
import dev.callmesh.protocol.auth.SshSig;
import dev.callmesh.protocol.auth.TimestampToken;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of the handshake (SPEC §2.1): challenge, check the hello, then welcome or deny.
 * Any other event first, or no valid hello in time, is denied and the connection closed.
 */
final class HubHandshake {

  private static final Logger log = LoggerFactory.getLogger(HubHandshake.class);

  private final HubImpl hub;
  private final EnvelopeTransport transport;
  private final String nonce = AuthMessages.newNonce();
  private long timer;
  private boolean done;

  private HubHandshake(HubImpl hub, EnvelopeTransport transport) {
    this.hub = hub;
    this.transport = transport;
  }

  /** Starts the handshake on a freshly accepted connection, on its context. */
  static void start(HubImpl hub, EnvelopeTransport transport) {
    new HubHandshake(hub, transport).begin();
  }

  private void begin() {
    timer = hub.vertx().setTimer(hub.options().getHandshakeTimeoutMs(), t -> deny(new AuthException(
        ErrorCode.UNAUTHENTICATED, "no valid auth.hello within " + hub.options().getHandshakeTimeoutMs() + " ms")));
    transport.closeHandler(v -> {
      done = true;
      hub.vertx().cancelTimer(timer);
    });
    transport.handler(this::onEnvelope);
    transport.send(EventEnvelope.of(EventTypes.AUTH_CHALLENGE, new JsonObject()
        .put("protocol", EventTypes.PROTOCOL_VERSION)
        .put("hub", hub.options().getHubId())
        .put("nonce", nonce)));
  }

  private void onEnvelope(EventEnvelope e) {
    if (done) {
      return;
    }
    try {
      if (!e.type().equals(EventTypes.AUTH_HELLO)) {
        throw new AuthException(ErrorCode.PROTOCOL, "expected auth.hello, got " + e.type());
      }
      welcome(e.payload());
    } catch (AuthException ex) {
      deny(ex);
    }
  }

  private void welcome(JsonObject hello) throws AuthException {
    AuthorizedKey key = authenticate(hello);
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
    if (spoke != null) {
      var existing = hub.routes().get(spoke);
      if (existing != null && !existing.info().identity().equals(key.id())) {
        throw new AuthException(ErrorCode.FORBIDDEN, "spoke name '" + spoke + "' is in use by another identity");
      }
    }
    done = true;
    hub.vertx().cancelTimer(timer);
    HubConnection conn = hub.admit(transport, key, spoke, operations);
    transport.send(EventEnvelope.of(EventTypes.AUTH_WELCOME, new JsonObject()
        .put("identity", new JsonObject().put("id", key.id()).put("allow", key.allow()))
        .put("spoke", spoke)
        .put("session", conn.session)
        .put("heartbeatMs", hub.options().getHeartbeatMs())
        .put("maxFrameBytes", hub.options().getMaxFrameBytes())));
    log.info("welcomed {} from {} as {}", key.id(), transport.remoteAddress(), spoke == null ? "client" : "spoke " + spoke);
  }

  private AuthorizedKey authenticate(JsonObject hello) throws AuthException {
    AuthorizedKeys keys = hub.keys();
    Object signature = hello.getValue("signature");
    Object token = hello.getValue("token");
    if (signature instanceof String sig) {
      SshPublicKey pk = SshSig.verify(sig, AuthMessages.NAMESPACE,
          AuthMessages.challengeMessage(hub.options().getHubId(), nonce));
      return keys.find(pk).orElseThrow(() -> new AuthException(ErrorCode.UNAUTHENTICATED,
          "key " + pk.fingerprint() + " is not in the hub's authorized_keys; add its .pub line there"));
    }
    if (token instanceof String t) {
      if (TimestampToken.looksLike(t)) {
        return TimestampToken.verify(t, keys, System.currentTimeMillis() / 1000, 300);
      }
      throw new AuthException(ErrorCode.UNAUTHENTICATED, "the token is not a signed-timestamp token this hub accepts");
    }
    throw new AuthException(ErrorCode.UNAUTHENTICATED, "auth.hello needs a \"signature\" or a \"token\" string");
  }

  private void deny(AuthException e) {
    if (done) {
      return;
    }
    done = true;
    hub.vertx().cancelTimer(timer);
    log.info("denied {} ({}): {}", transport.remoteAddress(), e.code().wire(), e.getMessage());
    transport.closeWith(EventEnvelope.of(EventTypes.AUTH_DENIED,
        new JsonObject().put("code", e.code().wire()).put("message", e.getMessage())));
  }
}
