package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.mcp.McpEndpoint;
import dev.callmesh.hub.impl.metrics.MetricsEndpoint;
import dev.callmesh.hub.impl.openapi.OpenApiEndpoint;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.hub.impl.http.EveryResponse;
import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.hub.impl.http.HttpServerSettings;
import dev.callmesh.hub.impl.http.Idempotency;
import dev.callmesh.hub.impl.http.IdempotencyStore;
import dev.callmesh.hub.impl.http.JwtIssuer;
import dev.callmesh.hub.impl.http.Negotiation;
import dev.callmesh.hub.impl.http.RequestBodies;
import dev.callmesh.hub.impl.http.RequestIds;
import dev.callmesh.hub.impl.jobs.JobRoutes;
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
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * The hub's HTTP side (docs/PROTOCOL.md, README): calls and SSE streams authenticated by Bearer tokens, discovery, token
 * issuing, the WebSocket endpoint, health ({@link HubHealth}), Prometheus metrics, and the dashboard's
 * static files. Every call goes through the same {@link HubRouter} as calls on connections, so the same
 * allow lists apply.
 */
final class HttpApi implements JobRoutes.Gateway {

  /** The routing context key of the request's authenticated principal. */
  private static final String PRINCIPAL = "callmesh.principal";

  private final HubAcceptor hub;
  private final Routing routing;
  private final HubHealth health;
  private final BooleanSupplier shuttingDown;
  private final Idempotency idempotency;
  private final HttpBatch batch;

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
    // A clustered hub keeps idempotency keys in the cluster-wide map, so a repeat may reach any hub.
    IdempotencyStore store = hub.options.getCluster() == null ? IdempotencyStore.memory() : IdempotencyStore.shared(hub.vertx);
    this.idempotency = new Idempotency(store, ctx -> authenticated(ctx).map(Principal::id));
    this.batch = new HttpBatch(hub, routing, shuttingDown, this::authenticated);
  }

  /** @return a future of the listening server; must run on the hub's context */
  Future<HttpServer> listen() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(hub.options.getHttp().host())
        .setPort(hub.options.getHttp().port())
        .setMaxWebSocketMessageSize(hub.options.getMaxFrameBytes())
        .setMaxWebSocketFrameSize(hub.options.getMaxFrameBytes()) // a browser sends a message as one frame
        .setTcpNoDelay(true);
    TlsServerSettings.apply(options, hub.options);
    HttpServerSettings.apply(options, hub.options.isTls()); // HTTP/2 (ALPN, h2c), compression
    return ListenFailure.named(hub.vertx.createHttpServer(options)
        .connectionHandler(conn -> {
          hub.metrics.httpConnectionOpened(conn);
          conn.closeHandler(v -> hub.metrics.httpConnectionGone(conn));
        })
        .requestHandler(router()).listen(), "HTTP", "--http", hub.options.getHttp());
  }

  private Router router() {
    Router router = Router.router(hub.vertx);
    router.route().handler(EveryResponse::handle); // X-Request-Id, Retry-After
    router.route().handler(new OriginCheck(hub.options.isTls(), hub.options.getWeb()));
    router.get("/healthz").handler(health.liveness());
    router.get("/readyz").handler(health.readiness());
    if (hub.metrics.enabled()) {
      router.get("/metrics").handler(MetricsEndpoint.handler(hub.metrics.registry()));
    }
    router.get("/v1/ws").handler(this::webSocket);
    router.route("/v1/*").handler(Negotiation::handle); // 406, 415
    JsonRpcEndpoint.mount(router, hub, routing, shuttingDown); // JSON-RPC 2.0: WebSocket and POST
    router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(hub.options.getMaxFrameBytes()));
    router.post("/v1/*").handler(new RequestBodies(hub.options.getMaxFrameBytes(), hub.options.getJsonLimits())::handle);
    idempotency.route(router); // POST /v1/call, /v1/jobs, /v1/fanout with Idempotency-Key
    router.post("/v1/batch").handler(batch::handle);
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
    JobRoutes.mount(router, this);
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
    route(ctx, payload, (id, onEnd) -> new HttpCall(HttpAnswer.of(ctx), ctx.response(), id, payload, sse, onEnd));
  }

  /**
   * Routes a call made over HTTP as the bearer of the request's token, through the same {@link HubRouter} as
   * calls on connections; answers the request itself when the hub is shutting down or the token is missing or
   * not accepted.
   *
   * @param payload the {@code call.requested} payload; the request's {@code traceparent} header is added to it
   * @param calls makes the call that answers the request, from its request id and what to run when it ends
   */
  @Override
  public void route(RoutingContext ctx, JsonObject payload, BiFunction<String, Runnable, InboundCall> calls) {
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
      InboundCall call = calls.apply(RequestIds.of(ctx), () -> hub.sessions.forget(caller));
      new HubRouter(routing, caller).handle(call);
      if (call instanceof HttpCall http) {
        http.open(); // a stream's head, unless the call has already answered
      }
    });
  }

  /** @return the identity of the request's bearer token, as {@link #identify}; without one answered 401 */
  private Future<Principal> authenticated(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      CallException e = CallException.of(ErrorCode.UNAUTHENTICATED,
          "send Authorization: Bearer TOKEN (make one with 'callmesh token' or 'callmesh token --offline')");
      error(ctx, e);
      return Future.failedFuture(e);
    }
    return identify(ctx, token);
  }

  /**
   * @return the identity of the token, also allowed to connect from the client's address (once per request: an
   *     earlier handler's answer is reused), whose responses then carry the RateLimit headers; on failure answered
   */
  private Future<Principal> identify(RoutingContext ctx, String token) {
    Principal known = ctx.get(PRINCIPAL);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    String host = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    return hub.auth.verifyToken(token).compose(p -> p.key().mayConnectFrom(host) ? Future.succeededFuture(p)
            : Future.failedFuture(CallException.of(ErrorCode.FORBIDDEN, "identity " + p.id() + " may not connect from " + host)))
        .onSuccess(p -> {
          ctx.put(PRINCIPAL, p);
          RateLimitHeaders.add(ctx, routing.callRate(), p.id());
        })
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
  @Override
  public JsonObject body(RoutingContext ctx) {
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
    HttpAnswer.of(ctx).error(HttpStatus.of(e), e);
  }

  /** Answers a JSON value, in the format the request asked for. */
  private static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpAnswer.of(ctx).end(status, body);
  }
}
