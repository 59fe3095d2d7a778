package dev.callmesh.hub.impl;

import dev.callmesh.hub.impl.http.HttpAnswer;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the HTTP API answers when no endpoint does: under {@code /v1} always the JSON error body
 * {@code {"error":{code,message,retryable}}} (a wrong method 405 with {@code Allow}, an unknown path 404
 * {@code NOT_FOUND}, a failure such as a body past the frame limit its own status); and the dashboard's
 * static files revalidated on every load ({@code no-cache} with {@code Last-Modified}), so a browser never
 * keeps an old dashboard after an upgrade.
 */
final class HttpFallbacks {

  private HttpFallbacks() {
  }

  /**
   * Adds the {@code /v1} fallbacks; call it after the endpoints are routed and before the static files.
   *
   * @param router the hub's router
   * @param maxBodyBytes the largest request body, for the message of a 413
   */
  static void v1(Router router, int maxBodyBytes) {
    router.route("/v1/*").handler(HttpFallbacks::noEndpoint);
    router.route("/v1/*").failureHandler(ctx -> {
      int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      CallException e = status == 413
          ? CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the request body is larger than " + maxBodyBytes + " bytes")
          : CallException.of(ErrorCode.INTERNAL, "the request failed (HTTP " + status + ")");
      answer(ctx, status, e);
    });
  }

  /** Static files: revalidated (If-Modified-Since, 304) on every load instead of cached for a day. */
  static void revalidate(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
    ctx.next();
  }

  private static void noEndpoint(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String allow = allowed(path);
    if (allow != null) {
      ctx.response().putHeader("Allow", allow);
      answer(ctx, 405, CallException.of(ErrorCode.INVALID_INPUT, ctx.request().method() + " " + path
          + " is not allowed; use " + allow));
    } else {
      answer(ctx, 404, CallException.of(ErrorCode.NOT_FOUND, "no HTTP endpoint " + path + " (README, HTTP API)"));
    }
  }

  /** @return the methods the endpoint at path takes, or {@code null} when there is none */
  private static String allowed(String path) {
    if (path.startsWith("/v1/call/") || path.startsWith("/v1/stream/") || path.startsWith("/v1/fanout/")
        || path.equals("/v1/auth/token") || path.equals("/v1/batch")) {
      return "POST";
    }
    return switch (path) {
      case "/v1/ws", "/v1/services", "/v1/services/schema", "/v1/spokes" -> "GET";
      case JsonRpcEndpoint.PATH -> "GET, POST";
      default -> null;
    };
  }

  private static void answer(RoutingContext ctx, int status, CallException e) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    HttpAnswer.of(ctx).error(status, e);
  }
}
