package dev.callmesh.hub.impl.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import dev.callmesh.hub.ClusterOptions;
import dev.callmesh.hub.HubOptions;
import dev.callmesh.hub.impl.http.IdempotencyStore;
import dev.callmesh.hub.impl.metrics.MeterRegistries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A clustered Vert.x for a hub started with {@code --cluster}: Hazelcast as the cluster manager, joined
 * over TCP-IP to the given peers only (no multicast, no other discovery, no phone-home), bound to the
 * member address alone, logging through SLF4J, and with a heartbeat tuned so that a member that dies is
 * removed within about five seconds (Hazelcast's default is a minute). The clustered event bus, which
 * carries the calls between hubs, binds the same host; with {@code --tls-cert} it is TLS, with the hub's
 * certificate, trusting {@code --client-ca} when given or else that certificate itself.
 */
public final class ClusterVertx {

  /** Hazelcast's heartbeat period. */
  static final int HEARTBEAT_SECONDS = 1;
  /** How long a member may stay silent before it is removed. */
  static final int MAX_SILENCE_SECONDS = 4;
  /** The heap each member gives the shared idempotency answers: 64 MB. */
  static final int IDEMPOTENCY_MEGABYTES_PER_MEMBER = 64;

  private ClusterVertx() {
  }

  /**
   * @param options the hub's options, with {@link HubOptions#getCluster()} set
   * @return a future of the clustered Vert.x, completed once this hub has joined (or formed) the cluster
   */
  public static Future<Vertx> build(HubOptions options) {
    ClusterOptions cluster = options.getCluster();
    String host = cluster.getMember().host();
    Config config;
    try {
      config = hazelcast(cluster, InetAddress.getByName(host).getHostAddress());
    } catch (UnknownHostException e) {
      return Future.failedFuture(new IllegalArgumentException("--cluster host " + host + " does not resolve"));
    }
    EventBusOptions bus = new EventBusOptions().setHost(host).setPort(0).setClusterPublicHost(host);
    if (options.isTls()) {
      bus.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.getTlsCert().toString())
              .setKeyPath(options.getTlsKey().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath((options.getClientCa() != null
              ? options.getClientCa() : options.getTlsCert()).toString()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    VertxOptions vertxOptions = dev.callmesh.hub.HubVertx.vertxOptions(options).setEventBusOptions(bus);
    return MeterRegistries.builder(options.isMetrics(), vertxOptions)
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered();
  }

  /** @return Vert.x's default Hazelcast config (its maps' backups), joined and bound as the options say */
  static Config hazelcast(ClusterOptions cluster, String address) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.getName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_SILENCE_SECONDS));
    // Peers are listed: no need to wait 5 s for more members to show up before joining.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.getMember().port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(address);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    cluster.getPeers().forEach(p -> join.getTcpIpConfig().addMember(p.host() + ":" + p.port()));
    if (cluster.getPeers().isEmpty()) {
      join.getTcpIpConfig().addMember(address + ":" + cluster.getMember().port());
    }
    // The HTTP API's Idempotency-Key answers (IdempotencyStore.shared): at most 64 MB of them per member, least
    // recently used first (each answer is at most 1 MiB, and lives 24 h).
    config.addMapConfig(new MapConfig(IdempotencyStore.SHARED_MAP).setEvictionConfig(new EvictionConfig()
        .setEvictionPolicy(EvictionPolicy.LRU).setMaxSizePolicy(MaxSizePolicy.USED_HEAP_SIZE)
        .setSize(IDEMPOTENCY_MEGABYTES_PER_MEMBER)));
    return config;
  }
}
