package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/** {@code tcp://host:port}: length-prefixed frames over plain TCP. */
final class TcpDialer implements Dialer {

  private final NetClient client;

  TcpDialer(Vertx vertx, ConnectOptions options) {
    this.client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout(options.getConnectTimeoutMs())
        .setTcpNoDelay(true));
  }

  @Override
  public Future<EnvelopeTransport> dial(HubUrl url, ConnectOptions options) {
    return client.connect(url.port(), url.host())
        .recover(err -> Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
            "cannot reach the hub at " + url + ": " + err.getMessage() + "; is it running?")))
        .map(socket -> EnvelopeTransport.create(socket, "tcp", options.getMaxFrameBytes()));
  }

  Future<Void> close() {
    return client.close();
  }
}
