package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
   * Connects once to the first of {@link ConnectOptions#getHubUrls()}.
   *
   * @return a future of the authenticated session, or failed with a {@link CallException}
   *     (UNAVAILABLE when the hub cannot be reached, the {@code auth.denied} code when refused,
   *     UNAUTHENTICATED when the client certificate of a {@code tls://} or {@code wss://} URL cannot be read)
   */
  public Future<HubSession> connect(ConnectOptions options) {
    return connect(options.getHubUrl(), options);
  }

  /**
   * Connects once to the given hub, with everything else from {@code options}.
   *
   * @param url the hub to dial (its other URLs in {@code options} are ignored)
   * @param options who to be, TLS and SSH settings, timeouts
   * @return a future of the authenticated session, or failed as {@link #connect(ConnectOptions)}
   */
  public Future<HubSession> connect(HubUrl url, ConnectOptions options) {
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

  /**
   * Connects once to the first hub of {@link ConnectOptions#getHubUrls()} that answers, trying them one
   * after the other in their order. A hub that cannot be reached (UNAVAILABLE, or TIMEOUT in the
   * handshake; see {@link #unreachable(Throwable)}) passes the turn to the next; any other failure is the
   * hub's answer (a denied key, say) and ends the attempt, since the hubs of one mesh answer alike.
   *
   * @return a future of the session with the first hub that answered; or failed with the failure of a
   *     hub that answered with a refusal; or, when no hub could be reached, with the failure of the only
   *     URL, or UNAVAILABLE naming every URL tried and why each failed
   */
  public Future<HubSession> connectFirst(ConnectOptions options) {
    List<HubUrl> urls = options.getHubUrls();
    if (urls.size() == 1) {
      return connect(urls.get(0), options);
    }
    return connectFrom(urls, 0, options, new ArrayList<>());
  }

  private Future<HubSession> connectFrom(List<HubUrl> urls, int i, ConnectOptions options, List<String> failures) {
    return connect(urls.get(i), options).recover(err -> {
      if (!unreachable(err)) {
        return Future.failedFuture(err);
      }
      failures.add(err.getMessage());
      if (i + 1 < urls.size()) {
        return connectFrom(urls, i + 1, options, failures);
      }
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
          "no hub of " + HubUrl.format(urls) + " could be reached: " + String.join("; ", failures)));
    });
  }

  /**
   * Tells a hub that could not be reached, and may be tried again or replaced by another, from a hub that
   * answered with a refusal.
   *
   * @param err the failure of {@link #connect(ConnectOptions)}
   * @return whether it is UNAVAILABLE, TIMEOUT, or not a {@link CallException} at all
   */
  public static boolean unreachable(Throwable err) {
    return !(err instanceof CallException ce) || ce.is(ErrorCode.UNAVAILABLE) || ce.is(ErrorCode.TIMEOUT);
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
