package dev.callmesh.hub.impl;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code RateLimit-*} headers of an authenticated HTTP response, from the identity's call budget
 * ({@link CallRate}) as it stands when the response's head is written: {@code RateLimit-Limit} (the calls it
 * may make in a burst: two seconds' worth of {@code --max-calls-per-second}), {@code RateLimit-Remaining},
 * {@code RateLimit-Reset} (seconds until the burst is whole again) and {@code RateLimit-Policy}
 * ({@code LIMIT;w=2}). A 429 also gets {@code Retry-After}: the seconds until one call is allowed again, at
 * least 1. Nothing is added when calls are not limited ({@code --max-calls-per-second 0}).
 */
final class RateLimitHeaders {

  private static final String ADDED = "callmesh.rateLimitHeaders";

  private RateLimitHeaders() {
  }

  /**
   * Arranges for the headers to be added to the response, once per request.
   *
   * @param ctx the request
   * @param rate the per-identity budgets
   * @param identity who made the request
   */
  static void add(RoutingContext ctx, CallRate rate, String identity) {
    if (ctx.get(ADDED) != null || rate.perSecond() == 0) {
      return;
    }
    ctx.put(ADDED, Boolean.TRUE);
    ctx.addHeadersEndHandler(v -> {
      CallRate.Budget b = rate.budget(identity);
      if (b == null) {
        return;
      }
      MultiMap h = ctx.response().headers();
      h.set("RateLimit-Limit", Integer.toString(b.limit()));
      h.set("RateLimit-Remaining", Integer.toString(b.remaining()));
      h.set("RateLimit-Reset", Integer.toString(b.resetSeconds()));
      h.set("RateLimit-Policy", b.limit() + ";w=2");
      if (ctx.response().getStatusCode() == 429) {
        h.set("Retry-After", Integer.toString(Math.max(1, b.retryAfterSeconds())));
      }
    });
  }
}
