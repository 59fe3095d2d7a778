package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One authenticated connection to the hub: who it is, what it registered, and its engine. */
final class HubConnection {

  final String session;
  final String spokeName;
  private RawJson callerJson;
  private AuthorizedKey callerJsonKey;
  final Instant connectedAt = Instant.now();
  volatile AuthorizedKey key;
  CallEngine engine;
  volatile RoutingTable.Route route;

  HubConnection(String session, AuthorizedKey key, String spokeName) {
    this.session = session;
    this.key = key;
    this.spokeName = spokeName;
  }

  /** @return {@code payload.caller} for the calls this connection makes (SPEC §2.2) */
  JsonObject caller() {
    return new JsonObject().put("id", key.id()).put("spoke", spokeName);
  }

  /** @return {@link #caller()} as JSON text, encoded once per connection for the calls it forwards */
  RawJson callerJson() {
    AuthorizedKey k = key;
    if (callerJson == null || callerJsonKey != k) {
      callerJson = RawJson.encode(new JsonObject().put("id", k.id()).put("spoke", spokeName));
      callerJsonKey = k;  // a reloaded key file may rename the identity
    }
    return callerJson;
  }
}
