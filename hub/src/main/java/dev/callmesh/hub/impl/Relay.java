package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.call.OutboundCall;

/**
 * A call the hub passes on along a route: the route's events go back to the call that came in, each
 * answered with the caller's own request id and outputs passed as they came (undecoded); the caller's
 * abort and credit go the other way.
 */
public final class Relay implements CallObserver {

  private final InboundCall call;
  private final boolean stream;
  private final RoutingTable.Route route;
  private final CallEngine origin;

  private Relay(InboundCall call, boolean stream, RoutingTable.Route route, CallEngine origin) {
    this.call = call;
    this.stream = stream;
    this.route = route;
    this.origin = origin;
  }

  /**
   * Opens the call on the route and ties the two calls together.
   *
   * @param call the call that came in
   * @param route where it goes
   * @param request the request to send along the route
   * @param stream whether it is a subscription
   * @param origin the engine of the connection the call came in on, or {@code null} (HTTP, another hub)
   */
  public static void open(InboundCall call, RoutingTable.Route route, CallRequest request, boolean stream,
                          CallEngine origin) {
    OutboundCall out = route.open(request, stream, new Relay(call, stream, route, origin));
    call.abortHandler(why -> out.abort(why.getMessage()));
    call.creditHandler(out::credit);
  }

  /** @return the call that came in */
  InboundCall call() {
    return call;
  }

  /** @return the engine of the connection the call came in on, or {@code null} */
  CallEngine origin() {
    return origin;
  }

  @Override
  public void onRespondedRaw(RawJson output) {
    onResponded(output == null ? RawJson.encode(null) : output);
  }

  @Override
  public void onResponded(Object output) {
    if (stream) {
      call.emit(output);
    } else {
      call.reply(output);
    }
  }

  @Override
  public void onCompleted() {
    call.complete();
  }

  @Override
  public void onError(CallException error) {
    if (error.is(ErrorCode.UNAVAILABLE) && route.isGone()) {
      error = CallException.of(ErrorCode.UNAVAILABLE, "spoke '" + route.info().name()
          + "' went away during the call; try again once it is back");
    }
    call.fail(error);
  }
}
