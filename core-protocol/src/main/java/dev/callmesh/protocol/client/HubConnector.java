package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/** Dials a hub and runs the handshake: the one way spokes and clients connect. */
public final class HubConnector {

  private final Vertx vertx;
  private final NetClient tcp;

  /**
   * @param vertx the Vert.x instance the connections run on
   * @param options where and who; its connect timeout is used for every dial
   */
  public HubConnector(Vertx vertx, ConnectOptions options) {
    this.vertx = vertx;
    this.tcp = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout(options.getConnectTimeoutMs())
        .setTcpNoDelay(true));
  }

  /**
   * Connects once.
   *
   * @return a future of the authenticated session, or failed with a {@link CallException}
   *     (UNAVAILABLE when the hub cannot be reached, the {@code auth.denied} code when refused)
   */
  public Future<HubSession> connect(ConnectOptions options) {
    HubUrl url = options.getHubUrl();
    if (!url.scheme().equals("tcp")) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
          url.scheme() + ":// hub URLs are not supported by this build yet; use tcp://host:port"));
    }
    return tcp.connect(url.port(), url.host())
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
            "cannot reach the hub at " + url + ": " + err.getMessage() + "; is it running?")))
        .compose(socket -> ClientHandshake.run(
            EnvelopeTransport.create(socket, "tcp", options.getMaxFrameBytes()), options));
  }

  /** @return the Vert.x instance */
  public Vertx vertx() {
    return vertx;
  }

  /** Closes the underlying client; sessions already made stay open. @return a future completed when closed */
  public Future<Void> close() {
    return tcp.close();
  }
}
