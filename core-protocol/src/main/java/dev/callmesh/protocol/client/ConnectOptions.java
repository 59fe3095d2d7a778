package dev.callmesh.protocol.client;

import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallHandler;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** How to reach a hub and who to be there. */
public class ConnectOptions {

  /** The default frame limit: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** How long the handshake may take: 10 s. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
  /** How long to wait for the TCP connection: 5 s. */
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

  private java.util.List<HubUrl> hubUrls = java.util.List.of(HubUrl.parse("tcp://127.0.0.1:" + HubUrl.DEFAULT_TCP_PORT));
  private Credentials credentials;
  private String spokeName;
  private JsonArray operations;
  private java.util.Map<String, String> labels = java.util.Map.of();
  private String pool;
  private JsonObject client = new JsonObject().put("name", "callmesh-java").put("version", "0.1.0");
  private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private JsonLimits jsonLimits = JsonLimits.DEFAULTS;
  private long handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
  private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  private CallEngineOptions engineOptions = new CallEngineOptions();
  private dev.callmesh.protocol.auth.SshKeyPair sshKey;
  private java.nio.file.Path knownHosts;
  private java.nio.file.Path caFile;
  private java.nio.file.Path certFile;
  private java.nio.file.Path certKeyFile;
  private CallHandler callHandler = call -> call.fail(CallException.of(ErrorCode.NOT_FOUND,
      "this peer serves no operations"));

  /** Default options: a plain client of tcp://127.0.0.1:7400 without credentials. */
  public ConnectOptions() {
  }

  /** @return the hub's URL: the first of {@link #getHubUrls()}, the one {@link HubConnector#connect(ConnectOptions)} dials */
  public HubUrl getHubUrl() {
    return hubUrls.get(0);
  }

  /** @param url the hub's URL, the only one; @return this */
  public ConnectOptions setHubUrl(HubUrl url) {
    this.hubUrls = java.util.List.of(java.util.Objects.requireNonNull(url, "hubUrl"));
    return this;
  }

  /** @return the hubs' URLs in the order they are tried, at least one (unmodifiable) */
  public java.util.List<HubUrl> getHubUrls() {
    return hubUrls;
  }

  /**
   * @param urls the URLs of hubs that serve the same mesh, in the order they are tried (see
   *     {@link HubConnector#connectFirst(ConnectOptions)}); copied
   * @return this
   * @throws IllegalArgumentException when the list is {@code null}, empty or holds a {@code null}
   */
  public ConnectOptions setHubUrls(java.util.List<HubUrl> urls) {
    if (urls == null || urls.isEmpty() || urls.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("hubUrls must hold at least one URL, and no null");
    }
    this.hubUrls = java.util.List.copyOf(urls);
    return this;
  }

  /** @return the proof of identity */
  public Credentials getCredentials() {
    return credentials;
  }

  /** @param credentials the proof of identity; @return this */
  public ConnectOptions setCredentials(Credentials credentials) {
    this.credentials = credentials;
    return this;
  }

  /** @return the spoke name to register as, or {@code null} for a plain client */
  public String getSpokeName() {
    return spokeName;
  }

  /** @param name the spoke name to register as, or {@code null}; @return this */
  public ConnectOptions setSpokeName(String name) {
    this.spokeName = name;
    return this;
  }

  /** @return the labels a spoke claims in its hello (unmodifiable; empty for none) */
  public java.util.Map<String, String> getLabels() {
    return labels;
  }

  /**
   * @param labels the labels to claim, each key and value 1 to 63 of {@code A-Za-z0-9._-}; copied
   * @return this
   * @throws IllegalArgumentException naming a key or value that is not valid
   */
  public ConnectOptions setLabels(java.util.Map<String, String> labels) {
    labels.forEach(dev.callmesh.protocol.labels.Labels::check);
    this.labels = java.util.Map.copyOf(labels);
    return this;
  }

  /** @return the pool a spoke also serves as, or {@code null} */
  public String getPool() {
    return pool;
  }

  /** @param pool the pool to also serve calls addressed to (a spoke name), or {@code null}; @return this */
  public ConnectOptions setPool(String pool) {
    this.pool = pool;
    return this;
  }

  /** @return the OperationSpecs announced in the hello, or {@code null} */
  public JsonArray getOperations() {
    return operations;
  }

  /** @param operations OperationSpec JSON objects, spoke-relative names; @return this */
  public ConnectOptions setOperations(JsonArray operations) {
    this.operations = operations;
    return this;
  }

  /** @return {@code {"name","version"}} of the client software */
  public JsonObject getClient() {
    return client;
  }

  /** @param client {@code {"name","version"}}; @return this */
  public ConnectOptions setClient(JsonObject client) {
    this.client = client;
    return this;
  }

  /** @return the largest frame read or written */
  public int getMaxFrameBytes() {
    return maxFrameBytes;
  }

  /** @param n 1 KiB to 64 MiB; @return this */
  public ConnectOptions setMaxFrameBytes(int n) {
    if (n < 1024 || n > 64 * 1024 * 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be 1 KiB to 64 MiB");
    }
    this.maxFrameBytes = n;
    return this;
  }

  /** @return the bounds on the JSON read from the hub (by default {@link JsonLimits#DEFAULTS}) */
  public JsonLimits getJsonLimits() {
    return jsonLimits;
  }

  /** @param limits the bounds on the JSON read from the hub, not {@code null}; @return this */
  public ConnectOptions setJsonLimits(JsonLimits limits) {
    this.jsonLimits = java.util.Objects.requireNonNull(limits, "jsonLimits");
    return this;
  }

  /** @return how long the handshake may take */
  public long getHandshakeTimeoutMs() {
    return handshakeTimeoutMs;
  }

  /** @param ms positive; @return this */
  public ConnectOptions setHandshakeTimeoutMs(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("handshakeTimeoutMs must be positive");
    }
    this.handshakeTimeoutMs = ms;
    return this;
  }

  /** @return how long to wait for the connection */
  public int getConnectTimeoutMs() {
    return connectTimeoutMs;
  }

  /** @param ms positive; @return this */
  public ConnectOptions setConnectTimeoutMs(int ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("connectTimeoutMs must be positive");
    }
    this.connectTimeoutMs = ms;
    return this;
  }

  /** @return the call engine's settings (the heartbeat follows the hub's welcome) */
  public CallEngineOptions getEngineOptions() {
    return engineOptions;
  }

  /** @param options the call engine's settings; @return this */
  public ConnectOptions setEngineOptions(CallEngineOptions options) {
    this.engineOptions = options;
    return this;
  }

  /** @return the key that logs in to the SSH server of an {@code ssh://} hub URL, or {@code null} */
  public dev.callmesh.protocol.auth.SshKeyPair getSshKey() {
    return sshKey;
  }

  /** @param key the key for the SSH server of an {@code ssh://} URL (the same key serves callmesh); @return this */
  public ConnectOptions setSshKey(dev.callmesh.protocol.auth.SshKeyPair key) {
    this.sshKey = key;
    return this;
  }

  /** @return the OpenSSH known_hosts file the SSH server's host key is checked against, or {@code null} for ~/.ssh/known_hosts */
  public java.nio.file.Path getKnownHosts() {
    return knownHosts;
  }

  /** @param file an OpenSSH known_hosts file; @return this */
  public ConnectOptions setKnownHosts(java.nio.file.Path file) {
    this.knownHosts = file;
    return this;
  }

  /** @return the PEM certificate (or CA) trusted for {@code tls://} and {@code wss://}, or {@code null} for the JDK's trust store */
  public java.nio.file.Path getCaFile() {
    return caFile;
  }

  /** @param file a PEM certificate or CA bundle; @return this */
  public ConnectOptions setCaFile(java.nio.file.Path file) {
    this.caFile = file;
    return this;
  }

  /**
   * @return the PEM certificate (chain) this client presents for {@code tls://} and {@code wss://} when
   *     the hub asks for one ({@code --client-ca}), or {@code null} for none
   */
  public java.nio.file.Path getCertFile() {
    return certFile;
  }

  /**
   * Sets the client certificate and its key, presented when the hub asks for one.
   *
   * @param cert a PEM certificate (chain), or {@code null} for none
   * @param key the PEM private key of the certificate (PKCS#8 or PKCS#1), or {@code null}
   * @return this
   * @throws IllegalArgumentException when only one of the two is given
   */
  public ConnectOptions setClientCert(java.nio.file.Path cert, java.nio.file.Path key) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate needs both --cert and --cert-key");
    }
    this.certFile = cert;
    this.certKeyFile = key;
    return this;
  }

  /** @return the PEM private key of {@link #getCertFile()}, or {@code null} */
  public java.nio.file.Path getCertKeyFile() {
    return certKeyFile;
  }

  /** @return what serves the calls the hub makes to us */
  public CallHandler getCallHandler() {
    return callHandler;
  }

  /** @param handler serves the calls the hub makes to us; @return this */
  public ConnectOptions setCallHandler(CallHandler handler) {
    this.callHandler = handler;
    return this;
  }
}
