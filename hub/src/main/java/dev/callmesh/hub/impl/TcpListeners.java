package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's TCP (or TLS) listener on each of its event loops ({@link HubOptions#getEventLoops()}). The first
 * server binds the address on the hub's context; one more server per further loop then listens on the same
 * address from a context of its own. Vert.x binds the socket once and hands each new connection to the servers
 * in turn, so a connection lives on one loop for its whole life and the connections spread over all of them.
 * Port 0 (any free port) is asked as a negative number of this hub's own: Vert.x shares a random port among the
 * servers that ask the same negative number (each server asking 0 would get a port of its own), and another hub
 * on the same Vert.x asks another number, so it never shares this one's socket.
 */
final class TcpListeners {

  private static final AtomicInteger ANY_PORT = new AtomicInteger();

  private final Vertx vertx;
  private final HubOptions options;
  private final Handler<NetSocket> onConnect;
  private NetServer first;
  private String others;

  /**
   * @param onConnect takes each new connection, on the context of the server that accepted it
   */
  TcpListeners(Vertx vertx, HubOptions options, Handler<NetSocket> onConnect) {
    this.vertx = vertx;
    this.options = options;
    this.onConnect = onConnect;
  }

  /**
   * Binds the listen address; must run on the hub's context.
   *
   * @return a future of the first server, listening, once every loop's server listens
   */
  Future<NetServer> listen() {
    NetServerOptions tcp = new NetServerOptions()
        .setHost(options.getListen().host())
        .setPort(options.getListen().port() == 0 ? -1 - (ANY_PORT.getAndIncrement() & 0xFFFF) : options.getListen().port())
        .setTcpNoDelay(true);
    TlsServerSettings.apply(tcp, options);
    first = vertx.createNetServer(tcp).connectHandler(onConnect);
    Future<NetServer> bound = ListenFailure.named(first.listen(), "TCP", "--listen", options.getListen());
    int more = options.getEventLoops() - 1;
    if (more == 0) {
      return bound;
    }
    return bound.compose(s -> {
      return vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createNetServer(tcp).connectHandler(onConnect).listen();
        }
      }, new DeploymentOptions().setInstances(more)).map(id -> {
        others = id;
        return s;
      });
    });
  }

  /** @return the port the listeners share, or -1 before they listen */
  int port() {
    return first == null ? -1 : first.actualPort();
  }

  /** Closes every loop's server, and with them the connections they accepted. */
  Future<Void> close() {
    Future<Void> rest = others == null ? Future.succeededFuture() : vertx.undeploy(others);
    return rest.transform(ar -> first == null ? Future.succeededFuture() : first.close());
  }
}
