package dev.callmesh.protocol.client;

import dev.callmesh.protocol.call.CallEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * An authenticated connection to a hub.
 *
 * @param engine makes and serves calls on the connection
 * @param welcome the hub's {@code auth.welcome} payload
 * @param connector the connector that made it; the session keeps it reachable, because Vert.x closes
 *     the connections of a client that is garbage collected
 */
public record HubSession(CallEngine engine, JsonObject welcome, HubConnector connector) {

  /** @return the identity id the hub gave us */
  public String identity() {
    JsonObject id = welcome.getJsonObject("identity");
    return id == null ? null : id.getString("id");
  }

  /** @return the spoke name we are registered as, or {@code null} */
  public String spoke() {
    return welcome.getString("spoke");
  }

  /** @return a future completed when the connection has closed */
  public Future<Void> closeFuture() {
    return engine.closeFuture();
  }

  /** Says {@code bye} and closes. @return a future completed when closed */
  public Future<Void> close() {
    engine.transport().bye(dev.callmesh.protocol.ErrorCode.ABORTED, "closing");
    return engine.closeFuture();
  }
}
