package dev.callmesh.hub.impl.cluster;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.Relay;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.InboundCall;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves the calls another hub passes on: each names a spoke of this hub by its full path
 * ({@code /dev1/fs/readFile}), already checked, traced and stamped with its caller by the hub it entered;
 * this hub takes off the prefix and relays it to its own spoke, the one hop a call makes between hubs.
 * A call of a hub operation ({@code /hub/jobs/get}, asked for a job this hub holds) goes to the handler of
 * the hub operations other hubs may call.
 */
final class PeerRouter implements CallHandler {

  private final String hubId;
  private final Function<String, RoutingTable.Route> localRoutes;
  private final Supplier<CallHandler> hubOperations;

  /**
   * @param hubId this hub's id, for messages
   * @param localRoutes this hub's own spokes by name
   * @param hubOperations the hub operations other hubs may call, or a supplier of {@code null} while there are none
   */
  PeerRouter(String hubId, Function<String, RoutingTable.Route> localRoutes, Supplier<CallHandler> hubOperations) {
    this.hubId = hubId;
    this.localRoutes = localRoutes;
    this.hubOperations = hubOperations;
  }

  @Override
  public void handle(InboundCall call) {
    String op = call.operationId();
    if (op.startsWith("/hub/")) {
      CallHandler ops = hubOperations.get();
      if (ops == null) {
        call.fail(CallException.of(ErrorCode.UNAVAILABLE, "hub " + hubId + " is still starting"));
      } else {
        ops.handle(call);
      }
      return;
    }
    int slash = op.indexOf('/', 1);
    RoutingTable.Route route = slash < 0 ? null : localRoutes.apply(op.substring(1, slash));
    if (route == null) {
      call.fail(CallException.of(ErrorCode.UNAVAILABLE, "the spoke of " + op + " is no longer connected to hub "
          + hubId + "; try again in a moment"));
      return;
    }
    String relative = op.substring(slash);
    OperationSpec spec = route.info().operation(relative);
    if (spec == null) {
      call.fail(CallException.of(ErrorCode.NOT_FOUND, "spoke '" + route.info().name() + "' has no operation "
          + relative + "; /services/list shows what it serves"));
      return;
    }
    Relay.open(call, route, call.request().with("operationId", relative),
        spec.opType() == OperationType.SUBSCRIPTION, null);
  }
}
