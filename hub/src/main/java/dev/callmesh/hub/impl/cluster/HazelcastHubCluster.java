package dev.callmesh.hub.impl.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.RoutingTable;
import dev.callmesh.hub.impl.HubCluster;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub as a member of a Hazelcast cluster (on the clustered Vert.x of {@link ClusterVertx}): its spokes
 * in the shared directory ({@link HazelcastDirectory}, read through the {@link ClusterRoutingTable}'s
 * local copy), its calls to other hubs' spokes over {@link PeerLinks}, and the members in a second map
 * ({@code callmesh.hubs}: hub id → its member and address), where a hub id may appear only once.
 * Hazelcast's membership events end what a lost hub held: its calls fail UNAVAILABLE, its spokes leave the
 * directory. After a split-brain merge each hub writes its own spokes again.
 */
public final class HazelcastHubCluster implements HubCluster {

  /** The members map's name. */
  static final String MEMBERS = "callmesh.hubs";

  private static final Logger log = LoggerFactory.getLogger(HazelcastHubCluster.class);

  private final Vertx vertx;
  private final HubOptions options;
  private final ClusterRoutingTable table;
  private final long since = System.currentTimeMillis();
  private volatile boolean joined;
  private HazelcastInstance hazelcast;
  private IMap<String, String> members;
  private PeerLinks links;
  private volatile CallHandler peerOperations;
  private String node;
  private Context context;

  /**
   * @param vertx a clustered Vert.x with the Hazelcast cluster manager
   * @param options the hub's options, with its cluster settings
   */
  public HazelcastHubCluster(Vertx vertx, HubOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.table = new ClusterRoutingTable(options.getHubId());
  }

  @Override
  public RoutingTable routes() {
    return table;
  }

  @Override
  public Future<Void> start() {
    if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
      return Future.failedFuture(new IllegalStateException("--cluster needs a Vert.x clustered with Hazelcast"));
    }
    context = vertx.getOrCreateContext();
    hazelcast = manager.getHazelcastInstance();
    node = hazelcast.getCluster().getLocalMember().getUuid().toString();
    members = hazelcast.getMap(MEMBERS);
    HazelcastDirectory directory = new HazelcastDirectory(vertx, hazelcast.getMap(HazelcastDirectory.MAP));
    links = new PeerLinks(context, options.getHubId(), options.getMaxFrameBytes(), options.getJsonLimits(), table::local,
        () -> peerOperations);
    return vertx.executeBlocking(this::claimHubId, false)
        .compose(v -> links.start())
        .compose(v -> {
          hazelcast.getCluster().addMembershipListener(new Membership());
          hazelcast.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
              context.runOnContext(x -> merged());
            }
          });
          table.attach(node, directory, links);
          return directory.follow(context, table);
        })
        .onSuccess(v -> {
          joined = true;
          log.info("hub {} joined cluster {} as member {} ({} members)", options.getHubId(),
              options.getCluster().getName(), memberAddress(), size());
        });
  }

  /** Writes this hub into the members map, unless a live member already has its id. */
  private Void claimHubId() {
    String me = self().encode();
    String existing = members.putIfAbsent(options.getHubId(), me);
    if (existing != null) {
      String other = new JsonObject(existing).getString("node");
      if (!other.equals(node) && alive().contains(other)) {
        throw new IllegalStateException("hub id " + options.getHubId() + " is already a member of cluster "
            + options.getCluster().getName() + " (at " + new JsonObject(existing).getString("address")
            + "); give each hub its own --hub-id");
      }
      members.put(options.getHubId(), me);
    }
    return null;
  }

  private JsonObject self() {
    return new JsonObject().put("hub", options.getHubId()).put("node", node).put("address", memberAddress())
        .put("since", since);
  }

  @Override
  public String memberAddress() {
    if (hazelcast == null) {
      return null;
    }
    var a = hazelcast.getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }

  private Set<String> alive() {
    Set<String> ids = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      ids.add(m.getUuid().toString());
    }
    return ids;
  }

  /** A member left: fail what went through its hubs, drop their spokes and their members entries. */
  private void nodeLost(String lost) {
    List<String> hubs = table.nodeLost(lost);
    // The directory keeps one backup: if the lost member held the only other copy of some entries, write
    // this hub's own spokes again.
    table.reassert();
    vertx.executeBlocking(() -> {
      for (var e : members.entrySet()) {
        if (lost.equals(new JsonObject(e.getValue()).getString("node"))) {
          members.remove(e.getKey(), e.getValue());
          hubs.add(e.getKey());
        }
      }
      return hubs;
    }, false).onComplete(ar -> {
      Set<String> all = new HashSet<>(hubs);
      if (ar.succeeded()) {
        all.addAll(ar.result());
      }
      all.remove(options.getHubId());
      all.forEach(h -> {
        log.info("hub {} left the cluster; its calls fail and its spokes are dropped", h);
        links.lost(h);
      });
    });
  }

  private void merged() {
    log.info("hub {} merged back into cluster {}; writing its spokes again", options.getHubId(),
        options.getCluster().getName());
    members.putAsync(options.getHubId(), self().encode());
    table.reassert();
  }

  @Override
  public boolean joined() {
    return joined;
  }

  @Override
  public Future<JsonArray> members() {
    Set<String> alive = alive();
    return vertx.executeBlocking(() -> List.copyOf(members.values()), false).map(values -> {
      JsonArray out = new JsonArray();
      for (String v : values) {
        JsonObject m = new JsonObject(v);
        if (!alive.contains(m.getString("node"))) {
          continue;
        }
        String hub = m.getString("hub");
        long spokes = table.routes().stream().filter(r -> hub.equals(r.info().hub())).count();
        out.add(new JsonObject().put("hub", hub).put("address", m.getString("address")).put("spokes", spokes)
            .put("since", m.getLong("since")).put("self", hub.equals(options.getHubId())));
      }
      return out;
    });
  }

  @Override
  public int size() {
    return hazelcast == null ? 0 : hazelcast.getCluster().getMembers().size();
  }

  @Override
  public long forwarded() {
    return table.forwarded();
  }

  @Override
  public int callsFromPeers() {
    return links == null ? 0 : links.callsFromPeers();
  }

  @Override
  public Future<List<String>> peers() {
    return members().map(all -> all.stream().map(JsonObject.class::cast).filter(m -> !m.getBoolean("self"))
        .map(m -> m.getString("hub")).toList());
  }

  @Override
  public OutboundCall openOnPeer(String hub, CallRequest request, boolean stream, CallObserver observer) {
    if (links == null) {
      throw new IllegalStateException("the hub has not joined its cluster");
    }
    return links.link(hub).open(request, stream, observer);
  }

  @Override
  public void servePeers(CallHandler handler) {
    this.peerOperations = handler;
  }

  @Override
  public Future<Void> leave() {
    joined = false;
    if (links == null) {
      return Future.succeededFuture();
    }
    return links.close().compose(v -> vertx.executeBlocking(() -> members.remove(options.getHubId(), self().encode()), false))
        .mapEmpty();
  }

  /** Membership events, on Hazelcast's threads: each hops onto the hub's context. */
  private final class Membership implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent e) {
      log.info("a hub joined cluster {} at {}", options.getCluster().getName(), e.getMember().getAddress());
    }

    @Override
    public void memberRemoved(MembershipEvent e) {
      String lost = e.getMember().getUuid().toString();
      context.runOnContext(v -> nodeLost(lost));
    }
  }
}
