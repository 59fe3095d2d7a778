package dev.callmesh.hub;

import dev.callmesh.hub.impl.metrics.MeterRegistries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** The Vert.x instance a hub process runs on. */
public final class HubVertx {

  private HubVertx() {
  }

  /**
   * @param options the hub's options
   * @return a future of a Vert.x instance; when {@link HubOptions#isMetrics()}, one whose own metrics
   *     (bytes and connections of the hub's servers, worker pools, the JVM) a hub on it serves at
   *     {@code /metrics} next to its own; with {@link HubOptions#getCluster()}, a clustered one, completed
   *     once it has joined. A hub on any other Vert.x serves only its own metrics.
   */
  public static Future<Vertx> create(HubOptions options) {
    if (options.getCluster() == null) {
      return Future.succeededFuture(MeterRegistries.builder(options.isMetrics(), vertxOptions(options)).build());
    }
    // Only a clustered hub loads the cluster classes (and Hazelcast's).
    return dev.callmesh.hub.impl.cluster.ClusterVertx.build(options);
  }

  /**
   * @return Vert.x's defaults, with exactly as many event loops as the hub spreads its connections over:
   *     Vert.x's own default (two per core) would put the hub's context and the clustered event bus's
   *     sockets on loops of their own, and a call would hop between more threads (measured in
   *     docs/PERFORMANCE.md, cross_hub)
   */
  public static VertxOptions vertxOptions(HubOptions options) {
    return new VertxOptions().setEventLoopPoolSize(options.getEventLoops());
  }
}
