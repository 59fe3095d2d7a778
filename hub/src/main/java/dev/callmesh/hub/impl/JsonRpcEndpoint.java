package dev.callmesh.hub.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BooleanSupplier;

/**
 * {@code /v1/jsonrpc} on the hub's HTTP port: {@code GET} with an upgrade becomes a JSON-RPC WebSocket
 * ({@link JsonRpcSocket}), {@code POST} answers one message ({@link JsonRpcPost}). Both take the token
 * as {@code Authorization: Bearer} or {@code ?token=}.
 */
final class JsonRpcEndpoint {

  /** The path of the endpoint. */
  static final String PATH = "/v1/jsonrpc";

  private JsonRpcEndpoint() {
  }

  /**
   * Routes the endpoint; call it before any body handler of {@code /v1/*}, which it replaces for its path.
   *
   * @param router the hub's router
   * @param hub the way in: options, authentication, sessions, metrics, connection limits
   * @param routing what the calls are routed with, as those of connections
   * @param shuttingDown whether the hub is shutting down (calls are then refused)
   */
  static void mount(Router router, HubAcceptor hub, Routing routing, BooleanSupplier shuttingDown) {
    int max = hub.options.getMaxFrameBytes();
    router.get(PATH).handler(ctx -> {
      String token = token(ctx);
      ctx.request().toWebSocket()
          .onSuccess(ws -> JsonRpcSocket.serve(hub, routing, shuttingDown, ws, token))
          .onFailure(err -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
              ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("error", new JsonObject().put("code", "INVALID_INPUT").put("message",
                      "GET " + PATH + " upgrades to a WebSocket; POST a JSON-RPC request otherwise")
                      .put("retryable", false)).encode());
            }
          });
    });
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(max))
        .handler(ctx -> JsonRpcPost.handle(hub, routing, shuttingDown, ctx, token(ctx)))
        .failureHandler(ctx -> {
          if (ctx.statusCode() == 413) {
            JsonRpcPost.tooLarge(ctx, max);
          } else {
            ctx.next();
          }
        });
  }

  /** @return the token of {@code Authorization: Bearer}, else of {@code ?token=}, else {@code null} */
  static String token(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h != null && h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).trim();
    }
    return ctx.request().getParam("token");
  }
}
