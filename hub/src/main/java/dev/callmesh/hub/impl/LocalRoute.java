package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Future;

/**
 * A route to a spoke connected to this hub: calls go out on its connection's engine.
 *
 * @param info the spoke's description
 * @param engine the engine of its connection
 */
record LocalRoute(SpokeInfo info, CallEngine engine) implements RoutingTable.Route {

  @Override
  public OutboundCall open(CallRequest request, boolean stream, CallObserver observer) {
    return engine.open(request, stream, observer);
  }

  @Override
  public boolean isGone() {
    return engine.transport().isClosed();
  }

  @Override
  public Future<Void> gone() {
    return engine.closeFuture();
  }

  @Override
  public int inFlight() {
    return engine.pendingCount();
  }

  @Override
  public void close(ErrorCode code, String message) {
    engine.transport().bye(code, message);
  }

  /** @return the same route with another description (a spoke that registered new operations) */
  LocalRoute withInfo(SpokeInfo updated) {
    return new LocalRoute(updated, engine);
  }
}
