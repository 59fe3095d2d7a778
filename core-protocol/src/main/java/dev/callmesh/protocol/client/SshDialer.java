package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;

/**
 * {@code ssh://user@sshhost[:22]/hubhost:port}: length-prefixed frames through an SSH server's
 * {@code direct-tcpip} forwarding (sshj), as {@code ssh -L} would carry them (README.md, "Every way in").
 * <p>
 * The SSH server's host key must be listed in the known_hosts file of the options (default
 * {@code ~/.ssh/known_hosts}); an unknown or changed key is refused. The options' SSH key logs in. Each
 * dial makes its own SSH connection and {@link SshTunnel}; the blocking SSH work runs on a worker thread,
 * and the tunnel ends with the transport (and the transport with the SSH connection).
 */
final class SshDialer implements Dialer {

  private final Vertx vertx;
  private final NetClient client;
  private volatile Config config;

  /** @param vertx the Vert.x instance the transports run on */
  SshDialer(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout(ConnectOptions.DEFAULT_CONNECT_TIMEOUT_MS));
  }

  @Override
  public Future<EnvelopeTransport> dial(HubUrl url, ConnectOptions options) {
    return vertx.executeBlocking(() -> SshTunnel.open(url, options, config()), false)
        .compose(tunnel -> client.connect(tunnel.localPort(), "127.0.0.1")
            .map(socket -> {
              tunnel.bridge(socket.localAddress().port());
              return EnvelopeTransport.create(socket, "ssh", options.getMaxFrameBytes(), options.getJsonLimits());
            })
            .recover(err -> {
              vertx.executeBlocking(() -> {
                tunnel.close();
                return null;
              }, false);
              return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE,
                  "cannot connect to the local end of the SSH tunnel to " + url + ": " + err.getMessage()));
            }));
  }

  /** sshj's settings, made once (building them is not free): defaults plus OpenSSH keep-alives. */
  private Config config() {
    Config c = config;
    if (c == null) {
      DefaultConfig d = new DefaultConfig();
      d.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
      config = c = d;
    }
    return c;
  }
}
