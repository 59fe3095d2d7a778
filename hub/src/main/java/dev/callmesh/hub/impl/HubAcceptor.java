package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * The way in: takes each new connection (TCP, TLS or WebSocket) within the connection limits and runs
 * its handshake ({@link HubHandshake}), which ends in {@link Sessions#admit} or a denial. Runs on the
 * context of the connection it is given.
 */
final class HubAcceptor {

  final Vertx vertx;
  final HubOptions options;
  final Authenticator auth;
  final Targets targets;
  final Sessions sessions;
  final HubMetrics metrics;
  final ConnectionLimits limits;
  private final BooleanSupplier shuttingDown;

  HubAcceptor(Vertx vertx, HubOptions options, Authenticator auth, Targets targets, Sessions sessions,
              HubMetrics metrics, BooleanSupplier shuttingDown) {
    this.vertx = vertx;
    this.options = options;
    this.auth = auth;
    this.targets = targets;
    this.sessions = sessions;
    this.metrics = metrics;
    this.shuttingDown = shuttingDown;
    this.limits = new ConnectionLimits(options.getMaxConnections(), options.getMaxConnectionsPerSource());
  }

  /**
   * Takes a new connection, or refuses it when the keys are not loaded, the hub is shutting down, or a
   * connection limit is reached.
   *
   * @param transport the connection
   * @param urlToken a token that came with it ({@code ?token=} of a WebSocket URL), or {@code null}
   */
  void accept(EnvelopeTransport transport, String urlToken) {
    metrics.trackConnection(transport);
    if (auth.keys() == null) {
      // UNAVAILABLE, which is retryable: spokes started with the hub keep trying until the file is there.
      refuse(transport, ErrorCode.UNAVAILABLE, "the hub has not loaded its authorized_keys file yet; try again in a moment");
      return;
    }
    String host = transport.remoteHost();
    String refused = shuttingDown.getAsBoolean() ? "the hub is shutting down" : limits.tryAcquire(host);
    if (refused != null) {
      refuse(transport, ErrorCode.RESOURCE_EXHAUSTED, refused);
      return;
    }
    transport.closed().onComplete(v -> limits.release(host));
    HubHandshake.start(this, transport, urlToken);
  }

  private void refuse(EnvelopeTransport transport, ErrorCode code, String message) {
    metrics.handshakeFailed(code.wire());
    transport.closeWith(EventEnvelope.of(EventTypes.AUTH_DENIED,
        new JsonObject().put("code", code.wire()).put("message", message).put("retryable", code.retryable())));
  }
}
