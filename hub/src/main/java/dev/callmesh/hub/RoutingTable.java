package dev.callmesh.hub;

import dev.callmesh.hub.impl.LocalRoutingTable;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Collection;

/**
 * Which spoke name leads to which {@link Route}. The local table keeps it in memory; a clustered one
 * may keep it across hubs behind the same interface. Every method may be called from any thread (the
 * table is shared by every connection of the hub); listeners run on the thread that changed the table.
 */
public interface RoutingTable {

  /** @return an in-memory table for one hub */
  static RoutingTable local() {
    return new LocalRoutingTable();
  }

  /**
   * A spoke's entry: what it is, and the way to open calls to it. A route may lead to a connection of
   * this hub or elsewhere (another hub, a pool member); to the router they are the same.
   */
  interface Route {
    /** @return the spoke's description */
    SpokeInfo info();

    /**
     * Opens a call to the spoke. May be called from any thread.
     *
     * @param request the request, with the spoke-relative {@code operationId}
     * @param stream whether the call stays open after its first response (a subscription)
     * @param observer receives the outcome, on the context of the route's connection
     * @return a handle to abort or credit the call
     */
    OutboundCall open(CallRequest request, boolean stream, CallObserver observer);

    /** @return whether the route has gone (its connection closed); its calls fail UNAVAILABLE */
    boolean isGone();

    /** @return a future completed once the route has gone */
    Future<Void> gone();

    /** @return how many calls through this route are in flight now (a reading for display) */
    int inFlight();

    /**
     * Tells the spoke to leave: {@code bye} with the code and message, then its connection closes.
     *
     * @param code why
     * @param message what to tell it
     */
    void close(ErrorCode code, String message);
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
