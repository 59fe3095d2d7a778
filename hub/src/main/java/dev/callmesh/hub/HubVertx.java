package dev.callmesh.hub;

import dev.callmesh.hub.impl.metrics.MeterRegistries;
import io.vertx.core.Vertx;

/** The Vert.x instance a hub process runs on. */
public final class HubVertx {

  private HubVertx() {
  }

  /**
   * @param options the hub's options
   * @return a Vert.x instance; when {@link HubOptions#isMetrics()}, one whose own metrics (bytes and
   *     connections of the hub's servers, worker pools, the JVM) a hub on it serves at {@code /metrics}
   *     next to its own. A hub on any other Vert.x serves only its own.
   */
  public static Vertx create(HubOptions options) {
    return MeterRegistries.vertx(options.isMetrics());
  }
}
