package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.call.CallEngine;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One authenticated connection to the hub: who it is, what it registered, and its engine. */
final class HubConnection {

  final String session;
  final String spokeName;
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
}
