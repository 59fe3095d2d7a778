package dev.callmesh.hub.impl.mcp;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;

/**
 * A Model Context Protocol server on the hub's HTTP port, Streamable HTTP transport (docs/PROTOCOL.md, MCP):
 * {@code POST /mcp} takes one JSON-RPC message (or a batch) and answers with {@code application/json}, or with
 * a {@code text/event-stream} of progress notifications and then the response when a {@code tools/call} asks
 * for progress; {@code GET /mcp} opens the session's stream, on which
 * {@code notifications/tools/list_changed} goes when the catalog changes; {@code DELETE /mcp} ends a session.
 * Every request is authenticated with {@code Authorization: Bearer} as the rest of the HTTP API (401 without),
 * and every tool call goes through the hub's router with the caller's rights. Sessions and their streams are
 * bounded by {@link McpLimits}; streams get a comment every heartbeat so proxies keep them open.
 */
public final class McpEndpoint {

  /** The path served. */
  public static final String PATH = "/mcp";
  private static final String SESSION = "Mcp-Session-Id";
  private static final long COALESCE_MS = 50;

  private final HttpGateway gateway;
  private final McpSessions sessions;
  private final McpMethods methods;
  private final McpPost post;
  private Context context;
  private long stamp;
  private boolean changeScheduled;
  private long lastPingMs;

  private McpEndpoint(HttpGateway gateway, McpLimits limits) {
    this.gateway = gateway;
    this.sessions = new McpSessions(limits);
    this.methods = new McpMethods(gateway, limits, "0.1.0");
    this.post = new McpPost(gateway, sessions, methods);
  }

  /** @return an endpoint with the default limits */
  public static McpEndpoint create(HttpGateway gateway) {
    return create(gateway, McpLimits.defaults());
  }

  /** @return an endpoint with these limits */
  public static McpEndpoint create(HttpGateway gateway, McpLimits limits) {
    return new McpEndpoint(gateway, limits);
  }

  /**
   * Adds {@code /mcp} to the router and starts watching the catalog and the sessions. Must run on the context
   * the HTTP server serves on (the hub's), and only once.
   *
   * @return this
   */
  public McpEndpoint mount(Router router) {
    context = Vertx.currentContext();
    stamp = gateway.catalogStamp();
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(gateway.maxBodyBytes()));
    router.post(PATH).handler(ctx -> identified(ctx, caller -> post.handle(ctx, caller)));
    router.get(PATH).handler(ctx -> identified(ctx, caller -> stream(ctx, caller)));
    router.delete(PATH).handler(ctx -> identified(ctx, caller -> end(ctx, caller)));
    router.route(PATH).handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "GET, POST, DELETE").end());
    gateway.onSpokesChanged(() -> context.runOnContext(v -> catalogChanged()));
    gateway.vertx().setPeriodic(1000, id -> tick());
    return this;
  }

  private void identified(RoutingContext ctx, Consumer<HttpGateway.Caller> then) {
    gateway.identify(ctx.request()).onSuccess(then::accept)
        .onFailure(err -> HttpGateway.error(ctx, err instanceof CallException e ? e
            : CallException.of(ErrorCode.UNAUTHENTICATED, String.valueOf(err.getMessage()))));
  }

  /** GET: the session's server-sent stream. */
  private void stream(RoutingContext ctx, HttpGateway.Caller caller) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !accept.contains("text/event-stream") && !accept.contains("*/*")) {
      ctx.response().setStatusCode(406).end();
      return;
    }
    McpSession session = session(ctx, caller);
    if (session == null) {
      return;
    }
    SseStream[] stream = new SseStream[1];
    stream[0] = new SseStream(ctx.response(), () -> session.streamClosed(stream[0]));
    stream[0].response().putHeader(SESSION, session.id);
    stream[0].ping(); // sends the head now: the client knows the stream is open
    session.stream(stream[0]);
  }

  /** DELETE: ends the session. */
  private void end(RoutingContext ctx, HttpGateway.Caller caller) {
    String id = ctx.request().getHeader(SESSION);
    if (id == null) {
      McpPost.jsonRpcError(ctx, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "send the Mcp-Session-Id to end");
    } else if (sessions.end(id, caller.id())) {
      ctx.response().setStatusCode(204).end();
    } else {
      McpPost.jsonRpcError(ctx, 404, null, McpSchema.ErrorCodes.INVALID_REQUEST, "no such MCP session");
    }
  }

  /** @return the request's session, or {@code null} after answering 400 (none sent) or 404 (none such) */
  private McpSession session(RoutingContext ctx, HttpGateway.Caller caller) {
    return post.session(ctx, caller);
  }

  private void catalogChanged() {
    if (!changeScheduled) {
      changeScheduled = true;
      gateway.vertx().setTimer(COALESCE_MS, id -> {
        changeScheduled = false;
        stamp = gateway.catalogStamp();
        sessions.all().forEach(McpSession::listChanged);
      });
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    sessions.expire(now);
    boolean streams = false;
    for (McpSession s : sessions.all()) {
      streams |= s.stream() != null;
      int rights = gateway.rightsStamp(s.identity);
      if (rights != s.rights) { // authorized_keys was reloaded with other rights for the identity
        s.rights = rights;
        s.listChanged();
      }
    }
    if (streams && !changeScheduled && gateway.catalogStamp() != stamp) {
      catalogChanged(); // a spoke registered other operations
    }
    if (now - lastPingMs >= gateway.heartbeatMs()) {
      lastPingMs = now;
      for (McpSession s : sessions.all()) {
        SseStream stream = s.stream();
        if (stream != null) {
          stream.ping();
        }
      }
      post.ping();
    }
  }
}
