package dev.callmesh.hub.impl.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format. The scrape is formatted on a worker
 * thread, so a registry of many series never holds up the hub's event loop.
 */
public final class MetricsEndpoint {

  /** The Prometheus text exposition format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoint() {
  }

  /** @return a handler that answers with the scrape of the registry */
  public static Handler<RoutingContext> handler(PrometheusMeterRegistry registry) {
    return ctx -> ctx.vertx().executeBlocking(registry::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
