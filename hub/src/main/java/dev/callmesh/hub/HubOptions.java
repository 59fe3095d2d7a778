package dev.callmesh.hub;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.util.HostPort;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** Settings of a hub, filled alike from the command line and from a config file. */
public class HubOptions {

  /** Where the TCP listener binds: loopback, port 7400. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:7400";
  /** Where the HTTP API, WebSocket and dashboard listen: loopback, port 7480. */
  public static final String DEFAULT_HTTP = "127.0.0.1:7480";
  /** The default frame limit: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** The largest frame limit that may be configured: 64 MiB. */
  public static final int MAX_MAX_FRAME_BYTES = 64 * 1024 * 1024;
  /** How deep the JSON read from peers may nest: 256 ({@link JsonLimits#DEFAULT_MAX_DEPTH}). */
  public static final int DEFAULT_MAX_JSON_DEPTH = JsonLimits.DEFAULT_MAX_DEPTH;
  /** The heartbeat period announced in {@code auth.welcome}: 15 s. */
  public static final long DEFAULT_HEARTBEAT_MS = 15_000;
  /** How long a peer has to send a valid {@code auth.hello}: 10 s. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
  /** How many connections the hub holds at once: 10,000. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** How many connections one source address may hold at once: 1,000. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 1_000;
  /** How many calls one identity may start per second (averaged; bursts of twice that pass): 10,000. */
  public static final int DEFAULT_MAX_CALLS_PER_SECOND = 10_000;
  /** How many calls one connection may have running on the hub at once: 10,000. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  /** How long SIGTERM waits for calls in flight before saying bye: 10 s. */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
  /** How often the authorized_keys file is checked for changes: 1 s. */
  public static final long DEFAULT_KEYS_POLL_MS = 1_000;
  /** Whether the HTTP port serves Prometheus metrics at {@code /metrics} (unauthenticated): on. */
  public static final boolean DEFAULT_METRICS = true;
  /** How many event loops share the hub's connections: one per core. */
  public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
  /** Connections a loop takes before the next opens (see {@link #setLoopFill(int)}). */
  public static final int DEFAULT_LOOP_FILL = 16;

  private HostPort listen = HostPort.parse(DEFAULT_LISTEN);
  private Path authorizedKeys = Path.of("authorized_keys");
  private Path hubKey;
  private Path dataDir;
  private HostPort http = HostPort.parse(DEFAULT_HTTP);
  private Path tlsCert;
  private Path tlsKey;
  private Path clientCa;
  private String hubId = HostPort.localHostName();
  private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
  private long heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private long handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
  private long keysPollMs = DEFAULT_KEYS_POLL_MS;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxConnectionsPerSource = DEFAULT_MAX_CONNECTIONS_PER_SOURCE;
  private int maxCallsPerSecond = DEFAULT_MAX_CALLS_PER_SECOND;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private long shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
  private boolean metrics = DEFAULT_METRICS;
  private int eventLoops = DEFAULT_EVENT_LOOPS;
  private int loopFill = DEFAULT_LOOP_FILL;
  private ClusterOptions cluster;
  private final WebOptions web = new WebOptions();
  private JobOptions jobs = new JobOptions();

  /** Default options. */
  public HubOptions() { }

  /** A copy of other. */
  public HubOptions(HubOptions other) {
    this(other.toJson());
  }

  /** From a config file's JSON: the keys {@link #toJson()} writes, durations such as "15s" ({@code heartbeat}, {@code jobRetention}). */
  public HubOptions(JsonObject json) {
    HubOptionsJson.fill(this, json);
  }

  /** @return the options as config-file JSON */
  public JsonObject toJson() {
    return HubOptionsJson.write(this);
  }

  /** @return how this hub joins a cluster, or {@code null} for a standalone hub (the default) */
  public ClusterOptions getCluster() {
    return cluster;
  }

  /** @param cluster how to join a cluster, or {@code null} for standalone; @return this */
  public HubOptions setCluster(ClusterOptions cluster) {
    this.cluster = cluster == null ? null : new ClusterOptions(cluster);
    return this;
  }

  /** @return what browsers meet on the HTTP side, the origins allowed besides the hub's own: set them on it */
  public WebOptions getWeb() {
    return web;
  }

  /** @return how jobs are kept: retention and bounds */
  public JobOptions getJobs() {
    return jobs;
  }

  /** @param jobs how jobs are kept; @return this */
  public HubOptions setJobs(JobOptions jobs) {
    this.jobs = new JobOptions(java.util.Objects.requireNonNull(jobs, "jobs"));
    return this;
  }

  public HostPort getListen() {
    return listen;
  }

  /** @param listen where the TCP listener binds (port 0: any free port); @return this */
  public HubOptions setListen(HostPort listen) {
    this.listen = java.util.Objects.requireNonNull(listen, "listen");
    return this;
  }

  public Path getAuthorizedKeys() {
    return authorizedKeys;
  }

  /** @param file the OpenSSH authorized_keys file; @return this */
  public HubOptions setAuthorizedKeys(Path file) {
    this.authorizedKeys = java.util.Objects.requireNonNull(file, "authorizedKeys");
    return this;
  }

  public HostPort getHttp() {
    return http;
  }

  /** @param http where the HTTP API listens (port 0: any free port), or {@code null} for none; @return this */
  public HubOptions setHttp(HostPort http) {
    this.http = http;
    return this;
  }

  public Path getTlsCert() {
    return tlsCert;
  }

  public Path getTlsKey() {
    return tlsKey;
  }

  /** @return whether both listeners speak TLS */
  public boolean isTls() {
    return tlsCert != null;
  }

  /** Makes both listeners speak TLS 1.3 (tls, https, wss): {@code cert} the PEM chain, {@code key} its PEM key; @return this */
  public HubOptions setTls(Path cert, Path key) {
    if ((cert == null) != (key == null) || (key != null && key.toString().isEmpty())) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    this.tlsCert = cert;
    this.tlsKey = key;
    return this;
  }

  public Path getClientCa() {
    return clientCa;
  }

  /** @param ca a PEM CA: peers must then present a client certificate it signed (needs TLS); @return this */
  public HubOptions setClientCa(Path ca) {
    this.clientCa = ca;
    return this;
  }

  public Path getHubKey() {
    return hubKey;
  }

  /** @param file the hub's ed25519 key (OpenSSH), made if missing; {@code null}: {@code hub_key} of {@link #setDataDir}; @return this */
  public HubOptions setHubKey(Path file) {
    this.hubKey = file;
    return this;
  }

  public Path getDataDir() {
    return dataDir;
  }

  /**
   * @param dir where the hub keeps its state, made 0700 when missing: its key (unless {@link #setHubKey}) and its jobs ({@code
   *     jobs.db}); {@code null} (here the default; the command's is ./callmesh-data): none, both kept in memory only; @return this
   */
  public HubOptions setDataDir(Path dir) {
    this.dataDir = dir;
    return this;
  }

  public String getHubId() {
    return hubId;
  }

  /** @param id the hub id signed into every handshake: 1 to 128 printable characters, no ':'; @return this */
  public HubOptions setHubId(String id) {
    if (id == null || id.isEmpty() || id.length() > 128 || id.contains(":") || !id.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("hub id must be 1 to 128 printable ASCII characters without ':' or spaces");
    }
    this.hubId = id;
    return this;
  }

  public int getMaxFrameBytes() {
    return maxFrameBytes;
  }

  /** @param n 1 KiB to 64 MiB; @return this */
  public HubOptions setMaxFrameBytes(int n) {
    this.maxFrameBytes = within(1024, MAX_MAX_FRAME_BYTES, n, "max frame bytes");
    return this;
  }

  /** @return how deep the JSON read from peers (frames, HTTP bodies) may nest */
  public int getMaxJsonDepth() {
    return maxJsonDepth;
  }

  /** @param depth at least 16; deeper input costs the peer its connection ({@code bye PROTOCOL}); @return this */
  public HubOptions setMaxJsonDepth(int depth) {
    this.maxJsonDepth = (int) atLeast(16, depth, "max JSON depth");
    return this;
  }

  /** @return the bounds on JSON from peers: {@link #getMaxJsonDepth()}, numbers of 100 characters, strings as long as a frame */
  public JsonLimits getJsonLimits() {
    return new JsonLimits(maxJsonDepth, JsonLimits.DEFAULT_MAX_NUMBER_LENGTH, maxFrameBytes);
  }

  public long getHeartbeatMs() {
    return heartbeatMs;
  }

  /** @param ms 0 (off) or at least 100 ms; @return this */
  public HubOptions setHeartbeatMs(long ms) {
    this.heartbeatMs = ms == 0 ? 0 : atLeast(100, ms, "heartbeat (ms), unless 0 (off),");
    return this;
  }

  public long getHandshakeTimeoutMs() {
    return handshakeTimeoutMs;
  }

  /** @param ms at least 100 ms; @return this */
  public HubOptions setHandshakeTimeoutMs(long ms) {
    this.handshakeTimeoutMs = atLeast(100, ms, "handshake timeout (ms)");
    return this;
  }

  public long getKeysPollMs() {
    return keysPollMs;
  }

  /** @param ms how often authorized_keys is checked for changes, at least 100 ms; @return this */
  public HubOptions setKeysPollMs(long ms) {
    this.keysPollMs = atLeast(100, ms, "keys poll period (ms)");
    return this;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  /** @param n at least 1; @return this */
  public HubOptions setMaxConnections(int n) {
    this.maxConnections = (int) atLeast(1, n, "max connections");
    return this;
  }

  public int getMaxConnectionsPerSource() {
    return maxConnectionsPerSource;
  }

  /** @param n at least 1; @return this */
  public HubOptions setMaxConnectionsPerSource(int n) {
    this.maxConnectionsPerSource = (int) atLeast(1, n, "max connections per source");
    return this;
  }

  public int getMaxCallsPerSecond() {
    return maxCallsPerSecond;
  }

  /** @param n calls per second per identity, 0 for no limit; @return this */
  public HubOptions setMaxCallsPerSecond(int n) {
    this.maxCallsPerSecond = (int) atLeast(0, n, "max calls per second");
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /** @param n calls one connection may have running at once, at least 1; @return this */
  public HubOptions setMaxInFlight(int n) {
    this.maxInFlight = (int) atLeast(1, n, "max in flight");
    return this;
  }

  public long getShutdownGraceMs() {
    return shutdownGraceMs;
  }

  /** @param ms how long a graceful shutdown waits for calls in flight, 0 or more; @return this */
  public HubOptions setShutdownGraceMs(long ms) {
    this.shutdownGraceMs = atLeast(0, ms, "shutdown grace (ms)");
    return this;
  }

  public boolean isMetrics() {
    return metrics;
  }

  /** @param on whether to serve Prometheus metrics at {@code GET /metrics} of the HTTP port, without authentication; @return this */
  public HubOptions setMetrics(boolean on) {
    this.metrics = on;
    return this;
  }

  public int getEventLoops() {
    return eventLoops;
  }

  /** @param n how many event loops share the connections (TCP and HTTP), 1 to 64; each connection stays on one; @return this */
  public HubOptions setEventLoops(int n) {
    this.eventLoops = within(1, 64, n, "event loops");
    return this;
  }

  public int getLoopFill() {
    return loopFill;
  }

  /**
   * @param n connections per loop before the next loop takes any: the k-th further loop opens once the hub holds
   *     k × n connections, so few connections share one loop and calls between them need no hand-over between
   *     threads; 0 spreads them over every loop from the first (0 to 100,000)
   * @return this
   */
  public HubOptions setLoopFill(int n) {
    this.loopFill = within(0, 100_000, n, "loop fill");
    return this;
  }

  private static int within(int min, int max, int n, String what) {
    if (n < min || n > max) {
      throw new IllegalArgumentException(what + " must be " + min + " to " + max);
    }
    return n;
  }

  private static long atLeast(long min, long n, String what) {
    if (n < min) {
      throw new IllegalArgumentException(what + " must be at least " + min);
    }
    return n;
  }
}
