package dev.callmesh.hub.impl;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code GET /healthz} and {@code GET /readyz}, as vertx-health-check handlers. Both answer
 * {@code {"status":"UP"|"DOWN","checks":[{"id":..,"status":..,"data"?:{"reason":..}}],"outcome":..}},
 * 200 when every check is up and 503 otherwise.
 *
 * <ul>
 *   <li>{@code /healthz} (liveness): {@code hub}, up while the hub's event loop answers.</li>
 *   <li>{@code /readyz} (readiness): {@code listener} (the TCP listener is bound), {@code authorized-keys}
 *     (the file has been loaded: until then every connection is denied), {@code accepting} (the hub is
 *     not shutting down).</li>
 * </ul>
 * The checks run on the hub's context and only read its state; the reasons name no file paths.
 */
final class HubHealth {

  private HubHealth() {
  }

  /** @return the liveness handler */
  static HealthCheckHandler liveness(HubImpl hub) {
    return HealthCheckHandler.create(hub.vertx()).register("hub", p -> p.complete(Status.OK()));
  }

  /** @return the readiness handler */
  static HealthCheckHandler readiness(HubImpl hub) {
    return HealthCheckHandler.create(hub.vertx())
        .register("listener", p -> p.complete(hub.port() > 0 ? Status.OK()
            : down("the TCP listener is not bound yet")))
        .register("authorized-keys", p -> {
          String problem = hub.keysProblem();
          p.complete(problem == null ? Status.OK() : down("authorized_keys is not loaded: " + problem
              + "; every connection is denied until it is"));
        })
        .register("accepting", p -> p.complete(hub.isShuttingDown() ? down("the hub is shutting down") : Status.OK()));
  }

  private static Status down(String reason) {
    return Status.KO(new JsonObject().put("reason", reason));
  }
}
