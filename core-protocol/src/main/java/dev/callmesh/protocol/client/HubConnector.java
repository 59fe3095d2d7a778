package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * Dials a hub and runs the handshake: the one way spokes and clients connect. One connector may make
 * many sessions; each session keeps its connector reachable.
 */
public final class HubConnector {

  private final Vertx vertx;
  private final TcpDialer tcp;
  private final TcpDialer tls;
  private final WsDialer ws;
  private final WsDialer wss;
  private final Map<String, Dialer> dialers = new HashMap<>();

  /**
   * @param vertx the Vert.x instance the connections run on
   * @param options where and who; its connect timeout is used for every dial
   */
  public HubConnector(Vertx vertx, ConnectOptions options) {
    this.vertx = vertx;
    this.tcp = new TcpDialer(vertx, options, false);
    this.tls = new TcpDialer(vertx, options, true);
    this.ws = new WsDialer(vertx, options, false);
    this.wss = new WsDialer(vertx, options, true);
    dialers.put("tcp", tcp);
    dialers.put("tls", tls);
    dialers.put("ws", ws);
    dialers.put("wss", wss);
    dialers.put("ssh", new SshDialer(vertx));
  }

  /**
   * Connects once.
   *
   * @return a future of the authenticated session, or failed with a {@link CallException}
   *     (UNAVAILABLE when the hub cannot be reached, the {@code auth.denied} code when refused,
   *     UNAUTHENTICATED when the client certificate of a {@code tls://} or {@code wss://} URL cannot be read)
   */
  public Future<HubSession> connect(ConnectOptions options) {
    HubUrl url = options.getHubUrl();
    Dialer dialer = dialers.get(url.scheme());
    if (dialer == null) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
          url.scheme() + ":// hub URLs are not supported by this build; use " + String.join(", ", dialers.keySet())));
    }
    // Dial from an event-loop context: the hub speaks first, and a socket drops bytes that arrive
    // before its handler is set, so the dial callback must run on the socket's own loop before any
    // read (it does when the dial starts there; from another thread it may run after one).
    Context ctx = vertx.getOrCreateContext();
    Promise<HubSession> session = Promise.promise();
    boolean tls = url.scheme().equals("tls") || url.scheme().equals("wss");
    ctx.runOnContext(v -> (tls ? TlsSettings.checkClientCert(vertx, options) : Future.<Void>succeededFuture())
        .compose(checked -> dialer.dial(url, options))
        .compose(transport -> ClientHandshake.run(transport, options, this))
        .onComplete(session));
    return session.future();
  }

  /** @return the Vert.x instance */
  public Vertx vertx() {
    return vertx;
  }

  /** Closes the underlying clients; sessions already made stay open. @return a future completed when closed */
  public Future<Void> close() {
    return Future.join(tcp.close(), tls.close(), ws.close(), wss.close()).mapEmpty();
  }
}
