package dev.callmesh.spoke;

import dev.callmesh.protocol.client.HubUrl;
import java.nio.file.Path;

/** Settings of a spoke process. */
public class SpokeOptions {

  /** First reconnect delay: 100 ms, doubled per failed attempt. */
  public static final long DEFAULT_RECONNECT_BASE_MS = 100;
  /** Longest reconnect delay: 2 s (each delay is jittered down to half). */
  public static final long DEFAULT_RECONNECT_MAX_MS = 2_000;

  private HubUrl hubUrl = HubUrl.parse("tcp://127.0.0.1:" + HubUrl.DEFAULT_TCP_PORT);
  private String name;
  private Path keyFile;
  private Path root = Path.of(".");
  private Path knownHosts;
  private Path caFile;
  private long reconnectBaseMs = DEFAULT_RECONNECT_BASE_MS;
  private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;

  /** Default options; a name and a key must still be set. */
  public SpokeOptions() {
  }

  public HubUrl getHubUrl() {
    return hubUrl;
  }

  /** @param url the hub to dial; @return this */
  public SpokeOptions setHubUrl(HubUrl url) {
    this.hubUrl = java.util.Objects.requireNonNull(url, "hubUrl");
    return this;
  }

  public String getName() {
    return name;
  }

  /** @param name the spoke name to register as; @return this */
  public SpokeOptions setName(String name) {
    if (name == null || !name.matches("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")) {
      throw new IllegalArgumentException("spoke name must be 1-63 of a-z, 0-9 and '-', starting and ending "
          + "with a letter or digit, not '" + name + "'");
    }
    this.name = name;
    return this;
  }

  public Path getKeyFile() {
    return keyFile;
  }

  /** @param file the OpenSSH ed25519 private key; @return this */
  public SpokeOptions setKeyFile(Path file) {
    this.keyFile = file;
    return this;
  }

  public Path getRoot() {
    return root;
  }

  /** @param root the directory the fs operations are confined to; @return this */
  public SpokeOptions setRoot(Path root) {
    this.root = java.util.Objects.requireNonNull(root, "root");
    return this;
  }

  /** @return the known_hosts file for an {@code ssh://} hub URL, or {@code null} for ~/.ssh/known_hosts */
  public Path getCaFile() {
    return caFile;
  }

  /** @param file a PEM certificate or CA trusted for tls:// and wss:// hubs, or {@code null} for the JDK's; @return this */
  public SpokeOptions setCaFile(Path file) {
    this.caFile = file;
    return this;
  }

  public Path getKnownHosts() {
    return knownHosts;
  }

  /** @param file the OpenSSH known_hosts file the SSH server's host key must be in; @return this */
  public SpokeOptions setKnownHosts(Path file) {
    this.knownHosts = file;
    return this;
  }

  public long getReconnectBaseMs() {
    return reconnectBaseMs;
  }

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
}
