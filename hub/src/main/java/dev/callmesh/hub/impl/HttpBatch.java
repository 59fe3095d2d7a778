package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.hub.impl.http.RequestIds;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * {@code POST /v1/batch}: a JSON array of {@code {"operation","input"?,"timeoutMs"?}} (1 to {@value #MAX_ITEMS}
 * members; an empty or longer array, or a body that is not an array, is one 400 and nothing runs) answered
 * {@code 200 {"results":[..]}}, one {@code {"output":..}} or {@code {"error":{..}}} per member, in request order.
 * The members run at once, each through a {@link HubRouter} as a call on {@code /v1/call} does (allow list, call
 * rate, audit line with the id {@code REQUESTID.INDEX}). A subscription is refused as its member's
 * {@code INVALID_INPUT} without running (a batch answers once; streams go to {@code /v1/stream}). The results
 * together are at most the frame limit: a member's output that would pass it becomes its
 * {@code RESOURCE_EXHAUSTED} error. The client going away aborts the members still running.
 */
final class HttpBatch {

  /** The most members a batch may have. */
  static final int MAX_ITEMS = 100;

  private final HubAcceptor hub;
  private final Routing routing;
  private final BooleanSupplier shuttingDown;
  private final Function<RoutingContext, Future<Principal>> authenticate;

  /**
   * @param hub its options and sessions
   * @param routing what the members are routed with
   * @param shuttingDown whether the hub is shutting down (the batch is then refused)
   * @param authenticate the principal of a request's bearer token; on failure it has answered the request
   */
  HttpBatch(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown,
            Function<RoutingContext, Future<Principal>> authenticate) {
    this.hub = hub;
    this.routing = routing;
    this.shuttingDown = shuttingDown;
    this.authenticate = authenticate;
  }

  /** Serves one {@code POST /v1/batch}. */
  void handle(RoutingContext ctx) {
    HttpAnswer answer = HttpAnswer.of(ctx);
    Object body;
    try {
      String text = ctx.body() == null ? "" : ctx.body().asString();
      body = text == null || text.isBlank() ? null : RawJson.of(Buffer.buffer(text), hub.options.getJsonLimits()).decode();
    } catch (RuntimeException e) {
      body = null;
    }
    if (!(body instanceof JsonArray items) || items.isEmpty() || items.size() > MAX_ITEMS) {
      answer.error(400, CallException.of(ErrorCode.INVALID_INPUT, "a batch is a JSON array of 1 to " + MAX_ITEMS
          + " {\"operation\":\"/spoke/ns/op\",\"input\":{..}}; nothing was run"));
      return;
    }
    if (shuttingDown.getAsBoolean()) {
      answer.error(503, CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment"));
      return;
    }
    authenticate.apply(ctx).onSuccess(principal -> run(ctx, answer, principal, items));
  }

  private void run(RoutingContext ctx, HttpAnswer answer, Principal principal, JsonArray items) {
    HubConnection caller = hub.sessions.httpCaller(principal);
    HubRouter router = new HubRouter(routing, caller);
    String requestId = RequestIds.of(ctx);
    String traceparent = ctx.request().getHeader(TraceParent.METADATA_KEY);
    int n = items.size();
    Buffer[] results = new Buffer[n];
    int[] left = {n};
    long[] budget = {hub.options.getMaxFrameBytes()};
    List<BatchCall> calls = new ArrayList<>(n);
    Runnable finished = () -> {
      hub.sessions.forget(caller);
      Buffer body = Buffer.buffer("{\"results\":[");
      for (int i = 0; i < n; i++) {
        body.appendBuffer(results[i]).appendString(i + 1 < n ? "," : "");
      }
      answer.end(200, body.appendString("]}"));
    };
    for (int i = 0; i < n; i++) {
      int index = i;
      JsonObject payload;
      CallException invalid = null;
      try {
        payload = payload(items.getValue(i), traceparent);
      } catch (CallException e) {
        payload = new JsonObject().put("operationId", "/").put("input", new JsonObject());
        invalid = e;
      }
      BatchCall call = new BatchCall(requestId + "." + i, payload, result -> {
        synchronized (results) {
          results[index] = result.length() <= budget[0] ? result : BatchCall.error(CallException.of(
              ErrorCode.RESOURCE_EXHAUSTED, "the batch's results would be larger than "
                  + hub.options.getMaxFrameBytes() + " bytes; make this call on its own"));
          budget[0] -= results[index].length();
          if (--left[0] > 0) {
            return;
          }
        }
        finished.run();
      });
      calls.add(call);
      if (invalid != null) {
        call.fail(invalid);
      } else if (HubRouter.permits(caller, call.operationId()) && isSubscription(call.operationId())) {
        call.fail(CallException.of(ErrorCode.INVALID_INPUT, call.operationId() + " is a subscription, which a batch "
            + "does not take; stream it with POST /v1/stream" + call.operationId()));
      } else {
        router.handle(call);
      }
    }
    ctx.response().closeHandler(v -> calls.forEach(c -> c.abort(CallException.of(ErrorCode.ABORTED,
        "the HTTP client went away"))));
  }

  /** @return the call payload of a batch member; @throws CallException INVALID_INPUT when it is not one */
  private static JsonObject payload(Object item, String traceparent) {
    if (!(item instanceof JsonObject o) || !(o.getValue("operation") instanceof String op)) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "a batch member is {\"operation\":\"/spoke/ns/op\",\"input\":{..}}");
    }
    Object input = o.getValue("input");
    if (input != null && !(input instanceof JsonObject)) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "\"input\" of " + op + " must be a JSON object");
    }
    JsonObject payload = new JsonObject().put("operationId", op).put("input", input == null ? new JsonObject() : input);
    Object timeout = o.getValue("timeoutMs");
    if (timeout != null) {
      if (!(timeout instanceof Number t) || t.longValue() < 1 || t.doubleValue() != t.longValue()) {
        throw CallException.of(ErrorCode.INVALID_INPUT, "\"timeoutMs\" of " + op + " must be a positive integer");
      }
      payload.put("timeoutMs", t.longValue());
    }
    if (traceparent != null) {
      TraceParent.putHeader(payload, traceparent);
    }
    return payload;
  }

  /** @return whether the path names a subscription, looked up without choosing a pool member */
  private boolean isSubscription(String op) {
    OperationSpec spec;
    if (op.startsWith("/hub/") || op.startsWith("/services/")) {
      spec = routing.localOperations().spec(op);
    } else {
      int slash = op.indexOf('/', 1);
      if (slash < 0) {
        return false;
      }
      String name = op.substring(1, slash);
      RoutingTable.Route route = routing.targets().routes().get(name);
      if (route == null) {
        List<RoutingTable.Route> members = routing.targets().members(name);
        route = members.isEmpty() ? null : members.get(0);
      }
      spec = route == null ? null : route.info().operation(op.substring(slash));
    }
    return spec != null && spec.opType() == OperationType.SUBSCRIPTION;
  }
}
