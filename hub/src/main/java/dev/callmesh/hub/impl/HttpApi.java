package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.mcp.McpEndpoint;
import dev.callmesh.hub.impl.metrics.MetricsEndpoint;
import dev.callmesh.hub.impl.openapi.OpenApiEndpoint;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.protocol.auth.TimestampToken;
import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.trace.TraceParent;
import dev.callmesh.protocol.transport.impl.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * The hub's HTTP side (docs/PROTOCOL.md, README): calls and SSE streams authenticated by Bearer tokens, discovery, token
 * issuing, the WebSocket endpoint, health ({@link HubHealth}), Prometheus metrics, and the dashboard's
 * static files. Every call goes through the same {@link HubRouter} as calls on connections, so the same
 * allow lists apply.
 */
final class HttpApi {

  private final HubAcceptor hub;
  private final Routing routing;
  private final HubHealth health;
  private final BooleanSupplier shuttingDown;
  private final AtomicLong ids = new AtomicLong();

  /**
   * @param hub the way in, for WebSockets, and what it holds: options, authentication, sessions, metrics
   * @param routing what HTTP calls are routed with, as those of connections
   * @param health the liveness and readiness checks
   * @param shuttingDown whether the hub is shutting down (calls are then refused)
   */
  HttpApi(HubAcceptor hub, Routing routing, HubHealth health, BooleanSupplier shuttingDown) {
    this.hub = hub;
    this.routing = routing;
    this.health = health;
    this.shuttingDown = shuttingDown;
  }

  /** @return a future of the listening server; must run on the hub's context */
  Future<HttpServer> listen() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(hub.options.getHttp().host())
        .setPort(hub.options.getHttp().port())
        .setMaxWebSocketMessageSize(hub.options.getMaxFrameBytes())
        .setMaxWebSocketFrameSize(Math.min(hub.options.getMaxFrameBytes(), 65536))
        .setTcpNoDelay(true);
    TlsServerSettings.apply(options, hub.options);
    return ListenFailure.named(hub.vertx.createHttpServer(options)
        .connectionHandler(conn -> {
          hub.metrics.httpConnectionOpened(conn);
          conn.closeHandler(v -> hub.metrics.httpConnectionGone(conn));
        })
        .requestHandler(router()).listen(), "HTTP", "--http", hub.options.getHttp());
  }

  private Router router() {
    Router router = Router.router(hub.vertx);
    router.get("/healthz").handler(health.liveness());
    router.get("/readyz").handler(health.readiness());
    if (hub.metrics.enabled()) {
      router.get("/metrics").handler(MetricsEndpoint.handler(hub.metrics.registry()));
    }
    router.get("/v1/ws").handler(this::webSocket);
    router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(hub.options.getMaxFrameBytes()));
    router.post("/v1/auth/token").handler(this::token);
    router.post("/v1/call/*").handler(ctx -> call(ctx, "/" + ctx.pathParam("*"), body(ctx), false));
    router.post("/v1/stream/*").handler(ctx -> call(ctx, "/" + ctx.pathParam("*"), body(ctx), true));
    router.post("/v1/fanout/*").handler(ctx -> {
      HttpFanout fanout = HttpFanout.of(ctx, body(ctx), hub.options.getMaxFrameBytes());
      if (fanout != null) {
        route(ctx, fanout.payload(), fanout::call);
      }
    });
    router.get("/v1/services").handler(ctx -> call(ctx, "/services/list", query(ctx, "spoke", "prefix"), false));
    router.get("/v1/services/schema").handler(ctx -> call(ctx, "/services/schema", query(ctx, "name"), false));
    router.get("/v1/spokes").handler(ctx -> call(ctx, "/hub/spokes/list", new JsonObject(), false));
    HttpGateway gateway = new HttpGateway(hub, routing, shuttingDown);
    router.get(OpenApiEndpoint.PATH).handler(OpenApiEndpoint.create(gateway));
    McpEndpoint.create(gateway).mount(router);
    HttpFallbacks.v1(router, hub.options.getMaxFrameBytes()); // every other /v1 answer is a JSON error
    router.route("/*").handler(HttpFallbacks::revalidate);
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    return router;
  }

  private void webSocket(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    String scheme = hub.options.isTls() ? "wss" : "ws";
    var connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> {
      hub.metrics.httpConnectionGone(connection); // counted as ws/wss from now on
      hub.accept(new WebSocketTransport(ws, scheme, hub.options.getMaxFrameBytes(), hub.options.getJsonLimits()),
          token);
    });
  }

  private void token(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null || !TimestampToken.looksLike(token)) {
      error(ctx, CallException.of(ErrorCode.UNAUTHENTICATED, "POST /v1/auth/token takes a signed-timestamp token as "
          + "Authorization: Bearer (make one with 'callmesh token --offline')"));
      return;
    }
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    long ttl = body.getValue("ttlSeconds") instanceof Number n ? n.longValue() : JwtIssuer.DEFAULT_TTL_SECONDS;
    Object allow = body.getValue("allow");
    identify(ctx, token).onSuccess(principal -> {
      try {
        if (allow != null && !(allow instanceof JsonArray)) {
          throw CallException.of(ErrorCode.INVALID_INPUT, "\"allow\" must be an array of operation path patterns");
        }
        List<String> scope = null;
        if (allow != null) {
          JwtIssuer.checkScope(((JsonArray) allow).getList());
          scope = ((JsonArray) allow).stream().map(String.class::cast).toList();
        }
        json(ctx, 200, hub.auth.jwt().issue(principal.key(), ttl, scope));
      } catch (CallException e) {
        error(ctx, e);
      }
    });
  }

  private void call(RoutingContext ctx, String operation, JsonObject input, boolean sse) {
    if (input == null) {
      return; // the body was answered as invalid
    }
    JsonObject payload = new JsonObject().put("operationId", operation).put("input", input);
    String timeout = ctx.request().getParam("timeoutMs");
    if (timeout != null && timeout.matches("\\d{1,9}")) {
      payload.put("timeoutMs", Long.parseLong(timeout));
    }
    route(ctx, payload, (id, onEnd) -> new HttpCall(ctx.response(), id, payload, sse, onEnd));
  }

  /**
   * Routes a call made over HTTP as the bearer of the request's token, through the same {@link HubRouter} as
   * calls on connections; answers the request itself when the hub is shutting down or the token is missing or
   * not accepted.
   *
   * @param payload the {@code call.requested} payload; the request's {@code traceparent} header is added to it
   * @param calls makes the call that answers the request, from its request id and what to run when it ends
   */
  private void route(RoutingContext ctx, JsonObject payload, BiFunction<String, Runnable, InboundCall> calls) {
    if (shuttingDown.getAsBoolean()) {
      error(ctx, CallException.of(ErrorCode.UNAVAILABLE, "the hub is shutting down; try again in a moment"));
      return;
    }
    String token = bearer(ctx);
    if (token == null) {
      error(ctx, CallException.of(ErrorCode.UNAUTHENTICATED,
          "send Authorization: Bearer TOKEN (make one with 'callmesh token' or 'callmesh token --offline')"));
      return;
    }
    identify(ctx, token).onSuccess(principal -> {
      String traceparent = ctx.request().getHeader(TraceParent.METADATA_KEY);
      if (traceparent != null) {
        TraceParent.putHeader(payload, traceparent); // W3C Trace Context over HTTP; the router checks it
      }
      HubConnection caller = hub.sessions.httpCaller(principal);
      InboundCall call = calls.apply("http-" + ids.incrementAndGet(), () -> hub.sessions.forget(caller));
      new HubRouter(routing, caller).handle(call);
    });
  }

  /** @return the identity of the token, also allowed to connect from the client's address; on failure answered */
  private Future<Principal> identify(RoutingContext ctx, String token) {
    String host = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    return hub.auth.verifyToken(token).compose(p -> p.key().mayConnectFrom(host) ? Future.succeededFuture(p)
            : Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "identity " + p.id() + " may not connect from " + host)))
        .onFailure(err -> error(ctx, err instanceof CallException ce ? ce
            : CallException.of(err instanceof AuthException ae ? ae.code() : ErrorCode.UNAUTHENTICATED, err.getMessage())));
  }

  private static String bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return h.substring(7).trim();
  }

  /** @return the body as a JSON object within the hub's JSON limits ({} when empty), or {@code null} after answering 400 */
  private JsonObject body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    Object body;
    try {
      body = RawJson.of(Buffer.buffer(text), hub.options.getJsonLimits()).decode();
    } catch (RuntimeException e) { // not JSON, or past the hub's JSON limits
      body = null;
    }
    if (!(body instanceof JsonObject input)) {
      error(ctx, CallException.of(ErrorCode.INVALID_INPUT, "the request body must be a JSON object (the input)"));
      return null;
    }
    return input;
  }

  private static JsonObject query(RoutingContext ctx, String... names) {
    JsonObject input = new JsonObject();
    for (String n : names) {
      String v = ctx.request().getParam(n);
      if (v != null) {
        input.put(n, v);
      }
    }
    return input;
  }

  private static void error(RoutingContext ctx, CallException e) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    if (e.is(ErrorCode.UNAUTHENTICATED)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"callmesh\"");
    }
    json(ctx, HttpStatus.of(e), new JsonObject().put("error", e.toPayload()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
