package dev.callmesh.protocol.client;

import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;

/**
 * Opens the byte connection for one kind of hub URL ({@code tcp}, {@code tls}, {@code ws}, {@code ssh},
 * ...) and wraps it as an {@link EnvelopeTransport}; the handshake runs on top, the same for all.
 * Implementations must install the transport's handlers before the hub's first bytes can be read
 * (the hub speaks first), which {@link HubConnector} ensures by dialling from an event-loop context.
 */
@FunctionalInterface
public interface Dialer {

  /**
   * @param url the hub URL, of this dialer's scheme
   * @param options timeouts, limits and credentials
   * @return a future of the connected transport, failed with a
   *     {@link dev.callmesh.protocol.CallException} UNAVAILABLE when the hub cannot be reached
   */
  Future<EnvelopeTransport> dial(HubUrl url, ConnectOptions options);
}
