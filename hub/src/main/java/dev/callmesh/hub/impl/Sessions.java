package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.auth.AuthorizedKeys;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's live connections and HTTP callers, by session id, and the routes of those that are spokes.
 * Shared by every connection: the map is concurrent, and each connection's own state stays on its
 * context.
 */
final class Sessions {

  private static final Logger log = LoggerFactory.getLogger(Sessions.class);

  private final Map<String, HubConnection> sessions = new ConcurrentHashMap<>();
  private final RoutingTable routes;
  private final CallEngineOptions engineOptions;
  private final Function<HubConnection, CallHandler> routers;
  private final String hubId;

  /**
   * @param hubId this hub's id, in the routes of its spokes
   * @param routes where spokes are registered
   * @param engineOptions the settings of every connection's engine
   * @param routers makes the handler of the calls a connection makes
   */
  Sessions(String hubId, RoutingTable routes, CallEngineOptions engineOptions,
           Function<HubConnection, CallHandler> routers) {
    this.hubId = hubId;
    this.routes = routes;
    this.engineOptions = engineOptions;
    this.routers = routers;
  }

  /**
   * Registers a welcomed connection: starts its engine and, for a spoke, its route (the same identity's
   * older connection under that name is told to leave). Runs on the connection's context.
   *
   * @return the connection
   */
  HubConnection admit(EnvelopeTransport transport, Principal principal, SpokeClaim claim) {
    String spoke = claim.name();
    HubConnection conn = new HubConnection(UUID.randomUUID().toString(), principal, spoke);
    conn.engine = CallEngine.create(transport, routers.apply(conn), engineOptions);
    sessions.put(conn.session, conn);
    if (spoke != null) {
      LocalRoute route = new LocalRoute(new SpokeInfo(spoke, principal.id(), conn.connectedAt, transport.remoteAddress(),
          transport.transportName(), claim.operations(), hubId, claim.labels(), claim.pool()), conn.engine);
      conn.route = route;
      RoutingTable.Route old = routes.put(route);
      if (old != null) {
        log.info("spoke {} reconnected from {}; closing its old connection", spoke, transport.remoteAddress());
        old.close(ErrorCode.ABORTED, "replaced by a newer connection of the same spoke");
      }
    }
    conn.engine.closeFuture().onComplete(v -> {
      sessions.remove(conn.session);
      if (conn.route != null && routes.remove(conn.route)) {
        log.info("spoke {} left", spoke);
      }
    });
    return conn;
  }

  /** Replaces a spoke's operation set while it stays connected; runs on the spoke's context. */
  void replaceOperations(HubConnection conn, List<OperationSpec> specs) {
    LocalRoute old = conn.route;
    LocalRoute updated = old.withInfo(old.info().withOperations(specs));
    if (routes.update(old, updated)) {
      conn.route = updated;
    }
  }

  /**
   * Registers an HTTP request's caller for the length of its call, so the hub's own operations find it
   * like any connection.
   */
  HubConnection httpCaller(Principal principal) {
    HubConnection conn = new HubConnection(UUID.randomUUID().toString(), principal, null);
    sessions.put(conn.session, conn);
    return conn;
  }

  /** Forgets an HTTP caller whose call ended. */
  void forget(HubConnection conn) {
    sessions.remove(conn.session, conn);
  }

  /**
   * @param conn a connection or HTTP caller
   * @return a handler that routes calls as made by that caller (what its own calls go through); a fan-out
   *     sends each spoke's call through it
   */
  CallHandler router(HubConnection conn) {
    return routers.apply(conn);
  }

  /** @return the connection of the session, or {@code null} */
  HubConnection get(String session) {
    return session == null ? null : sessions.get(session);
  }

  /** authorized_keys changed: connections of removed keys are closed, the others take their key's new rights. */
  void keysChanged(AuthorizedKeys keys) {
    for (HubConnection conn : sessions.values()) {
      if (conn.engine == null && conn.edge == null) {
        continue; // an HTTP request: checked again on its next request
      }
      AuthorizedKey now = keys.find(conn.key().key()).orElse(null);
      if (now == null) {
        log.info("key of {} was removed from authorized_keys; closing its connection", conn.key().id());
        String why = "your key was removed from the hub's authorized_keys";
        if (conn.engine != null) {
          conn.engine.transport().bye(ErrorCode.UNAUTHENTICATED, why);
        } else {
          conn.edge.close(ErrorCode.UNAUTHENTICATED, why);
        }
      } else {
        conn.principal = conn.principal.withKey(now);
      }
    }
  }

  /** @return calls made to the hub that it is serving now: forwarding to a spoke, or answering itself */
  int callsServing() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? edgeCalls(c) : c.engine.inboundCount();
    }
    return n;
  }

  /** @return calls running through the hub now: those connections made to it and those it made */
  int callsInFlight() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? edgeCalls(c) : c.engine.inboundCount() + c.engine.pendingCount();
    }
    return n;
  }

  /** @return the calls of a caller without an engine: an HTTP request's one, or those of an {@link Edge} */
  private static int edgeCalls(HubConnection c) {
    Edge edge = c.edge;
    return edge == null ? 1 : edge.callsInFlight();
  }

  /** @return the contexts of the connections (not the HTTP callers): the event loops they live on */
  java.util.Set<io.vertx.core.Context> contexts() {
    java.util.Set<io.vertx.core.Context> out = new java.util.HashSet<>();
    sessions.values().stream().filter(c -> c.engine != null).forEach(c -> out.add(c.engine.transport().context()));
    return out;
  }

  /** @return calls the hub has sent on its connections and awaits the end of */
  int pendingCount() {
    int n = 0;
    for (HubConnection c : sessions.values()) {
      n += c.engine == null ? 0 : c.engine.pendingCount();
    }
    return n;
  }

  /**
   * Says {@code bye} to every connection.
   *
   * @return a future completed once all of them have closed
   */
  Future<Void> byeAll(ErrorCode code, String message) {
    List<Future<Void>> closing = new ArrayList<>();
    for (HubConnection c : sessions.values()) {
      if (c.engine != null) {
        c.engine.transport().bye(code, message);
        closing.add(c.engine.closeFuture());
      } else if (c.edge != null) {
        c.edge.close(code, message);
        closing.add(c.edge.closed());
      }
    }
    return Future.join(closing).mapEmpty();
  }
}
