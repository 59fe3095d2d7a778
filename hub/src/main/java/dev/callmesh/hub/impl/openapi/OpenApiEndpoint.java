package dev.callmesh.hub.impl.openapi;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.hub.impl.gateway.Catalog;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/openapi.json}: the {@link OpenApiDocument} of the operations the caller may call, built for
 * each request from what {@code /services/list} lists for the caller's token. Authenticated like the rest of
 * the API (401 without a token), since it shows what the token may call.
 */
public final class OpenApiEndpoint implements Handler<RoutingContext> {

  /** The path served. */
  public static final String PATH = "/v1/openapi.json";

  private final HttpGateway gateway;

  private OpenApiEndpoint(HttpGateway gateway) {
    this.gateway = gateway;
  }

  /** @return the handler of {@link #PATH} */
  public static OpenApiEndpoint create(HttpGateway gateway) {
    return new OpenApiEndpoint(gateway);
  }

  @Override
  public void handle(RoutingContext ctx) {
    gateway.identify(ctx.request())
        .compose(caller -> Catalog.of(gateway, caller, "openapi")
            .map(specs -> OpenApiDocument.build(specs, "callmesh hub (as " + caller.id() + ")", "0.1.0")))
        .onSuccess(doc -> ctx.response().putHeader("Content-Type", "application/json").end(doc.encode()))
        .onFailure(err -> HttpGateway.error(ctx, err instanceof CallException e ? e
            : CallException.of(ErrorCode.INTERNAL, String.valueOf(err.getMessage()))));
  }
}
