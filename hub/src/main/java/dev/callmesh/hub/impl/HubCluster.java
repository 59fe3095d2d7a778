package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/**
 * The hub's place among hubs: the routing table it routes with (its own spokes, and in a cluster those
 * of every other hub), and the members. A standalone hub is a cluster of one ({@link #standalone}); with
 * {@code --cluster} it is a Hazelcast member (the {@code cluster} package, the only code that loads
 * Hazelcast's classes).
 */
public interface HubCluster {

  /**
   * @param hubId this hub's id
   * @param address how it is reached (its TCP listener as bound), for the members list
   * @return a standalone hub's view of itself alone, over an in-memory routing table
   */
  static HubCluster standalone(String hubId, java.util.function.Supplier<String> address) {
    return new SingleHub(hubId, address);
  }

  /**
   * @param vertx a clustered Vert.x (from {@link dev.callmesh.hub.HubVertx#create})
   * @param options the hub's options, with its cluster settings
   * @return a member of the cluster the options name, not joined yet
   */
  static HubCluster clustered(io.vertx.core.Vertx vertx, dev.callmesh.hub.HubOptions options) {
    // The only reference to the cluster package: a standalone hub never loads it, nor Hazelcast.
    return new dev.callmesh.hub.impl.cluster.HazelcastHubCluster(vertx, options);
  }

  /** @return the table the hub routes with; it may be used before {@link #start} */
  RoutingTable routes();

  /**
   * Joins: takes part in the shared directory and serves the calls other hubs pass on. Runs on the hub's
   * context.
   *
   * @return a future completed once the hub is part of the cluster; failed when it may not be (its hub
   *     id is already a member's)
   */
  Future<Void> start();

  /** @return this hub's member address ({@code host:port} as bound), or {@code null} when standalone */
  String memberAddress();

  /** @return whether the hub has joined; {@code /readyz} is 503 until it has */
  boolean joined();

  /** @return {@code [{"hub","address","spokes","since","self"}]} of every member, this hub included */
  Future<JsonArray> members();

  /** @return how many hubs are members now */
  int size();

  /** @return how many calls that entered this hub were passed on to another hub */
  long forwarded();

  /** @return calls other hubs have passed on to this hub that still run */
  int callsFromPeers();

  /** @return the ids of the other hubs of the cluster now (none when standalone) */
  Future<java.util.List<String>> peers();

  /**
   * Opens a call to one of the hub's own operations on another hub ({@code /hub/jobs/*}), over the link
   * calls between hubs take. The request carries the caller, stamped by this hub.
   *
   * @throws IllegalStateException when standalone
   */
  dev.callmesh.protocol.call.OutboundCall openOnPeer(String hub, dev.callmesh.protocol.call.CallRequest request,
                                                     boolean stream, dev.callmesh.protocol.call.CallObserver observer);

  /**
   * @param handler serves the {@code /hub/*} calls other hubs make on this one (their caller already
   *     authenticated and stamped by the hub it entered); before it is set, such calls fail UNAVAILABLE
   */
  void servePeers(dev.callmesh.protocol.call.CallHandler handler);

  /**
   * Leaves the cluster: the other hubs drop this hub's spokes and fail its calls.
   *
   * @return a future completed once it has left
   */
  Future<Void> leave();
}
