package dev.callmesh.hub.impl;

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
  /** Replaced when authorized_keys is reloaded (on the hub's context), read on the connection's. */
  volatile Principal principal;
  CallEngine engine;
  /** The route of a spoke's connection (null for a client); used on the connection's context. */
  LocalRoute route;
  /** A caller without an engine that stays (a JSON-RPC WebSocket), or {@code null}. */
  volatile Edge edge;

  HubConnection(String session, Principal principal, String spokeName) {
    this.session = session;
    this.principal = principal;
    this.spokeName = spokeName;
  }

  /** @return the authorized key in force for this connection */
  AuthorizedKey key() {
    return principal.key();
  }

  /** @return whether this connection may call the operation: its key's allow list and its token's scope */
  boolean mayCall(String operationPath) {
    return principal.mayCall(operationPath);
  }

  /** @return {@code payload.caller} for the calls this connection makes (docs/PROTOCOL.md, Calls) */
  JsonObject caller() {
    return new JsonObject().put("id", principal.id()).put("spoke", spokeName);
  }

  /** @return {@link #caller()} as JSON text, encoded once per connection for the calls it forwards */
  RawJson callerJson() {
    AuthorizedKey k = principal.key();
    if (callerJson == null || callerJsonKey != k) {
      callerJson = RawJson.encode(new JsonObject().put("id", k.id()).put("spoke", spokeName));
      callerJsonKey = k;  // a reloaded key file may rename the identity
    }
    return callerJson;
  }
}
