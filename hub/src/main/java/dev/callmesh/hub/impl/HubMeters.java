package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.hub.impl.metrics.MeterRegistries;
import dev.callmesh.hub.impl.metrics.OperationLabels;
import dev.callmesh.protocol.auth.AuthorizedKeys;
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
  static HubMetrics create(HubImpl hub) {
    if (!hub.options().isMetrics()) {
      return HubMetrics.disabled();
    }
    boolean tls = hub.options().isTls();
    List<String> transports = new ArrayList<>(List.of(tls ? "tls" : "tcp", tls ? "wss" : "ws"));
    if (hub.options().getHttp() != null) {
      transports.add(HubMetrics.HTTP);
    }
    HubMetrics m = HubMetrics.create(MeterRegistries.of(hub.vertx()),
        path -> OperationLabels.resolve(path, name -> {
          RoutingTable.Route r = hub.routes().get(name);
          return r == null ? null : r.info();
        }, op -> hub.localOperations().spec(op) != null),
        transports,
        () -> hub.routes().routes().stream().map(RoutingTable.Route::info).toList());
    m.gauge(HubMetrics.CALLS_PENDING, "Calls the hub has sent to spokes and awaits the end of", hub::pendingCount);
    m.gauge(HubMetrics.CALLS_IN_FLIGHT, "Calls made to the hub that it is serving: forwarding to spokes, or answering itself",
        hub::callsServing);
    m.gauge(HubMetrics.AUTHORIZED_KEYS, "Keys in force from authorized_keys (0 until the file is loaded)", () -> {
      AuthorizedKeys keys = hub.keys();
      return keys == null ? 0 : keys.size();
    });
    return m;
  }
}
