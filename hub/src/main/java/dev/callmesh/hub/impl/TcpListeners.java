package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's TCP (or TLS) listeners, one per event loop in use ({@link HubOptions#getEventLoops()}); a
 * connection lives on the loop of the server that accepted it for its whole life.
 *
 * <p>A loop fills before the next one opens ({@link HubOptions#getLoopFill()}). The first server binds the
 * address on the hub's context. The server of the k-th further loop starts listening on the same address once
 * the hub holds k × fill connections; Vert.x then hands each new connection to the listening servers in turn.
 * A call between two connections on one loop is handled in one turn of that loop; between two loops it is
 * handed over twice, and at a low rate each hand-over wakes the other loop's sleeping thread (docs/PERFORMANCE.md,
 * "Loops fill one at a time"). So a hub with few connections keeps them on one loop, and a hub with many spreads
 * them over every loop. A loop once opened stays open: closing its server would close its connections.
 *
 * <p>Port 0 (any free port) is asked as a negative number of this hub's own: Vert.x shares a random port among
 * the servers that ask the same negative number (each server asking 0 would get a port of its own), and another
 * hub on the same Vert.x asks another number, so it never shares this one's socket.
 */
final class TcpListeners {

  private static final Logger log = LoggerFactory.getLogger(TcpListeners.class);
  private static final AtomicInteger ANY_PORT = new AtomicInteger();

  private final Vertx vertx;
  private final HubOptions options;
  private final Function<NetSocket, Future<Void>> onConnect;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger serving = new AtomicInteger();
  private NetServerOptions tcp;
  private Context hubContext;
  private NetServer first;
  /** The contexts of the loops other than the hub's, in the order they open; set once on the hub's context. */
  private volatile List<Context> spare = List.of();
  private String spareDeployment;
  /** Loops with a listening server (or one starting); written on the hub's context. */
  private volatile int listening;

  /**
   * @param onConnect takes each new connection, on the context of the server that accepted it, and returns a
   *     future completed when the connection has closed
   */
  TcpListeners(Vertx vertx, HubOptions options, Function<NetSocket, Future<Void>> onConnect) {
    this.vertx = vertx;
    this.options = options;
    this.onConnect = onConnect;
  }

  /**
   * Binds the listen address; must run on the hub's context.
   *
   * @return a future of the first server, listening (the other loops open as connections come)
   */
  Future<NetServer> listen() {
    hubContext = vertx.getOrCreateContext();
    tcp = new NetServerOptions()
        .setHost(options.getListen().host())
        .setPort(options.getListen().port() == 0 ? -1 - (ANY_PORT.getAndIncrement() & 0xFFFF) : options.getListen().port())
        .setTcpNoDelay(true);
    TlsServerSettings.apply(tcp, options);
    first = vertx.createNetServer(tcp).connectHandler(this::accepted);
    listening = 1;
    Future<NetServer> bound = ListenFailure.named(first.listen(), "TCP", "--listen", options.getListen())
        .onSuccess(s -> serving.incrementAndGet());
    if (options.getEventLoops() == 1) {
      return bound;
    }
    return bound.compose(s -> spareLoops()).compose(contexts -> {
      spare = contexts;
      return openLoops();
    }).map(v -> first);
  }

  /**
   * @return contexts on up to {@code eventLoops - 1} loops other than the hub's own: those of one deployment's
   *     instances, each on the next loop (on the hub's Vert.x, which has exactly that many loops, one per loop)
   */
  private Future<List<Context>> spareLoops() {
    Thread mine = Thread.currentThread();
    List<Context> contexts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        synchronized (contexts) {
          contexts.add(context);
          threads.add(Thread.currentThread());
        }
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(options.getEventLoops())).map(id -> { // each instance on the next loop
      spareDeployment = id;
      Set<Thread> seen = new HashSet<>(Set.of(mine));
      List<Context> distinct = new ArrayList<>();
      synchronized (contexts) {
        for (int i = 0; i < contexts.size() && distinct.size() < options.getEventLoops() - 1; i++) {
          if (seen.add(threads.get(i))) {
            distinct.add(contexts.get(i));
          }
        }
      }
      return distinct;
    });
  }

  private void accepted(NetSocket socket) {
    int n = open.incrementAndGet();
    onConnect.apply(socket).onComplete(ar -> open.decrementAndGet());
    int loops = listening;
    if (loops < 1 + spare.size() && n >= loops * options.getLoopFill()) {
      hubContext.runOnContext(v -> openLoops());
    }
  }

  /**
   * Opens the loops the connections now held call for; on the hub's context.
   *
   * @return a future completed once their servers listen (or failed to: the other loops take their connections)
   */
  private Future<Void> openLoops() {
    List<Future<?>> started = new ArrayList<>();
    while (listening < 1 + spare.size() && open.get() >= listening * options.getLoopFill()) {
      Context loop = spare.get(listening - 1);
      listening++;
      Promise<Void> up = Promise.promise();
      loop.runOnContext(v -> vertx.createNetServer(tcp).connectHandler(this::accepted).listen().onComplete(ar -> {
        if (ar.succeeded()) {
          serving.incrementAndGet();
        } else {
          log.warn("the TCP server of another event loop did not start; its connections go to the others: {}",
              ar.cause().getMessage());
        }
        up.complete();
      }));
      started.add(up.future());
    }
    return Future.all(started).mapEmpty();
  }

  /** @return the port the listeners share, or -1 before they listen */
  int port() {
    return first == null ? -1 : first.actualPort();
  }

  /** @return how many TCP connections the hub holds */
  int connectionsOpen() {
    return open.get();
  }

  /** @return how many loops have a server listening, taking new connections in turn */
  int loopsServing() {
    return serving.get();
  }

  /** Closes every loop's server, and with them the connections they accepted. */
  Future<Void> close() {
    Future<Void> rest = spareDeployment == null ? Future.succeededFuture() : vertx.undeploy(spareDeployment);
    return rest.transform(ar -> first == null ? Future.succeededFuture() : first.close());
  }
}
