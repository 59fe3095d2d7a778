package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/** {@code tcp://host:port} and {@code tls://host:port}: length-prefixed frames over TCP, or over TLS. */
final class TcpDialer implements Dialer {

  private final NetClient client;
  private final String scheme;

  /**
   * @param tls whether to speak TLS (checking the hub's certificate and name)
   */
  TcpDialer(Vertx vertx, ConnectOptions options, boolean tls) {
    NetClientOptions o = new NetClientOptions()
        .setConnectTimeout(options.getConnectTimeoutMs())
        .setTcpNoDelay(true);
    if (tls) {
      TlsSettings.apply(o, options);
      o.setHostnameVerificationAlgorithm("HTTPS");
    }
    this.client = vertx.createNetClient(o);
    this.scheme = tls ? "tls" : "tcp";
  }

  @Override
  public Future<EnvelopeTransport> dial(HubUrl url, ConnectOptions options) {
    return client.connect(url.port(), url.host())
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
            "cannot reach the hub at " + url + ": " + describe(err) + (scheme.equals("tls")
                ? "; check that the hub's certificate matches its name and is signed by the --ca you trust"
                : "; is it running?"))))
        .map(socket -> EnvelopeTransport.create(socket, scheme, options.getMaxFrameBytes(), options.getJsonLimits()));
  }

  static String describe(Throwable err) {
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == err ? String.valueOf(err.getMessage()) : err.getMessage() + " (" + root.getMessage() + ")";
  }

  Future<Void> close() {
    return client.close();
  }
}
