package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * Dials a hub and runs the handshake: the one way spokes and clients connect. One connector may make
 * many sessions; each session keeps its connector reachable.
 */
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
    // Connect from an event-loop context: the hub speaks first, and the socket drops bytes that arrive
    // before its handler is set, so the connect callback must run on the socket's own loop before any
    // read (it does when the connect starts there; from another thread it may run after one).
    Context ctx = vertx.getOrCreateContext();
    Promise<HubSession> session = Promise.promise();
    ctx.runOnContext(v -> dial(url, options).onComplete(session));
    return session.future();
  }

  private Future<HubSession> dial(HubUrl url, ConnectOptions options) {
    return tcp.connect(url.port(), url.host())
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
            "cannot reach the hub at " + url + ": " + err.getMessage() + "; is it running?")))
        .compose(socket -> ClientHandshake.run(
            EnvelopeTransport.create(socket, "tcp", options.getMaxFrameBytes()), options, this));
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
