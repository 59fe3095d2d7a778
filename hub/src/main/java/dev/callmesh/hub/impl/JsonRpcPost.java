package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.jsonrpc.JsonRpc;
import dev.callmesh.hub.impl.jsonrpc.JsonRpcMessage;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * JSON-RPC 2.0 over {@code POST /v1/jsonrpc}: the body is one request or a batch, the response body its
 * answer ({@code 200}), or nothing ({@code 204}) when it held only notifications. The token comes as
 * {@code Authorization: Bearer} or {@code ?token=}; without a valid one every request is answered with the
 * error ({@code 401}, or {@code 403} for a refused source address). A subscription's result is
 * {@code {"outputs":[..]}} once it has ended. The client going away before the answer aborts the calls
 * that would be answered; notifications run on.
 */
final class JsonRpcPost extends JsonRpcEdge {

  private final RoutingContext ctx;
  private HubConnection caller;
  private CallException refused;
  private int running;
  private final List<JsonRpcCall> answered = new ArrayList<>();

  private JsonRpcPost(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown, RoutingContext ctx) {
    super(hub, routing, shuttingDown);
    this.ctx = ctx;
  }

  /** Answers one POST, its body already read (within the frame limit). */
  static void handle(HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown, RoutingContext ctx, String token) {
    new JsonRpcPost(hub, routing, shuttingDown, ctx).start(token);
  }

  private void start(String token) {
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    JsonRpcMessage message = JsonRpcMessage.parse(body, hub.options.getJsonLimits());
    if (message.whole() != null) {
      respond(run(message, false, new ArrayList<>()));
      return;
    }
    if (token == null) {
      refused = CallException.of(ErrorCode.UNAUTHENTICATED,
          "send Authorization: Bearer TOKEN (make one with 'callmesh token' or 'callmesh token --offline')");
      respond(run(message, false, new ArrayList<>()));
      return;
    }
    String host = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    identify(token, host).onComplete(ar -> {
      if (ar.failed()) {
        refused = (CallException) ar.cause();
        respond(run(message, false, new ArrayList<>()));
        return;
      }
      caller = hub.sessions.httpCaller(ar.result());
      running = 1; // this request itself, until it has handed every call over
      ctx.response().closeHandler(v -> {
        for (JsonRpcCall call : new ArrayList<>(answered)) {
          call.cancel("the HTTP client went away");
        }
      });
      respond(run(message, false, new ArrayList<>()));
      callEnded();
    });
  }

  @Override
  Future<Buffer> request(JsonRpcMessage.Request r, boolean binary, List<JsonRpcCall> started) {
    if (caller == null) {
      return refuse(r, refused);
    }
    if (r.method().equals(JsonRpc.AUTHENTICATE) || r.method().equals(JsonRpc.CANCEL)) {
      return refuse(r, CallException.of(ErrorCode.NOT_FOUND, r.method() + " is for the WebSocket; over POST send "
          + "Authorization: Bearer, and a subscription ends by itself"));
    }
    CallException e = precheck(r);
    if (e != null) {
      return refuse(r, e);
    }
    running++;
    JsonRpcCall[] self = new JsonRpcCall[1];
    JsonRpcCall call = call(caller, r, true, false, null, () -> null, () -> {
      answered.remove(self[0]);
      callEnded();
    });
    self[0] = call;
    if (!call.isDone() && !r.isNotification()) {
      answered.add(call);
    }
    return call.answer();
  }

  /** One call (or the request's own hand-over) ended: the caller is forgotten after the last. */
  private void callEnded() {
    if (--running == 0) {
      hub.sessions.forget(caller);
    }
  }

  private void respond(Future<Buffer> answer) {
    answer.onComplete(ar -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      Buffer body = ar.succeeded() ? ar.result() : JsonRpc.error(null, JsonRpc.Error.of(
          CallException.of(ErrorCode.INTERNAL, "the request failed: " + ar.cause())));
      if (body == null) {
        ctx.response().setStatusCode(204).end();
        return;
      }
      int status = refused == null ? 200 : refused.is(ErrorCode.FORBIDDEN) ? 403
          : refused.is(ErrorCode.UNAVAILABLE) ? 503 : 401;
      if (status == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"callmesh\"");
      }
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    });
  }

  /** Answers a body over the frame limit (the body handler's 413) with one JSON-RPC error. */
  static void tooLarge(RoutingContext ctx, int maxBytes) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(JsonRpc.error(null,
        JsonRpc.Error.of(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the request body is larger than the frame limit of "
            + maxBytes + " bytes; nothing in it was run"))));
  }
}
