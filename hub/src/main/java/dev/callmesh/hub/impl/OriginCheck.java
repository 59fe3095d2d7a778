package dev.callmesh.hub.impl;

import dev.callmesh.hub.WebOptions;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The first handler of every HTTP request: one that carries an {@code Origin} header (a browser's page,
 * a WebSocket upgrade among them) passes only when that origin is the hub's own (the scheme it serves and
 * the {@code Host} the request was made to) or one of {@code --allowed-origins}; any other is answered 403
 * FORBIDDEN. Requests without {@code Origin} pass. So a page elsewhere cannot use a browser's way to the hub.
 * The pages of an allowed origin also get CORS: their preflight is answered and they may read the answers.
 */
final class OriginCheck implements Handler<RoutingContext> {

  /** Request headers a page of an allowed origin may send. */
  private static final String ALLOW_HEADERS = "Authorization, Content-Type, Accept, Idempotency-Key, X-Request-Id, "
      + "traceparent, Last-Event-ID";
  /** Response headers such a page may read. */
  private static final String EXPOSE_HEADERS = "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
      + "Retry-After, Location, traceparent";

  private final String scheme;
  private final Set<String> allowed;

  /**
   * @param tls whether the hub serves HTTPS
   * @param options the origins allowed besides the hub's own
   */
  OriginCheck(boolean tls, WebOptions options) {
    this.scheme = tls ? "https" : "http";
    this.allowed = Set.copyOf(options.getAllowedOrigins());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      ctx.next();
      return;
    }
    String normalized = WebOptions.normalizeOrigin(origin);
    HostAndPort authority = ctx.request().authority();
    String host = authority == null ? null : authority.host().contains(":") && !authority.host().startsWith("[")
        ? "[" + authority.host() + "]" : authority.host();
    String own = host == null ? null : WebOptions.normalizeOrigin(scheme + "://" + host
        + (authority.port() > 0 ? ":" + authority.port() : ""));
    if (normalized != null && normalized.equals(own)) {
      ctx.next();
      return;
    }
    if (normalized != null && allowed.contains(normalized)) {
      cors(ctx, origin);
      return;
    }
    String shown = origin.length() > 200 ? origin.substring(0, 200) + "..." : origin;
    CallException e = CallException.of(ErrorCode.FORBIDDEN, "requests from pages of " + shown
        + " are not allowed; start the hub with --allowed-origins " + (normalized == null ? "ORIGIN" : normalized)
        + " to allow them");
    ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", e.toPayload()).encode());
  }

  /**
   * An allowed origin's page may read the answers too (CORS): its preflight is answered here, and every
   * answer names it in {@code Access-Control-Allow-Origin}. A WebSocket needs none of this.
   */
  private static void cors(RoutingContext ctx, String origin) {
    ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
    if (ctx.request().method() == HttpMethod.OPTIONS && ctx.request().getHeader("Access-Control-Request-Method") != null) {
      ctx.response().setStatusCode(204)
          .putHeader("Access-Control-Allow-Methods", "GET, POST, DELETE")
          .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS)
          .putHeader("Access-Control-Max-Age", "600")
          .end();
      return;
    }
    ctx.response().putHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    ctx.next();
  }
}
