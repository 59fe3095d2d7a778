package dev.callmesh.hub.impl;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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

  private final Vertx vertx;
  private final BooleanSupplier listening;
  private final Supplier<String> keysProblem;
  private final BooleanSupplier shuttingDown;
  private final BooleanSupplier joined;

  /**
   * @param vertx the hub's Vert.x
   * @param listening whether the TCP listener is bound
   * @param keysProblem why authorized_keys is not loaded, or {@code null} once it is
   * @param shuttingDown whether the hub is shutting down
   * @param joined whether the hub has joined its cluster (always, when standalone)
   */
  HubHealth(Vertx vertx, BooleanSupplier listening, Supplier<String> keysProblem, BooleanSupplier shuttingDown,
            BooleanSupplier joined) {
    this.joined = joined;
    this.vertx = vertx;
    this.listening = listening;
    this.keysProblem = keysProblem;
    this.shuttingDown = shuttingDown;
  }

  /** @return the liveness handler */
  HealthCheckHandler liveness() {
    return HealthCheckHandler.create(vertx).register("hub", p -> p.complete(Status.OK()));
  }

  /** @return the readiness handler */
  HealthCheckHandler readiness() {
    return HealthCheckHandler.create(vertx)
        .register("listener", p -> p.complete(listening.getAsBoolean() ? Status.OK()
            : down("the TCP listener is not bound yet")))
        .register("authorized-keys", p -> {
          String problem = keysProblem.get();
          p.complete(problem == null ? Status.OK() : down("authorized_keys is not loaded: " + problem
              + "; every connection is denied until it is"));
        })
        .register("cluster", p -> p.complete(joined.getAsBoolean() ? Status.OK()
            : down("the hub has not joined its cluster")))
        .register("accepting", p -> p.complete(shuttingDown.getAsBoolean() ? down("the hub is shutting down") : Status.OK()));
  }

  private static Status down(String reason) {
    return Status.KO(new JsonObject().put("reason", reason));
  }
}
