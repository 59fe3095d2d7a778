package dev.callmesh.hub.impl;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** The routing table of a single hub, in memory. */
public final class LocalRoutingTable implements RoutingTable {

  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
  private final List<BiConsumer<Boolean, SpokeInfo>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public Route put(Route route) {
    Route old = routes.put(route.info().name(), route);
    if (old != null) {
      listeners.forEach(l -> l.accept(false, old.info()));
    }
    listeners.forEach(l -> l.accept(true, route.info()));
    return old;
  }

  @Override
  public boolean remove(Route route) {
    boolean removed = routes.remove(route.info().name(), route);
    if (removed) {
      listeners.forEach(l -> l.accept(false, route.info()));
    }
    return removed;
  }

  @Override
  public boolean update(Route old, Route updated) {
    return routes.replace(old.info().name(), old, updated);
  }

  @Override
  public Route get(String name) {
    return routes.get(name);
  }

  @Override
  public Collection<Route> routes() {
    return routes.values();
  }

  @Override
  public RoutingTable listener(BiConsumer<Boolean, SpokeInfo> listener) {
    listeners.add(listener);
    return this;
  }

  @Override
  public RoutingTable removeListener(BiConsumer<Boolean, SpokeInfo> listener) {
    listeners.remove(listener);
    return this;
  }
}
