package dev.callmesh.hub.impl.cluster;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing table of a clustered hub: its own spokes ({@link dev.callmesh.hub.impl.LocalRoutingTable}),
 * written through to the cluster's {@link Directory}, and a local copy of every other hub's spokes kept
 * current by the directory's entry events, so that no lookup crosses the network on the call path.
 * <p>
 * A name has one owner: the newest connection wins ({@link SpokeEntry#newerThan}). A hub that sees the
 * directory give its own spoke's name to a newer connection elsewhere tells its spoke to leave; one that
 * sees an older entry win a race re-asserts its own, so every hub converges on the newest. Safe from any
 * thread: the maps are concurrent.
 */
final class ClusterRoutingTable implements RoutingTable {

  private static final Logger log = LoggerFactory.getLogger(ClusterRoutingTable.class);

  private final String selfId;
  private final RoutingTable local = RoutingTable.local();
  private final Map<String, RemoteRoute> remote = new ConcurrentHashMap<>();
  private final List<BiConsumer<Boolean, SpokeInfo>> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder forwarded = new LongAdder();
  private volatile String node;
  private volatile Directory directory;
  private volatile PeerLinks links;

  ClusterRoutingTable(String selfId) {
    this.selfId = selfId;
  }

  /** Connects the table to the cluster, once this hub has joined. */
  void attach(String node, Directory directory, PeerLinks links) {
    this.node = node;
    this.links = links;
    this.directory = directory;
    reassert();
  }

  /** @return how many calls were passed on to other hubs */
  long forwarded() {
    return forwarded.sum();
  }

  /** @return this hub's own spoke of that name, or {@code null} */
  Route local(String name) {
    return local.get(name);
  }

  // ---- this hub's spokes ----

  @Override
  public Route put(Route route) {
    String name = route.info().name();
    Route old = get(name);
    local.put(route);
    RemoteRoute replaced = remote.remove(name);
    if (replaced != null) {
      replaced.removed();
    }
    fire(old == null ? null : old.info(), route.info());
    write(route);
    return old;
  }

  @Override
  public boolean remove(Route route) {
    if (!local.remove(route)) {
      return false;
    }
    fire(route.info(), null);
    Directory d = directory;
    if (d != null) {
      d.remove(entry(route));
    }
    return true;
  }

  @Override
  public boolean update(Route old, Route updated) {
    if (!local.update(old, updated)) {
      return false;
    }
    write(updated);
    return true;
  }

  @Override
  public Route get(String name) {
    Route mine = local.get(name);
    return mine != null ? mine : remote.get(name);
  }

  @Override
  public Collection<Route> routes() {
    List<Route> all = new ArrayList<>(local.routes());
    for (RemoteRoute r : remote.values()) {
      if (local.get(r.info().name()) == null) {
        all.add(r);
      }
    }
    return all;
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

  // ---- what the directory says ----

  /** A spoke's entry was set, by this hub or another. */
  void entrySet(SpokeEntry entry) {
    String name = entry.info().name();
    if (entry.info().hub().equals(selfId)) {
      return;
    }
    Route mine = local.get(name);
    if (mine != null) {
      if (!entry.newerThan(entry(mine))) {
        write(mine); // ours is newer: say so again
        return;
      }
      log.info("spoke {} connected again on hub {}; closing its connection here", name, entry.info().hub());
      local.remove(mine);
      mine.close(ErrorCode.ABORTED, "replaced by a newer connection of the same spoke on hub " + entry.info().hub());
    }
    RemoteRoute route = new RemoteRoute(entry, links, forwarded);
    RemoteRoute before = remote.put(name, route);
    if (before != null) {
      before.removed();
    }
    if (before == null || !before.info().hub().equals(entry.info().hub()) || mine != null) {
      fire(mine != null ? mine.info() : before == null ? null : before.info(), entry.info());
    }
  }

  /** A spoke's entry was removed; {@code old} is what it was, when known. */
  void entryRemoved(String name, SpokeEntry old) {
    RemoteRoute route = remote.get(name);
    if (route != null && (old == null || route.entry().equals(old)) && remote.remove(name, route)) {
      route.removed();
      fire(route.info(), null);
    }
    Route mine = local.get(name);
    if (mine != null) {
      write(mine); // the directory lost our own spoke (a merge, a mistaken removal): put it back
    }
  }

  /**
   * A member left the cluster: the spokes its hubs held are gone, and so are the links to those hubs.
   *
   * @param lostNode the member id
   * @return the ids of the hubs that ran on it
   */
  List<String> nodeLost(String lostNode) {
    List<String> hubs = new ArrayList<>();
    for (RemoteRoute route : remote.values()) {
      if (route.entry().node().equals(lostNode)) {
        if (!hubs.contains(route.info().hub())) {
          hubs.add(route.info().hub());
        }
        if (remote.remove(route.info().name(), route)) {
          route.removed();
          fire(route.info(), null);
          directory.remove(route.entry()); // only if it still points at the lost hub
        }
      }
    }
    return hubs;
  }

  /** Writes every spoke of this hub into the directory again (after joining, or a split-brain merge). */
  void reassert() {
    local.routes().forEach(this::write);
  }

  private void write(Route route) {
    Directory d = directory;
    if (d != null) {
      d.put(entry(route));
    }
  }

  private SpokeEntry entry(Route route) {
    return new SpokeEntry(route.info(), node);
  }

  private void fire(SpokeInfo left, SpokeInfo joined) {
    for (BiConsumer<Boolean, SpokeInfo> l : listeners) {
      if (left != null) {
        l.accept(false, left);
      }
      if (joined != null) {
        l.accept(true, joined);
      }
    }
  }
}
