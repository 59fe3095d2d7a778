package dev.callmesh.hub;

import dev.callmesh.protocol.launch.Launcher;
import dev.callmesh.protocol.util.Durations;
import dev.callmesh.protocol.util.FlagOrEnv;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar callmesh-hub.jar}: runs a hub until it is stopped (README, "Running a hub and spokes"). */
@Command(name = "callmesh-hub", mixinStandardHelpOptions = true, version = "callmesh-hub 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Runs a callmesh hub: spokes dial in and register operations, clients call them.",
        "Every option can also be set by the environment variable shown, or in a --config JSON file;",
        "the command line wins over the environment, which wins over the file."},
    footer = {"", "Example:", "  java -jar callmesh-hub.jar --listen 127.0.0.1:7400 --authorized-keys ~/.callmesh/authorized_keys"})
public final class HubMain implements Callable<Integer> {

  private static final Launcher LAUNCHER = Launcher.create("callmesh-hub");
  /** Where the command keeps the hub's state unless --data-dir, CALLMESH_DATA_DIR or dataDir says otherwise. */
  static final String DEFAULT_DATA_DIR = "callmesh-data";

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "TCP address to accept spokes and clients on (default 127.0.0.1:7400; env CALLMESH_LISTEN)")
  String listen;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "HTTP API, WebSocket and dashboard address, or 'off' (default 127.0.0.1:7480; env CALLMESH_HTTP)")
  String http;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate: both listeners speak TLS 1.3 (env CALLMESH_TLS_CERT)")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (env CALLMESH_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--client-ca", paramLabel = "PEM", description = "Require client certificates signed by this CA (env CALLMESH_CLIENT_CA)")
  Path clientCa;

  @Option(names = "--authorized-keys", paramLabel = "FILE",
      description = "OpenSSH authorized_keys file of the keys let in (default ./authorized_keys; env CALLMESH_AUTHORIZED_KEYS)")
  Path authorizedKeys;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the hub keeps its state, made mode 0700 if missing: its key (DIR/hub_key, so tokens "
          + "outlive a restart) and its jobs (DIR/jobs.db, SQLite; DIR/native holds the SQLite library while the hub "
          + "runs). It must be a writable directory, or the hub does not start (default ./callmesh-data; env "
          + "CALLMESH_DATA_DIR)")
  Path dataDir;

  @Option(names = "--hub-key", paramLabel = "FILE",
      description = "The hub's own ed25519 key, made (mode 0600) on first start if missing (default DIR/hub_key of "
          + "--data-dir; env CALLMESH_HUB_KEY)")
  Path hubKey;

  @Option(names = "--job-retention", paramLabel = "DURATION",
      description = "How long an ended job is kept with its outputs (default 7d; env CALLMESH_JOB_RETENTION)")
  String jobRetention;

  @Option(names = "--hub-id", paramLabel = "ID",
      description = "Hub id signed into every handshake (default the host name; env CALLMESH_HUB_ID)")
  String hubId;

  @Option(names = "--max-frame-bytes", paramLabel = "N",
      description = "Largest frame accepted, up to 64 MiB (default 16777216; env CALLMESH_MAX_FRAME_BYTES)")
  Integer maxFrameBytes;

  @Option(names = "--heartbeat", paramLabel = "DURATION",
      description = "Ping period; a peer silent for 3 periods is dropped (default 15s; env CALLMESH_HEARTBEAT)")
  String heartbeat;

  @Option(names = "--handshake-timeout", paramLabel = "DURATION",
      description = "How long a new connection has to authenticate (default 10s; env CALLMESH_HANDSHAKE_TIMEOUT)")
  String handshakeTimeout;

  @Option(names = "--max-connections", paramLabel = "N", description = "Connections held at once (default 10000; env CALLMESH_MAX_CONNECTIONS)")
  Integer maxConnections;

  @Option(names = "--max-connections-per-source", paramLabel = "N",
      description = "Connections one address may hold (default 1000; env CALLMESH_MAX_CONNECTIONS_PER_SOURCE)")
  Integer maxConnectionsPerSource;

  @Option(names = "--max-calls-per-second", paramLabel = "N",
      description = "Calls one identity may start per second, 0 for no limit (default 10000; env CALLMESH_MAX_CALLS_PER_SECOND)")
  Integer maxCallsPerSecond;

  @Option(names = "--max-in-flight", paramLabel = "N",
      description = "Calls one connection may have running at once (default 10000; env CALLMESH_MAX_IN_FLIGHT)")
  Integer maxInFlight;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Event loops the hub runs on, its TCP connections spread over them, 1 to 64 (default: one per core; env CALLMESH_EVENT_LOOPS)")
  Integer eventLoops;

  @Option(names = "--loop-fill", paramLabel = "N",
      description = "TCP connections an event loop takes before the next one opens: calls between connections on one loop"
          + " need no hand-over between threads; 0 spreads them over all loops from the start (default 16; env CALLMESH_LOOP_FILL)")
  Integer loopFill;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION",
      description = "On SIGTERM, how long calls in flight may finish before bye (default 10s; env CALLMESH_SHUTDOWN_GRACE)")
  String shutdownGrace;

  @Option(names = "--max-json-depth", paramLabel = "N",
      description = "How deep JSON from peers may nest (default 256; env CALLMESH_MAX_JSON_DEPTH)")
  Integer maxJsonDepth;

  @Option(names = "--metrics", paramLabel = "on|off",
      description = "Serve Prometheus metrics at GET /metrics on the HTTP port, without authentication: keep that "
          + "port on a private interface (default on; env CALLMESH_METRICS)")
  String metrics;

  @Option(names = "--cluster", paramLabel = "HOST:PORT",
      description = "Join a cluster of hubs as this member address (Hazelcast, TCP-IP join; port 0 picks one); the "
          + "hub-to-hub calls use the same host. Keep it on a private network (env CALLMESH_CLUSTER)")
  String cluster;

  @Option(names = "--cluster-peers", paramLabel = "HOST:PORT,...",
      description = "Members to join; may include this hub's own address (env CALLMESH_CLUSTER_PEERS)")
  String clusterPeers;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "Hubs join only a cluster of the same name (default callmesh; env CALLMESH_CLUSTER_NAME)")
  String clusterName;

  @Option(names = "--allowed-origins", paramLabel = "ORIGIN,...",
      description = "Origins whose pages may use the HTTP API and WebSockets besides the hub's own, e.g. "
          + "https://app.example.com; a request with any other Origin gets 403 (env CALLMESH_ALLOWED_ORIGINS)")
  String allowedOrigins;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON config file (env CALLMESH_CONFIG)")
  Path config;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "Log lines on stderr: readable 'text', or 'json' objects one per line whose mdc has callId, op and"
          + " traceId on lines about a call (default text; env CALLMESH_LOG_FORMAT; level: env CALLMESH_LOG_LEVEL)")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    dev.callmesh.hub.impl.StderrGate.install(); // the audit trail's batches leave stderr in one write each
    LAUNCHER.selectLogFormat(logFormat); // before anything makes a logger
    HubOptions options = options();
    Vertx vertx;
    try {
      vertx = HubVertx.create(options).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LAUNCHER.error("could not join the cluster: " + e.getMessage());
      return Launcher.EXIT_FAILURE;
    }
    Hub hub = Hub.create(vertx, options);
    if (!LAUNCHER.started(vertx, hub.start(), Duration.ofSeconds(30))) {
      return Launcher.EXIT_FAILURE;
    }
    String scheme = options.isTls() ? "tls" : "tcp";
    System.out.println("callmesh hub " + options.getHubId() + " listening on " + scheme + "://"
        + new HostPort(options.getListen().host(), hub.port()));
    if (options.getHttp() != null) {
      System.out.println("callmesh hub " + options.getHubId() + " HTTP on " + (options.isTls() ? "https" : "http") + "://"
          + new HostPort(options.getHttp().host(), hub.httpPort()));
    }
    if (hub.clusterAddress() != null) {
      System.out.println("callmesh hub " + options.getHubId() + " cluster member " + hub.clusterAddress()
          + " of " + options.getCluster().getName());
    }
    System.out.flush();
    // SIGTERM and SIGINT: stop accepting, let calls in flight finish (--shutdown-grace), say bye, exit 0.
    Duration grace = Duration.ofMillis(options.getShutdownGraceMs());
    LAUNCHER.onSignals(() -> hub.shutdown(grace).compose(v -> vertx.close()), grace.plusSeconds(10)).await();
    return 0;
  }

  private HubOptions options() throws Exception {
    Path configFile = FlagOrEnv.value(config, "CALLMESH_CONFIG", Path::of);
    HubOptions o = configFile == null ? new HubOptions() : new HubOptions(Launcher.readConfig(configFile));
    FlagOrEnv.apply(listen, "CALLMESH_LISTEN", x -> x, v -> o.setListen(HostPort.parse(v)));
    FlagOrEnv.apply(authorizedKeys, "CALLMESH_AUTHORIZED_KEYS", Path::of, o::setAuthorizedKeys);
    FlagOrEnv.apply(hubKey, "CALLMESH_HUB_KEY", Path::of, o::setHubKey);
    FlagOrEnv.apply(dataDir, "CALLMESH_DATA_DIR", Path::of, o::setDataDir);
    if (o.getDataDir() == null) {
      o.setDataDir(Path.of(DEFAULT_DATA_DIR)); // the jobs live there, even when --hub-key puts the key elsewhere
    }
    FlagOrEnv.apply(jobRetention, "CALLMESH_JOB_RETENTION", x -> x,
        v -> o.getJobs().setRetentionMs(Durations.parse(v).toMillis()));
    FlagOrEnv.apply(hubId, "CALLMESH_HUB_ID", x -> x, o::setHubId);
    FlagOrEnv.apply(maxFrameBytes, "CALLMESH_MAX_FRAME_BYTES", Integer::valueOf, o::setMaxFrameBytes);
    FlagOrEnv.apply(maxJsonDepth, "CALLMESH_MAX_JSON_DEPTH", Integer::valueOf, o::setMaxJsonDepth);
    FlagOrEnv.apply(heartbeat, "CALLMESH_HEARTBEAT", x -> x, v -> o.setHeartbeatMs(Durations.parse(v).toMillis()));
    FlagOrEnv.apply(handshakeTimeout, "CALLMESH_HANDSHAKE_TIMEOUT", x -> x,
        v -> o.setHandshakeTimeoutMs(Durations.parse(v).toMillis()));
    FlagOrEnv.apply(maxConnections, "CALLMESH_MAX_CONNECTIONS", Integer::valueOf, o::setMaxConnections);
    FlagOrEnv.apply(maxConnectionsPerSource, "CALLMESH_MAX_CONNECTIONS_PER_SOURCE", Integer::valueOf,
        o::setMaxConnectionsPerSource);
    FlagOrEnv.apply(maxCallsPerSecond, "CALLMESH_MAX_CALLS_PER_SECOND", Integer::valueOf, o::setMaxCallsPerSecond);
    FlagOrEnv.apply(maxInFlight, "CALLMESH_MAX_IN_FLIGHT", Integer::valueOf, o::setMaxInFlight);
    FlagOrEnv.apply(eventLoops, "CALLMESH_EVENT_LOOPS", Integer::valueOf, o::setEventLoops);
    FlagOrEnv.apply(loopFill, "CALLMESH_LOOP_FILL", Integer::valueOf, o::setLoopFill);
    FlagOrEnv.apply(shutdownGrace, "CALLMESH_SHUTDOWN_GRACE", x -> x, v -> o.setShutdownGraceMs(Durations.parse(v).toMillis()));
    FlagOrEnv.apply(http, "CALLMESH_HTTP", x -> x, v -> o.setHttp(v.equals("off") ? null : HostPort.parse(v)));
    FlagOrEnv.apply(metrics, "CALLMESH_METRICS", x -> x, v -> o.setMetrics(onOff("--metrics", v)));
    FlagOrEnv.apply(allowedOrigins, "CALLMESH_ALLOWED_ORIGINS", x -> x,
        v -> o.getWeb().setAllowedOrigins(WebOptions.parseOrigins(v)));
    clusterOptions(o);
    Path cert = FlagOrEnv.value(tlsCert, "CALLMESH_TLS_CERT", Path::of);
    Path certKey = FlagOrEnv.value(tlsKey, "CALLMESH_TLS_KEY", Path::of);
    if (cert != null || certKey != null) {
      o.setTls(cert, certKey);
    }
    Path ca = FlagOrEnv.value(clientCa, "CALLMESH_CLIENT_CA", Path::of);
    if (ca != null) {
      if (!o.isTls()) {
        throw new IllegalArgumentException("--client-ca needs --tls-cert and --tls-key");
      }
      o.setClientCa(ca);
    }
    return o;
  }

  private void clusterOptions(HubOptions o) {
    String member = FlagOrEnv.string(cluster, "CALLMESH_CLUSTER");
    String peers = FlagOrEnv.string(clusterPeers, "CALLMESH_CLUSTER_PEERS");
    String name = FlagOrEnv.string(clusterName, "CALLMESH_CLUSTER_NAME");
    if (member == null && o.getCluster() == null) {
      if (peers != null || name != null) {
        throw new IllegalArgumentException("--cluster-peers and --cluster-name need --cluster HOST:PORT");
      }
      return;
    }
    ClusterOptions c = o.getCluster() == null ? new ClusterOptions() : o.getCluster();
    if (member != null) {
      c.setMember(HostPort.parse(member));
    }
    if (peers != null) {
      c.setPeers(ClusterOptions.parsePeers(peers));
    }
    if (name != null) {
      c.setName(name);
    }
    o.setCluster(c);
  }

  private static boolean onOff(String flag, String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(flag + " takes on or off, not '" + value + "'");
    };
  }

  /** Runs the hub; exits 2 on a usage error, 1 when it cannot start. */
  public static void main(String[] args) {
    System.exit(LAUNCHER.execute(new HubMain(), args));
  }
}
