package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import dev.callmesh.protocol.transport.impl.WebSocketTransport;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/** {@code ws://host:port/v1/ws} and {@code wss://...}: one envelope per text message. */
final class WsDialer implements Dialer {

  private final WebSocketClient client;
  private final boolean tls;

  WsDialer(Vertx vertx, ConnectOptions options, boolean tls) {
    WebSocketClientOptions o = new WebSocketClientOptions()
        .setConnectTimeout(options.getConnectTimeoutMs())
        .setMaxMessageSize(options.getMaxFrameBytes())
        .setMaxFrameSize(Math.min(options.getMaxFrameBytes(), 65536))
        .setTcpNoDelay(true);
    if (tls) {
      TlsSettings.apply(o, options);
      o.setVerifyHost(true);
    }
    this.client = vertx.createWebSocketClient(o);
    this.tls = tls;
  }

  @Override
  public Future<EnvelopeTransport> dial(HubUrl url, ConnectOptions options) {
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(url.host()).setPort(url.port()).setURI(url.path()).setSsl(tls);
    return client.connect(connect)
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
            "cannot reach the hub at " + url + ": " + TcpDialer.describe(err)
                + (!tls ? "; is its HTTP port right?"
                    : err instanceof WebSocketHandshakeException ? TlsSettings.closedDuringHandshakeHint(options)
                    : "; check the hub's certificate and the --ca you trust"))))
        .map(ws -> new WebSocketTransport(ws, tls ? "wss" : "ws", options.getMaxFrameBytes(),
            options.getJsonLimits()));
  }

  Future<Void> close() {
    return client.close();
  }
}
