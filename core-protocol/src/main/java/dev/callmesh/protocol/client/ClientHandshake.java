package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import dev.callmesh.protocol.transport.impl.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * The peer's side of the handshake (docs/PROTOCOL.md, "Handshake"): wait for {@code auth.challenge}, answer
 * {@code auth.hello}, and start the call engine on {@code auth.welcome}.
 */
final class ClientHandshake {

  private final EnvelopeTransport transport;
  private final ConnectOptions options;
  private final Promise<HubSession> result = Promise.promise();
  private final HubConnector connector;
  private boolean helloSent;
  private long timer;

  private ClientHandshake(EnvelopeTransport transport, ConnectOptions options, HubConnector connector) {
    this.transport = transport;
    this.options = options;
    this.connector = connector;
  }

  /**
   * Runs the handshake on a fresh transport; must be called on the transport's context.
   *
   * @return a future of the session, or failed with a {@link CallException} carrying the hub's
   *     {@code auth.denied} code, UNAVAILABLE when the connection closed, or TIMEOUT
   */
  static Future<HubSession> run(EnvelopeTransport transport, ConnectOptions options, HubConnector connector) {
    ClientHandshake hs = new ClientHandshake(transport, options, connector);
    hs.start();
    return hs.result.future();
  }

  private void start() {
    timer = transport.context().owner().setTimer(options.getHandshakeTimeoutMs(), t ->
        fail(CallException.of(ErrorCode.TIMEOUT, "the hub did not finish the handshake within "
            + options.getHandshakeTimeoutMs() + " ms")));
    // Over TLS 1.3 a hub that refuses our client certificate (or its absence) does so after our side of the
    // TLS handshake is done: the connection is made, then closed before a word of callmesh.
    boolean tls = transport.transportName().equals("tls") || transport.transportName().equals("wss");
    transport.closeHandler(v -> fail(CallException.of(ErrorCode.UNAVAILABLE,
        "the hub closed the connection during the handshake" + closeFrame()
            + (tls && !helloSent ? TlsSettings.closedDuringHandshakeHint(options) : ""))));
    transport.handler(this::onEnvelope);
  }

  /** @return the close code and reason a WebSocket hub sent, as {@code " (3000: why)"}, or {@code ""} */
  private String closeFrame() {
    if (transport instanceof WebSocketTransport ws && ws.closeStatusCode() != null && ws.closeStatusCode() != 1006) {
      String reason = ws.closeReason();
      return " (" + ws.closeStatusCode() + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")";
    }
    return "";
  }

  private void onEnvelope(EventEnvelope e) {
    switch (e.type()) {
      case EventTypes.AUTH_CHALLENGE -> onChallenge(e.payload());
      case EventTypes.AUTH_WELCOME -> onWelcome(e.payload());
      case EventTypes.AUTH_DENIED, EventTypes.BYE -> {
        JsonObject p = e.payload();
        String code = p.getString("code", ErrorCode.UNAUTHENTICATED.wire());
        boolean retryable = p.getValue("retryable") instanceof Boolean b && b; // UNAVAILABLE while keys load: true
        fail(new CallException(code, "the hub refused us: " + p.getString("message", "(no reason given)"), retryable, null));
      }
      default -> fail(CallException.of(ErrorCode.PROTOCOL, "unexpected " + e.type() + " during the handshake"));
    }
  }

  private void onChallenge(JsonObject p) {
    if (helloSent) {
      fail(CallException.of(ErrorCode.PROTOCOL, "the hub sent a second challenge"));
      return;
    }
    String hubId = p.getString("hub");
    String nonce = p.getString("nonce");
    if (hubId == null || nonce == null) {
      fail(CallException.of(ErrorCode.PROTOCOL, "auth.challenge lacks hub or nonce"));
      return;
    }
    if (options.getCredentials() == null) {
      fail(CallException.of(ErrorCode.UNAUTHENTICATED, "no key or token given; pass --key FILE or a token"));
      return;
    }
    JsonObject hello;
    try {
      hello = options.getCredentials().hello(hubId, nonce).copy();
    } catch (RuntimeException ex) {
      fail(CallException.of(ErrorCode.UNAUTHENTICATED, "could not sign the challenge: " + ex.getMessage()));
      return;
    }
    if (options.getSpokeName() != null) {
      hello.put("spoke", options.getSpokeName());
      if (!options.getLabels().isEmpty()) {
        hello.put("labels", new JsonObject(new java.util.TreeMap<String, Object>(options.getLabels())));
      }
      if (options.getPool() != null) {
        hello.put("pool", options.getPool());
      }
    }
    if (options.getOperations() != null) {
      hello.put("operations", options.getOperations());
    }
    hello.put("client", options.getClient());
    helloSent = true;
    transport.send(EventEnvelope.of(EventTypes.AUTH_HELLO, hello));
  }

  private void onWelcome(JsonObject welcome) {
    if (!helloSent) {
      fail(CallException.of(ErrorCode.PROTOCOL, "auth.welcome before auth.hello"));
      return;
    }
    transport.context().owner().cancelTimer(timer);
    CallEngineOptions engineOptions = new CallEngineOptions(options.getEngineOptions());
    long hb = welcome.getLong("heartbeatMs", engineOptions.getHeartbeatMs());
    if (hb == 0 || hb >= 100) {
      engineOptions.setHeartbeatMs(hb);
    }
    CallEngine engine = CallEngine.create(transport, options.getCallHandler(), engineOptions);
    result.tryComplete(new HubSession(engine, welcome, connector));
  }

  private void fail(CallException e) {
    transport.context().owner().cancelTimer(timer);
    if (result.tryFail(e)) {
      transport.close();
    }
  }
}
