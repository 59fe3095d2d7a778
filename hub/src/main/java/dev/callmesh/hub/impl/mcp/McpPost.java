package dev.callmesh.hub.impl.mcp;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.hub.impl.gateway.CollectedCall;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code POST /mcp} of the Streamable HTTP transport. The body is one JSON-RPC message, or a batch of them
 * (MCP 2025-03-26); {@code initialize} opens a session (its id in the {@code Mcp-Session-Id} response header),
 * every other message must name a session of the same identity (400 without one, 404 for one that does not
 * exist or has ended). Notifications and responses are answered 202 with no body; requests with
 * {@code application/json}, except a {@code tools/call} that has {@code _meta.progressToken} from a client that
 * accepts {@code text/event-stream}: its answer is a stream of {@code notifications/progress}, one per output
 * of a subscription (the output as JSON in {@code message}), then the response. A client that goes away, or
 * sends {@code notifications/cancelled}, aborts its call. Runs on the hub's context.
 */
final class McpPost {

  private static final String SESSION = "Mcp-Session-Id";
  private static final String VERSION = "MCP-Protocol-Version";
  private static final String JSON = "application/json";

  private final HttpGateway gateway;
  private final McpSessions sessions;
  private final McpMethods methods;
  private final Set<SseStream> progressStreams = new HashSet<>();

  McpPost(HttpGateway gateway, McpSessions sessions, McpMethods methods) {
    this.gateway = gateway;
    this.sessions = sessions;
    this.methods = methods;
  }

  /** Answers a POST of the caller. */
  void handle(RoutingContext ctx, HttpGateway.Caller caller) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !accept.contains(JSON) && !accept.contains("text/event-stream") && !accept.contains("*/*")) {
      ctx.response().setStatusCode(406).end();
      return;
    }
    Object body;
    try {
      body = ctx.body() == null || ctx.body().length() == 0 ? null
          : RawJson.of(ctx.body().buffer(), gateway.jsonLimits()).decode();
    } catch (RuntimeException e) { // not JSON, or past the hub's JSON limits
      body = null;
    }
    if (body instanceof JsonObject message) {
      single(ctx, caller, message);
    } else if (body instanceof JsonArray batch && !batch.isEmpty()) {
      batch(ctx, caller, batch);
    } else {
      jsonRpcError(ctx, 400, null, body == null ? McpSchema.ErrorCodes.PARSE_ERROR : McpSchema.ErrorCodes.INVALID_REQUEST,
          "the body must be one JSON-RPC message (a JSON object)");
    }
  }

  /** Writes a comment on every progress stream, so proxies keep them open. */
  void ping() {
    progressStreams.forEach(SseStream::ping);
  }

  /**
   * @return the session the request names, marked as used; {@code null} after answering 400 (none named, or an
   *     {@code MCP-Protocol-Version} not served) or 404 (no such session of the caller's)
   */
  McpSession session(RoutingContext ctx, HttpGateway.Caller caller) {
    String id = ctx.request().getHeader(SESSION);
    if (id == null) {
      jsonRpcError(ctx, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          "the Mcp-Session-Id header is missing: send initialize first, then the session id it answered with");
      return null;
    }
    String version = ctx.request().getHeader(VERSION);
    if (version != null && !McpMethods.VERSIONS.contains(version)) {
      jsonRpcError(ctx, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "MCP-Protocol-Version " + version
          + " is not served here; this server speaks " + McpMethods.VERSIONS);
      return null;
    }
    McpSession session = sessions.get(id, caller.id(), System.currentTimeMillis());
    if (session == null) {
      jsonRpcError(ctx, 404, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          "no such MCP session (it ended or expired): send initialize again");
    }
    return session;
  }

  private void single(RoutingContext ctx, HttpGateway.Caller caller, JsonObject raw) {
    McpSchema.JSONRPCMessage message = parse(raw);
    if (message == null) {
      jsonRpcError(ctx, 400, raw.getValue("id"), McpSchema.ErrorCodes.INVALID_REQUEST, "not a JSON-RPC 2.0 message");
      return;
    }
    if (message instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method())) {
      initialize(ctx, caller, r, params(raw));
      return;
    }
    McpSession session = session(ctx, caller);
    if (session == null) {
      return;
    }
    if (!(message instanceof McpSchema.JSONRPCRequest request)) {
      notification(session, message, raw);
      ctx.response().setStatusCode(202).end();
      return;
    }
    JsonObject params = params(raw);
    Object token = params == null || !(params.getValue("_meta") instanceof JsonObject meta) ? null
        : meta.getValue("progressToken");
    String accept = ctx.request().getHeader("Accept");
    String key = String.valueOf(request.id());
    if (McpSchema.METHOD_TOOLS_CALL.equals(request.method()) && token != null && accept != null
        && accept.contains("text/event-stream")) {
      SseStream stream = new SseStream(ctx.response(), () -> abort(session, key, "the MCP client went away"));
      progressStreams.add(stream);
      int[] n = {0};
      Function<Object, Future<?>> progress = output -> stream.send(McpJson.INSTANCE.write(new McpSchema.JSONRPCNotification(
          McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_PROGRESS,
          new McpSchema.ProgressNotification(token, (double) ++n[0], null, Json.encode(output), null))));
      answer(caller, session, request, params, progress).onComplete(ar -> {
        progressStreams.remove(stream);
        stream.end(ar.result());
      });
      return;
    }
    ctx.response().closeHandler(v -> {
      if (!ctx.response().ended()) {
        abort(session, key, "the MCP client went away");
      }
    });
    answer(caller, session, request, params, null).onComplete(ar -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().putHeader("Content-Type", JSON).end(ar.result());
      }
    });
  }

  private void batch(RoutingContext ctx, HttpGateway.Caller caller, JsonArray batch) {
    McpSession session = session(ctx, caller);
    if (session == null) {
      return;
    }
    List<Future<String>> answers = new ArrayList<>();
    for (Object item : batch) {
      McpSchema.JSONRPCMessage message = item instanceof JsonObject o ? parse(o) : null;
      if (message == null) {
        Object id = item instanceof JsonObject o ? o.getValue("id") : null;
        answers.add(Future.succeededFuture(errorJson(id, McpSchema.ErrorCodes.INVALID_REQUEST, "not a JSON-RPC 2.0 message", null)));
      } else if (message instanceof McpSchema.JSONRPCRequest request) {
        answers.add(answer(caller, session, request, params((JsonObject) item), null));
      } else {
        notification(session, message, (JsonObject) item);
      }
    }
    Future.join(answers).onComplete(ar -> {
      List<String> out = new ArrayList<>();
      answers.forEach(f -> out.add(f.result()));
      if (out.isEmpty()) {
        ctx.response().setStatusCode(202).end();
      } else {
        ctx.response().putHeader("Content-Type", JSON).end("[" + String.join(",", out) + "]");
      }
    });
  }

  private void initialize(RoutingContext ctx, HttpGateway.Caller caller, McpSchema.JSONRPCRequest request,
                          JsonObject params) {
    McpSchema.InitializeRequest init;
    try {
      init = McpJson.INSTANCE.convertValue(params == null ? Map.of() : params.getMap(), McpSchema.InitializeRequest.class);
    } catch (IllegalArgumentException e) {
      init = null;
    }
    if (init == null || init.protocolVersion() == null) {
      jsonRpcError(ctx, 200, request.id(), McpSchema.ErrorCodes.INVALID_PARAMS,
          "initialize takes {\"protocolVersion\", \"capabilities\", \"clientInfo\"}");
      return;
    }
    String version = McpMethods.negotiate(init.protocolVersion());
    McpSession session = sessions.open(caller.id(), version, System.currentTimeMillis());
    if (session == null) {
      respond(ctx, callError(request.id(), CallException.of(ErrorCode.RESOURCE_EXHAUSTED,
          "the hub holds as many MCP sessions as it may; end one (DELETE /mcp) or try again later")));
      return;
    }
    session.rights = gateway.rightsStamp(caller.id());
    ctx.response().putHeader(SESSION, session.id);
    respond(ctx, McpJson.INSTANCE.write(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(),
        methods.initialize(version), null)));
  }

  /** @return a future of the JSON text of the response to the request; it does not fail */
  private Future<String> answer(HttpGateway.Caller caller, McpSession session, McpSchema.JSONRPCRequest request,
                                JsonObject params, Function<Object, Future<?>> progress) {
    Future<?> result = switch (request.method()) {
      case McpSchema.METHOD_PING -> Future.succeededFuture(Map.of());
      case McpSchema.METHOD_TOOLS_LIST -> methods.listTools(caller, session);
      case McpSchema.METHOD_TOOLS_CALL -> methods.callTool(caller, session, String.valueOf(request.id()), params, progress);
      case McpSchema.METHOD_INITIALIZE -> Future.failedFuture(new McpMethods.Failure(McpSchema.ErrorCodes.INVALID_REQUEST,
          "this session is initialized already; send initialize without Mcp-Session-Id for a new one"));
      default -> Future.failedFuture(new McpMethods.Failure(McpSchema.ErrorCodes.METHOD_NOT_FOUND,
          "Method not found: " + request.method() + " (this server offers tools only)"));
    };
    return result.map(r -> McpJson.INSTANCE.write(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), r, null)))
        .recover(err -> Future.succeededFuture(err instanceof McpMethods.Failure f ? errorJson(request.id(), f.code, f.getMessage(), null)
            : callError(request.id(), err instanceof CallException ce ? ce : CallException.of(ErrorCode.INTERNAL, String.valueOf(err)))));
  }

  private void notification(McpSession session, McpSchema.JSONRPCMessage message, JsonObject raw) {
    if (message instanceof McpSchema.JSONRPCNotification n && "notifications/cancelled".equals(n.method())
        && raw.getValue("params") instanceof JsonObject params && params.getValue("requestId") != null) {
      Object reason = params.getValue("reason");
      abort(session, String.valueOf(params.getValue("requestId")),
          "cancelled by the MCP client" + (reason instanceof String s ? ": " + s : ""));
    }
  }

  private static void abort(McpSession session, String key, String why) {
    CollectedCall call = session.running.get(key);
    if (call != null) {
      call.abort(CallException.of(ErrorCode.ABORTED, why));
    }
  }

  /** @return the message's params when they are an object (MCP's always are), else {@code null} */
  private static JsonObject params(JsonObject raw) {
    return raw.getValue("params") instanceof JsonObject p ? p : null;
  }

  private static McpSchema.JSONRPCMessage parse(JsonObject raw) {
    try {
      return McpJson.INSTANCE.message(raw.encode());
    } catch (Exception e) { // IOException, IllegalArgumentException: not a JSON-RPC message
      return null;
    }
  }

  private static void respond(RoutingContext ctx, String json) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", JSON).end(json);
  }

  /** @return a JSON-RPC error for a call's error: -32000, its code and retryability in {@code data} */
  private static String callError(Object id, CallException e) {
    return errorJson(id, -32000, e.getMessage(), new JsonObject().put("code", e.code()).put("retryable", e.retryable()));
  }

  private static String errorJson(Object id, int code, String message, JsonObject data) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (data != null) {
      error.put("data", data);
    }
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error).encode();
  }

  /** Answers with a JSON-RPC error as the body, with the HTTP status given. */
  static void jsonRpcError(RoutingContext ctx, int status, Object id, int code, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(errorJson(id, code, message, null));
  }
}
