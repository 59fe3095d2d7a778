package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A standalone hub: a cluster of one, routing over an in-memory table. */
final class SingleHub implements HubCluster {

  private final String hubId;
  private final java.util.function.Supplier<String> address;
  private final long since = System.currentTimeMillis();
  private final RoutingTable routes = RoutingTable.local();

  SingleHub(String hubId, java.util.function.Supplier<String> address) {
    this.hubId = hubId;
    this.address = address;
  }

  @Override
  public RoutingTable routes() {
    return routes;
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public String memberAddress() {
    return null;
  }

  @Override
  public boolean joined() {
    return true;
  }

  @Override
  public Future<JsonArray> members() {
    return Future.succeededFuture(new JsonArray().add(new JsonObject().put("hub", hubId).put("address", address.get())
        .put("spokes", routes.routes().size()).put("since", since).put("self", true)));
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public long forwarded() {
    return 0;
  }

  @Override
  public int callsFromPeers() {
    return 0;
  }

  @Override
  public Future<java.util.List<String>> peers() {
    return Future.succeededFuture(java.util.List.of());
  }

  @Override
  public dev.callmesh.protocol.call.OutboundCall openOnPeer(String hub, dev.callmesh.protocol.call.CallRequest request,
      boolean stream, dev.callmesh.protocol.call.CallObserver observer) {
    throw new IllegalStateException("a standalone hub has no other hubs");
  }

  @Override
  public void servePeers(dev.callmesh.protocol.call.CallHandler handler) {
    // no other hubs call a standalone hub
  }

  @Override
  public Future<Void> leave() {
    return Future.succeededFuture();
  }
}
