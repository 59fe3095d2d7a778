package dev.callmesh.spoke;

import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.labels.Labels;
import dev.callmesh.protocol.labels.SpokeNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Settings of a spoke, filled alike from the command line and from a {@code --config} file: the JSON keys
 * are those {@link #toJson()} writes, named after the flags.
 */
public class SpokeOptions {

  /** The hub dialled unless another is given: {@code tcp://127.0.0.1:7400}. */
  public static final String DEFAULT_HUB = "tcp://127.0.0.1:" + HubUrl.DEFAULT_TCP_PORT;
  /** The directory served unless another is given: the working directory. */
  public static final String DEFAULT_ROOT = ".";
  /** Every service a spoke can serve, and the default: {@code fs}, {@code bash}, {@code search}. */
  public static final List<String> SERVICES = List.of("fs", "bash", "search");
  /** First reconnect delay: 100 ms, doubled per failed attempt. */
  public static final long DEFAULT_RECONNECT_BASE_MS = 100;
  /** Longest reconnect delay: 2 s (each delay is jittered down to half). */
  public static final long DEFAULT_RECONNECT_MAX_MS = 2_000;
  /** How long SIGTERM lets running calls finish: 10 s. */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
  /** Threads for short blocking work (fs operations, /search/files, starting commands): 8. */
  public static final int DEFAULT_WORKER_THREADS = 8;
  /** Threads for long-lived work (watches, greps, two or three per running command): 64. */
  public static final int DEFAULT_STREAM_THREADS = 64;
  /** Fewest stream threads: one command with its stdin needs 3. */
  public static final int MIN_STREAM_THREADS = 3;

  private List<HubUrl> hubUrls = List.of(HubUrl.parse(DEFAULT_HUB));
  private String name;
  private Map<String, String> labels = Map.of();
  private String pool;
  private Path keyFile;
  private Path root = Path.of(DEFAULT_ROOT);
  private List<String> services = SERVICES;
  private Path knownHosts;
  private Path caFile;
  private Path certFile;
  private Path certKeyFile;
  private long reconnectBaseMs = DEFAULT_RECONNECT_BASE_MS;
  private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
  private long shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
  private int workerThreads = DEFAULT_WORKER_THREADS;
  private int streamThreads = DEFAULT_STREAM_THREADS;

  /** Default options; a name and a key must still be set. */
  public SpokeOptions() {
  }

  /** A copy of other. */
  public SpokeOptions(SpokeOptions other) {
    this(other.toJson());
  }

  /**
   * From a config file's JSON: {@code hub} (a URL, a comma-separated list of URLs, or an array of URLs), {@code name},
   * {@code labels} (an object of strings), {@code pool}, {@code key}, {@code root}, {@code services}
   * (an array of names), {@code ca}, {@code knownHosts}, {@code cert} and {@code certKey} (file paths),
   * {@code reconnectBase}, {@code reconnectMax} and {@code shutdownGrace} (durations such as "2s"),
   * {@code workerThreads} and {@code streamThreads} (numbers). A missing or {@code null} key keeps the default.
   *
   * @throws IllegalArgumentException for a value of the wrong type or out of range
   */
  public SpokeOptions(JsonObject json) {
    try {
      SpokeOptionsJson.fill(this, json);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a spoke option has the wrong type: " + e.getMessage(), e);
    }
  }

  /** @return the options as config-file JSON; unset files are {@code null} */
  public JsonObject toJson() {
    return new JsonObject()
        .put("hub", HubUrl.format(hubUrls))
        .put("name", name)
        .put("labels", new JsonObject(new java.util.TreeMap<String, Object>(labels)))
        .put("pool", pool)
        .put("key", string(keyFile))
        .put("root", root.toString())
        .put("services", new JsonArray(new ArrayList<>(services)))
        .put("ca", string(caFile))
        .put("knownHosts", string(knownHosts))
        .put("cert", string(certFile))
        .put("certKey", string(certKeyFile))
        .put("reconnectBase", reconnectBaseMs + "ms")
        .put("reconnectMax", reconnectMaxMs + "ms")
        .put("shutdownGrace", shutdownGraceMs + "ms")
        .put("workerThreads", workerThreads)
        .put("streamThreads", streamThreads);
  }

  private static String string(Path p) {
    return p == null ? null : p.toString();
  }

  /** @return the hub dialled first: the first of {@link #getHubUrls()} */
  public HubUrl getHubUrl() {
    return hubUrls.get(0);
  }

  /** @param url the hub to dial, the only one; @return this */
  public SpokeOptions setHubUrl(HubUrl url) {
    this.hubUrls = List.of(required(url, "the hub URL"));
    return this;
  }

  /** @return the hubs to dial, in order, at least one (unmodifiable) */
  public List<HubUrl> getHubUrls() {
    return hubUrls;
  }

  /**
   * @param urls the URLs of hubs of one mesh, at least one: the spoke dials the first when it starts, and
   *     the next (round robin) after it loses a hub or fails to reach one; copied
   * @return this
   */
  public SpokeOptions setHubUrls(List<HubUrl> urls) {
    if (required(urls, "the hub URLs").isEmpty() || urls.stream().anyMatch(u -> u == null)) {
      throw new IllegalArgumentException("the hub URLs must hold at least one URL, and no null");
    }
    this.hubUrls = List.copyOf(urls);
    return this;
  }

  /** @return the labels the spoke claims (unmodifiable; empty for none) */
  public Map<String, String> getLabels() {
    return labels;
  }

  /**
   * @param labels {@code KEY=VALUE} pairs, each key and value 1 to 63 of {@code A-Za-z0-9._-}; copied
   * @return this
   * @throws IllegalArgumentException naming a key or value that is not valid
   */
  public SpokeOptions setLabels(Map<String, String> labels) {
    required(labels, "the labels").forEach(Labels::check);
    this.labels = Map.copyOf(labels);
    return this;
  }

  /** @return the pool the spoke also serves as, or {@code null} */
  public String getPool() {
    return pool;
  }

  /** @param pool a pool name (the rules of spoke names), or {@code null} for none; @return this */
  public SpokeOptions setPool(String pool) {
    this.pool = pool == null ? null : SpokeNames.check(pool, "pool name");
    return this;
  }

  /** @return the spoke name to register as, or {@code null} while unset */
  public String getName() {
    return name;
  }

  /** @param name the spoke name to register as; @return this */
  public SpokeOptions setName(String name) {
    this.name = SpokeNames.check(name, "spoke name");
    return this;
  }

  /** @return the OpenSSH ed25519 private key the spoke's main loads, or {@code null} while unset */
  public Path getKeyFile() {
    return keyFile;
  }

  /** @param file the OpenSSH ed25519 private key; @return this */
  public SpokeOptions setKeyFile(Path file) {
    this.keyFile = required(file, "the key file");
    return this;
  }

  /** @return the directory every operation is confined to */
  public Path getRoot() {
    return root;
  }

  /** @param root the directory every operation is confined to; it must exist when the spoke starts; @return this */
  public SpokeOptions setRoot(Path root) {
    this.root = required(root, "the root");
    return this;
  }

  /** @return the services served, from {@link #SERVICES} */
  public List<String> getServices() {
    return services;
  }

  /**
   * @param services names from {@link #SERVICES}, at least one (duplicates count once)
   * @return this
   */
  public SpokeOptions setServices(List<String> services) {
    required(services, "the services");
    LinkedHashSet<String> set = new LinkedHashSet<>();
    for (String s : services) {
      if (!SERVICES.contains(s)) {
        throw new IllegalArgumentException("unknown service '" + s + "'; choose from " + String.join(",", SERVICES));
      }
      set.add(s);
    }
    if (set.isEmpty()) {
      throw new IllegalArgumentException("a spoke serves at least one service, of " + String.join(",", SERVICES));
    }
    this.services = List.copyOf(set);
    return this;
  }

  /** @return the PEM certificate (or CA) trusted for tls:// and wss:// hubs, or {@code null} for the JDK's */
  public Path getCaFile() {
    return caFile;
  }

  /** @param file a PEM certificate or CA trusted for tls:// and wss:// hubs, or {@code null} for the JDK's; @return this */
  public SpokeOptions setCaFile(Path file) {
    this.caFile = file;
    return this;
  }

  /** @return the OpenSSH known_hosts file for an {@code ssh://} hub URL, or {@code null} for ~/.ssh/known_hosts */
  public Path getKnownHosts() {
    return knownHosts;
  }

  /** @param file the OpenSSH known_hosts file the SSH server's host key must be in, or {@code null}; @return this */
  public SpokeOptions setKnownHosts(Path file) {
    this.knownHosts = file;
    return this;
  }

  /** @return the PEM client certificate presented to a tls:// or wss:// hub that asks for one, or {@code null} */
  public Path getCertFile() {
    return certFile;
  }

  /** @return the PEM private key of {@link #getCertFile()}, or {@code null} */
  public Path getCertKeyFile() {
    return certKeyFile;
  }

  /**
   * Sets the client certificate presented to a tls:// or wss:// hub started with {@code --client-ca}.
   *
   * @param cert a PEM certificate (chain), or {@code null} for none
   * @param key its PEM private key (PKCS#8 or PKCS#1), or {@code null} for none
   * @return this
   * @throws IllegalArgumentException when only one of the two is given
   */
  public SpokeOptions setClientCert(Path cert, Path key) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate needs both --cert and --cert-key");
    }
    this.certFile = cert;
    this.certKeyFile = key;
    return this;
  }

  /** @return the first reconnect delay, in milliseconds */
  public long getReconnectBaseMs() {
    return reconnectBaseMs;
  }

  /** @return the longest reconnect delay, in milliseconds */
  public long getReconnectMaxMs() {
    return reconnectMaxMs;
  }

  /** @param baseMs first delay, at least 10 ms; @param maxMs longest delay, at least baseMs; @return this */
  public SpokeOptions setReconnect(long baseMs, long maxMs) {
    if (baseMs < 10 || maxMs < baseMs) {
      throw new IllegalArgumentException("reconnect delays must be at least 10 ms, and max at least base");
    }
    this.reconnectBaseMs = baseMs;
    this.reconnectMaxMs = maxMs;
    return this;
  }

  /** @return how long a graceful shutdown lets running calls finish, in milliseconds */
  public long getShutdownGraceMs() {
    return shutdownGraceMs;
  }

  /** @param ms how long a graceful shutdown lets running calls finish, 0 or more; @return this */
  public SpokeOptions setShutdownGraceMs(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("shutdown grace must not be negative");
    }
    this.shutdownGraceMs = ms;
    return this;
  }

  /** @return the size of the pool for short blocking work */
  public int getWorkerThreads() {
    return workerThreads;
  }

  /**
   * @param n the size of the pool for short blocking work (fs operations, /search/files, starting and
   *     killing commands), 1 to 1024; calls beyond it wait their turn
   * @return this
   */
  public SpokeOptions setWorkerThreads(int n) {
    if (n < 1 || n > 1024) {
      throw new IllegalArgumentException("worker threads must be 1 to 1024, not " + n);
    }
    this.workerThreads = n;
    return this;
  }

  /** @return the most threads for long-lived work at once */
  public int getStreamThreads() {
    return streamThreads;
  }

  /**
   * @param n the most threads for long-lived work at once, {@value #MIN_STREAM_THREADS} to 10,000: one per
   *     /fs/watch or /search/grep, two per /bash/exec or /bash/run (three while writing its stdin); a call
   *     that finds none free fails with RESOURCE_EXHAUSTED
   * @return this
   */
  public SpokeOptions setStreamThreads(int n) {
    if (n < MIN_STREAM_THREADS || n > 10_000) {
      throw new IllegalArgumentException("stream threads must be " + MIN_STREAM_THREADS + " to 10000, not " + n);
    }
    this.streamThreads = n;
    return this;
  }

  private static <T> T required(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must be given");
    }
    return value;
  }
}
