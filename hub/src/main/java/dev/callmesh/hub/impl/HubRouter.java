package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.jobs.JobOperations;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.trace.TraceParent;

/**
 * Serves the calls one connection makes to the hub: checks them against the caller's allow list,
 * answers {@code /services/*} and {@code /hub/*} itself, and forwards the rest to the spoke named by
 * the first path segment, with the prefix stripped, {@code payload.caller} set, and
 * {@code payload.metadata.traceparent} set to {@link AuditedCall#traceparent()} (a child of the caller's).
 */
final class HubRouter implements CallHandler {

  /** A hub operation that needs no allow entry, because only spokes may use it. */
  static final String REGISTER = "/hub/services/register";
  /** A hub operation that needs no allow entry: a token grants no more than its identity has. */
  static final String TOKEN = "/hub/auth/token";

  private final Routing routing;
  private final HubConnection conn;

  HubRouter(Routing routing, HubConnection conn) {
    this.routing = routing;
    this.conn = conn;
  }

  /**
   * @return whether the path is segments of URL-safe characters ({@code A-Za-z0-9._~-}), each behind a
   *     slash, none of them empty, "." or ".." (checked per call: a loop, not a regular expression)
   */
  static boolean isOperationPath(String op) {
    int n = op.length();
    if (n == 0 || op.charAt(0) != '/') {
      return false;
    }
    int segmentStart = 1;
    for (int i = 1; i <= n; i++) {
      char c = i < n ? op.charAt(i) : '/';
      if (c == '/') {
        int len = i - segmentStart;
        if (len == 0 || (op.charAt(segmentStart) == '.' && (len == 1 || (len == 2 && op.charAt(segmentStart + 1) == '.')))) {
          return false;
        }
        segmentStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '~' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return whether the connection may call the operation: its allow list says so, or it is
   *     {@code /hub/auth/token}, or {@code /hub/fanout} (each spoke's call is checked on its own), or a job
   *     operation (each job is its owner's alone, and starting one needs the right to call its operation), or
   *     {@code /hub/services/register} from a spoke
   */
  static boolean permits(HubConnection conn, String op) {
    return conn.mayCall(op) || op.equals(TOKEN) || op.equals(Fanout.PATH) || op.startsWith(JobOperations.PREFIX)
        || (op.equals(REGISTER) && conn.spokeName != null);
  }

  @Override
  public void handle(InboundCall raw) {
    String transport = conn.engine != null ? conn.engine.transport().transportName()
        : raw instanceof JsonRpcCall ? "jsonrpc" : "http";
    AuditedCall call = new AuditedCall(raw, conn.key().id(), transport, routing.metrics());
    if (!routing.callRate().tryCall(conn.key().id())) {
      call.fail(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "identity " + conn.key().id() + " is over its limit of "
          + routing.callRate().perSecond() + " calls per second; slow down and try again"));
      return;
    }
    String op = call.operationId();
    if (op.length() > 1024 || !isOperationPath(op)) {
      call.fail(CallException.of(ErrorCode.NOT_FOUND, "'" + (op.length() > 64 ? op.substring(0, 64) + "..." : op)
          + "' is not an operation path; paths look like /dev1/fs/readFile"));
      return;
    }
    boolean local = op.startsWith("/services/") || op.startsWith("/hub/");
    if (!permits(conn, op)) {
      call.fail(CallException.of(ErrorCode.FORBIDDEN, "identity " + conn.key().id() + " may not call " + op
          + "; " + conn.principal.rights()));
      return;
    }
    if (local) {
      call.payload().put("caller", conn.caller().put("session", conn.session));
      routing.localOperations().handle(call);
      return;
    }
    forward(call, op);
  }

  private void forward(AuditedCall call, String op) {
    Targets.Target target;
    try {
      target = routing.targets().resolve(op);
    } catch (CallException e) {
      call.fail(e);
      return;
    }
    RoutingTable.Route route = target.route();
    OperationSpec spec = target.spec();
    // The input and any other member pass through as bytes; only the path, the caller and the
    // traceparent in the metadata change.
    CallRequest request = TraceParent.putHeader(call.request(), call.traceparent())
        .with("operationId", spec.name()).with("caller", conn.callerJson());
    String parent = call.request().parentRequestId();
    if (parent != null) {
      request = request.with("parentRequestId", parentOn(route, parent));
    }
    boolean stream = spec.opType() == OperationType.SUBSCRIPTION;
    Relay.open(call, route, request, stream, conn.engine);
  }

  /**
   * The caller's {@code parentRequestId} names a call it serves, which the hub made on the caller's
   * connection; on the spoke's connection that id means nothing, or some unrelated call. It becomes the id
   * the parent's own origin call has on the spoke's connection, when the parent was forwarded from there
   * (the spoke called the caller, which calls back); otherwise it is dropped.
   *
   * @return the parent's id on the route's connection, or {@code null}
   */
  private String parentOn(RoutingTable.Route route, String parent) {
    if (conn.engine != null && conn.engine.pendingObserver(parent) instanceof Relay relay
        && route instanceof LocalRoute local && relay.origin() == local.engine()) {
      return relay.call().id();
    }
    return null;
  }
}
