package dev.callmesh.hub.impl.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of the hub's router: whatever answers the request (an endpoint, an error, a 404, a
 * static file), the response carries {@code X-Request-Id} ({@link RequestIds}), and a 429 or 503 carries
 * {@code Retry-After} (1 second unless the endpoint set its own: a call budget refills within a second,
 * and a spoke that went away usually reconnects within a few).
 */
public final class EveryResponse {

  /** Seconds a 429 or 503 asks the client to wait when nothing more precise is known. */
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

  private EveryResponse() {
  }

  /**
   * Arranges the headers, then passes the request on.
   *
   * @param ctx the request
   */
  public static void handle(RoutingContext ctx) {
    String id = RequestIds.of(ctx);
    ctx.addHeadersEndHandler(v -> {
      MultiMap headers = ctx.response().headers();
      headers.set(RequestIds.HEADER, id);
      int status = ctx.response().getStatusCode();
      if ((status == 429 || status == 503) && !headers.contains("Retry-After")) {
        headers.set("Retry-After", Integer.toString(DEFAULT_RETRY_AFTER_SECONDS));
      }
    });
    ctx.next();
  }
}
