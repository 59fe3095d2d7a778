package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.hub.impl.metrics.MeterRegistries;
import dev.callmesh.hub.impl.metrics.OperationLabels;
import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a hub's {@link HubMetrics}: call labels from its routing table and its own operations, and
 * gauges that read its state when scraped.
 */
final class HubMeters {

  private HubMeters() {
  }

  /** @return the hub's metrics, or disabled ones when its options turn metrics off */
  static HubMetrics create(Vertx vertx, HubOptions options, RoutingTable routes, OperationRegistry localOperations,
                           Sessions sessions, Authenticator auth, HubCluster cluster) {
    if (!options.isMetrics()) {
      return HubMetrics.disabled();
    }
    boolean tls = options.isTls();
    List<String> transports = new ArrayList<>(List.of(tls ? "tls" : "tcp", tls ? "wss" : "ws"));
    if (options.getHttp() != null) {
      transports.add(HubMetrics.HTTP);
    }
    HubMetrics m = HubMetrics.create(MeterRegistries.of(vertx),
        path -> OperationLabels.resolve(path, name -> {
          RoutingTable.Route r = routes.get(name);
          return r == null ? null : r.info();
        }, op -> localOperations.spec(op) != null),
        transports,
        () -> routes.routes().stream().map(RoutingTable.Route::info).toList());
    m.gauge(HubMetrics.CALLS_PENDING, "Calls the hub has sent to spokes and awaits the end of", sessions::pendingCount);
    m.gauge(HubMetrics.CALLS_IN_FLIGHT, "Calls made to the hub that it is serving: forwarding to spokes, or answering itself",
        sessions::callsServing);
    m.gauge(HubMetrics.AUTHORIZED_KEYS, "Keys in force from authorized_keys (0 until the file is loaded)", () -> {
      AuthorizedKeys keys = auth.keys();
      return keys == null ? 0 : keys.size();
    });
    m.gauge(HubMetrics.CLUSTER_MEMBERS, "The hubs of the cluster (1 for a standalone hub)", cluster::size);
    m.counter(HubMetrics.CLUSTER_FORWARDED, "Calls that entered this hub and were passed on to another hub",
        cluster::forwarded);
    return m;
  }
}
