package dev.callmesh.hub;

import dev.callmesh.hub.impl.LocalRoutingTable;
import dev.callmesh.protocol.call.CallEngine;
import io.vertx.core.Handler;
import java.util.Collection;

/**
 * Which spoke name leads to which connection. The local table keeps it in memory; a clustered one
 * may keep it across hubs behind the same interface.
 */
public interface RoutingTable {

  /** @return an in-memory table for one hub */
  static RoutingTable local() {
    return new LocalRoutingTable();
  }

  /** A spoke's entry: what it is and the engine that reaches it. */
  interface Route {
    /** @return the spoke's description */
    SpokeInfo info();

    /** @return the engine of the spoke's connection */
    CallEngine engine();
  }

  /**
   * Adds a route, replacing any route of the same name.
   *
   * @return the route it replaced, or {@code null}
   */
  Route put(Route route);

  /**
   * Removes the route only if it is still the one registered under its name.
   *
   * @return whether it was removed
   */
  boolean remove(Route route);

  /**
   * Replaces a route's description (its operations), if it is still registered.
   *
   * @return whether it was replaced
   */
  boolean update(Route old, Route updated);

  /** @return the route of the spoke, or {@code null} when none of that name is connected */
  Route get(String name);

  /** @return every route */
  Collection<Route> routes();

  /**
   * @param listener told {@code true} when a spoke joins and {@code false} when it leaves
   * @return this
   */
  RoutingTable listener(java.util.function.BiConsumer<Boolean, SpokeInfo> listener);

  /**
   * @param listener a listener added before
   * @return this
   */
  RoutingTable removeListener(java.util.function.BiConsumer<Boolean, SpokeInfo> listener);
}
