package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a spoke operation's path leads: the spoke of that name, else a member of the pool of that name
 * (the one with the fewest calls in flight, ties in turn). Pool members are indexed from the routing
 * table's join and leave events, so that a pool call looks at its members only. Safe from any thread.
 */
public final class Targets {

  /**
   * The way to one spoke operation, chosen now.
   *
   * @param route the spoke's route (for a pool, the member chosen)
   * @param spec the operation, with its spoke-relative name
   * @param spoke the first segment of the path: the spoke's or the pool's name
   */
  public record Target(RoutingTable.Route route, OperationSpec spec, String spoke) {
  }

  private final RoutingTable routes;
  private final Map<String, Set<String>> pools = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  /** @param routes the spokes; the index follows its changes from now on */
  public Targets(RoutingTable routes) {
    this.routes = routes;
    routes.routes().forEach(r -> joined(r.info()));
    routes.listener((joined, info) -> {
      if (joined) {
        joined(info);
      } else {
        left(info);
      }
    });
  }

  private void joined(SpokeInfo info) {
    if (info.pool() != null) {
      pools.computeIfAbsent(info.pool(), p -> ConcurrentHashMap.newKeySet()).add(info.name());
    }
  }

  private void left(SpokeInfo info) {
    if (info.pool() != null) {
      pools.computeIfPresent(info.pool(), (p, members) -> {
        RoutingTable.Route now = routes.get(info.name());
        if (now == null || !info.pool().equals(now.info().pool())) {
          members.remove(info.name());
        }
        return members.isEmpty() ? null : members;
      });
    }
  }

  /** @return the routing table */
  public RoutingTable routes() {
    return routes;
  }

  /** @return the routes of the pool's members now (empty when there is no such pool) */
  public List<RoutingTable.Route> members(String pool) {
    Set<String> names = pools.get(pool);
    List<RoutingTable.Route> out = new ArrayList<>();
    if (names != null) {
      for (String name : names) {
        RoutingTable.Route r = routes.get(name);
        if (r != null && !r.isGone() && pool.equals(r.info().pool())) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** @return the names of the pools that have a member now */
  public Set<String> pools() {
    return pools.keySet();
  }

  /**
   * @param name a spoke or pool name
   * @return the spoke of that name, else the pool member with the fewest calls in flight (ties in turn),
   *     else {@code null}
   */
  public RoutingTable.Route route(String name) {
    RoutingTable.Route spoke = routes.get(name);
    if (spoke != null) {
      return spoke;
    }
    List<RoutingTable.Route> members = members(name);
    int n = members.size();
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(turn.getAndIncrement(), n);
    RoutingTable.Route best = null;
    int least = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      RoutingTable.Route r = members.get((start + i) % n);
      int inFlight = r.inFlight();
      if (inFlight < least) {
        least = inFlight;
        best = r;
      }
    }
    return best;
  }

  /**
   * @param op a full operation path such as {@code /dev1/fs/readFile} or {@code /workers/bash/run}
   * @return the way to it
   * @throws CallException NOT_FOUND when the path has no operation part or the spoke does not serve it,
   *     UNAVAILABLE when no spoke or pool of that name is connected
   */
  public Target resolve(String op) {
    int slash = op.indexOf('/', 1);
    if (!op.startsWith("/") || slash < 0) {
      throw CallException.of(ErrorCode.NOT_FOUND, "no operation " + op
          + "; paths look like /SPOKE/namespace/operation, and /services/list shows them");
    }
    String spoke = op.substring(1, slash);
    String relative = op.substring(slash);
    RoutingTable.Route route = route(spoke);
    if (route == null) {
      throw CallException.of(ErrorCode.UNAVAILABLE, "no spoke or pool named '" + spoke
          + "' is connected; /hub/spokes/list shows those that are");
    }
    OperationSpec spec = route.info().operation(relative);
    if (spec == null) {
      throw CallException.of(ErrorCode.NOT_FOUND, (route.info().name().equals(spoke) ? "spoke '" : "pool '")
          + spoke + "' has no operation " + relative + "; /services/list shows what it serves");
    }
    return new Target(route, spec, spoke);
  }
}
