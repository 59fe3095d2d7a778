package dev.callmesh.hub.impl.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory in a Hazelcast {@code IMap} (name → {@link SpokeEntry} as JSON, with Vert.x's default of
 * one backup): writes are asynchronous, and its entry events feed the {@link ClusterRoutingTable}'s local
 * copy on the hub's context.
 */
final class HazelcastDirectory implements Directory {

  /** The map's name. */
  static final String MAP = "callmesh.spokes";

  private static final Logger log = LoggerFactory.getLogger(HazelcastDirectory.class);

  private final Vertx vertx;
  private final IMap<String, String> map;

  HazelcastDirectory(Vertx vertx, IMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  @Override
  public void put(SpokeEntry entry) {
    map.putAsync(entry.info().name(), entry.encode()).whenComplete((old, err) -> {
      if (err != null) {
        log.warn("could not write spoke {} into the cluster's directory: {}", entry.info().name(), err.toString());
      }
    });
  }

  @Override
  public void remove(SpokeEntry entry) {
    String name = entry.info().name();
    String value = entry.encode();
    vertx.executeBlocking(() -> map.remove(name, value), false).onFailure(err ->
        log.warn("could not remove spoke {} from the cluster's directory: {}", name, err.toString()));
  }

  /**
   * Feeds the table: every change from now on, then every entry there is (a change that races with the
   * first read arrives again as an event, so nothing is missed).
   *
   * @return a future completed once the entries there were have been read
   */
  Future<Void> follow(Context context, ClusterRoutingTable table) {
    map.addEntryListener(new Events(context, table), true);
    return vertx.executeBlocking(() -> new ArrayList<>(map.values()), false).map(values -> {
      values.forEach(v -> table.entrySet(SpokeEntry.decode(v)));
      return null;
    });
  }

  /** Entry events, on Hazelcast's threads: each hops onto the hub's context. */
  private record Events(Context context, ClusterRoutingTable table) implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
      EntryEvictedListener<String, String>, EntryExpiredListener<String, String> {

    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      set(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      set(e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      removed(e.getKey(), e.getOldValue());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      removed(e.getKey(), e.getOldValue());
    }

    @Override
    public void entryExpired(EntryEvent<String, String> e) {
      removed(e.getKey(), e.getOldValue());
    }

    private void set(String value) {
      SpokeEntry entry = SpokeEntry.decode(value);
      context.runOnContext(v -> table.entrySet(entry));
    }

    private void removed(String name, String old) {
      SpokeEntry entry = old == null ? null : SpokeEntry.decode(old);
      context.runOnContext(v -> table.entryRemoved(name, entry));
    }
  }
}
