package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.labels.Labels;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /hub/fanout}: one operation called on every connected spoke that matches a name glob and labels,
 * among those the caller may call, with one output per spoke on the fan-out's stream (README, "Fan-out").
 * <ul>
 *   <li>Targets are spokes by their own names, never pools. A spoke the caller may not call
 *       ({@code /{spoke}{operation}} against its allow list and token scope) is skipped without a word, as
 *       {@code /services/list} leaves it out.</li>
 *   <li>Each spoke's call goes through the caller's own {@link HubRouter}, as if the caller had made it:
 *       allow list, per-identity call rate, {@code payload.caller}, audit line and metrics are those of a
 *       direct call. Its {@code traceparent} is a child of one span the fan-out starts under the caller's
 *       trace.</li>
 *   <li>A spoke that does not serve the operation, or that left meanwhile, gives an error entry (NOT_FOUND,
 *       UNAVAILABLE). An operation that a matched spoke serves as a subscription is refused up front with
 *       INVALID_INPUT: a fan-out takes one output per spoke.</li>
 *   <li>At most {@code concurrency} calls are open at once, and the stream respects the caller's flow control
 *       ({@link FanoutRun}). Aborting the fan-out aborts its open calls.</li>
 * </ul>
 */
final class Fanout {

  /** The operation's path. */
  static final String PATH = "/hub/fanout";

  /** Room kept in a frame for the envelope around one entry. */
  private static final int ENVELOPE_ROOM = 1024;

  private final RoutingTable routes;
  private final Sessions sessions;

  /**
   * @param targets the spokes
   * @param sessions the callers, found by the session id the router puts in {@code payload.caller}, and the
   *     routers their calls go through
   */
  Fanout(Targets targets, Sessions sessions) {
    this.routes = targets.routes();
    this.sessions = sessions;
  }

  /** Serves one fan-out: the {@link dev.callmesh.operations.SubscriptionHandler} of {@value #PATH}. */
  void handle(OperationContext ctx, JsonObject in, OutputSink sink) {
    HubConnection conn = ctx.caller() == null ? null : sessions.get(ctx.caller().getString("session"));
    if (conn == null) {
      sink.fail(CallException.of(ErrorCode.UNAVAILABLE, "the calling connection has closed"));
      return;
    }
    FanoutRequest req;
    List<String> spokes;
    try {
      req = FanoutRequest.parse(in);
      spokes = select(conn, req);
    } catch (CallException e) {
      sink.fail(e);
      return;
    }
    CallHandler router = sessions.router(conn);
    JsonObject base = new JsonObject().put("input", req.input());
    if (req.timeoutMs() != null) {
      base.put("timeoutMs", req.timeoutMs());
    }
    Object callerTrace = ctx.metadata().getValue(TraceParent.METADATA_KEY);
    TraceParent.putHeader(base, TraceParent.forwarded(callerTrace instanceof String s ? s : null));
    CallRequest request = CallRequest.of(base); // the input is encoded once, for every spoke
    long maxEntry = conn.engine == null ? Long.MAX_VALUE : conn.engine.transport().maxFrameBytes() - ENVELOPE_ROOM;
    String id = ctx.requestId();
    FanoutRun run = new FanoutRun(spokes, req.concurrency(), (spoke, done) -> {
      FanoutLeg leg = new FanoutLeg(id + ">" + spoke, spoke, req.operation(), request, req.input(), maxEntry, done);
      router.handle(leg);
      return leg::abort;
    }, sink, Vertx.currentContext());
    ctx.onAbort(run::abort);
    run.start();
  }

  /**
   * @return the names of the spokes to call, sorted
   * @throws CallException INVALID_INPUT when one of them serves the operation as a subscription
   */
  List<String> select(HubConnection conn, FanoutRequest req) {
    List<String> names = new ArrayList<>();
    for (RoutingTable.Route r : routes.routes()) {
      SpokeInfo info = r.info();
      String name = info.name();
      if (req.spokes().matches(name) && Labels.matches(info.labels(), req.labels())
          && conn.mayCall("/" + name + req.operation())) {
        OperationSpec spec = info.operation(req.operation());
        if (spec != null && spec.opType() == OperationType.SUBSCRIPTION) {
          throw CallException.of(ErrorCode.INVALID_INPUT, "operation " + req.operation() + " is a subscription (on spoke '"
              + name + "'); a fan-out takes one output per spoke: use a query or mutation (such as /bash/run for"
              + " /bash/exec), or stream each spoke's call on its own");
        }
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }
}
