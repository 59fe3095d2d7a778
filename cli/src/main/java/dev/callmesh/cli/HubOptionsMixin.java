package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.FlagOrEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a hub shares: where it is, which key to use, and the TLS settings
 * of tls:// and wss:// hub URLs (the CA to trust, the client certificate to present).
 */
final class HubOptionsMixin {

  @Option(names = "--hub", paramLabel = "URL[,URL...]", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Hub URL, or a comma-separated list of the URLs of hubs of one mesh: the command uses the first"
          + " that answers, in order (env CALLMESH_HUB; default tcp://127.0.0.1:7400)")
  String hub;

  @Option(names = "--key", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "OpenSSH ed25519 private key (env CALLMESH_KEY; default ~/.ssh/id_ed25519)")
  Path key;

  @Option(names = "--ca", paramLabel = "PEM", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Trust this certificate (or CA) for tls:// and wss:// hub URLs (env CALLMESH_CA)")
  Path ca;

  @Option(names = "--known-hosts", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "OpenSSH known_hosts checked for an ssh:// hub URL (env CALLMESH_KNOWN_HOSTS; default ~/.ssh/known_hosts)")
  Path knownHosts;

  @Option(names = "--cert", paramLabel = "PEM", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Client certificate (chain) to present for tls:// and wss:// hub URLs when the hub demands one"
          + " (its --client-ca); needs --cert-key (env CALLMESH_CERT)")
  Path cert;

  @Option(names = "--cert-key", paramLabel = "PEM", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Private key of --cert, PEM (env CALLMESH_CERT_KEY)")
  Path certKey;

  /** How many times a command tries a query again when --retries and CALLMESH_RETRIES are not given. */
  static final int DEFAULT_RETRIES = 0;

  @Option(names = "--retries", paramLabel = "N", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Try a query again up to N times (0 to 100) when it fails with a retryable error (UNAVAILABLE,"
          + " TIMEOUT, RESOURCE_EXHAUSTED), after jittered waits and within its deadline; when its hub is lost,"
          + " on the next hub of --hub. Mutations and subscriptions are never tried again"
          + " (env CALLMESH_RETRIES; default " + DEFAULT_RETRIES + ")")
  Integer retries;

  /**
   * @return the hub URLs from the flag, the environment or the default, in the order they are tried
   * @throws IllegalArgumentException (a usage error) naming an entry that is not a hub URL
   */
  List<HubUrl> hubUrls() {
    String v = FlagOrEnv.string(hub, "CALLMESH_HUB");
    return HubUrl.parseList(v == null ? "tcp://127.0.0.1:" + HubUrl.DEFAULT_TCP_PORT : v);
  }

  /** @return the key file from the flag, the environment or ~/.ssh/id_ed25519 */
  Path keyFile() {
    Path given = FlagOrEnv.value(key, "CALLMESH_KEY", Path::of);
    return given != null ? given : Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519");
  }

  /**
   * @return the key pair from {@link #keyFile()}
   * @throws CallException UNAUTHENTICATED when it is missing or cannot be read, saying what to do
   * @throws IllegalArgumentException (a usage error) when it is a public key, naming the private one
   */
  SshKeyPair loadKey() {
    Path file = keyFile();
    if (!Files.exists(file)) {
      throw CallException.of(ErrorCode.UNAUTHENTICATED, "no key at " + file
          + "; pass --key FILE or set CALLMESH_KEY (make one with: callmesh keygen FILE)");
    }
    if (isPublicKey(file)) {
      String name = file.getFileName().toString();
      Path priv = name.endsWith(".pub") ? file.resolveSibling(name.substring(0, name.length() - 4)) : null;
      throw new IllegalArgumentException("--key " + file + " is a public key; --key needs the private key file"
          + (priv == null ? "" : ", " + priv + " (the one without .pub)"));
    }
    try {
      String passphrase = System.getenv("CALLMESH_KEY_PASSPHRASE");
      return SshKeyPair.load(file, passphrase == null ? null : passphrase.toCharArray());
    } catch (IOException e) {
      throw CallException.of(ErrorCode.UNAUTHENTICATED, "cannot read key " + file + ": " + e.getMessage());
    }
  }

  private static boolean isPublicKey(Path file) {
    try {
      return file.getFileName().toString().endsWith(".pub")
          || Files.isRegularFile(file) && Files.size(file) < 4096 && Files.readString(file).startsWith("ssh-");
    } catch (IOException | RuntimeException unreadable) {
      return false; // loading it says what is wrong
    }
  }

  /**
   * @return how many times a query may be tried again, from the flag, the environment or the default
   * @throws IllegalArgumentException (a usage error) when it is not a whole number from 0 to 100
   */
  int retries() {
    Integer n = FlagOrEnv.value(retries, "CALLMESH_RETRIES", v -> {
      try {
        return Integer.valueOf(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("CALLMESH_RETRIES must be a whole number from 0 to 100, not '" + v + "'");
      }
    });
    if (n != null && (n < 0 || n > 100)) {
      throw new IllegalArgumentException("--retries must be from 0 to 100, not " + n);
    }
    return n == null ? DEFAULT_RETRIES : n;
  }

  /**
   * @return a future of a client connected with these options, to the first of {@link #hubUrls()} that answers;
   *     it tries queries again {@link #retries()} times, and moves to the next hub when it loses its own
   * @throws IllegalArgumentException (a usage error) when only one of --cert and --cert-key is given, the
   *     key is a public key, or --retries is out of range
   */
  Future<CallmeshClient> connect(Vertx vertx) {
    Path certPath = FlagOrEnv.value(cert, "CALLMESH_CERT", Path::of);
    Path certKeyPath = FlagOrEnv.value(certKey, "CALLMESH_CERT_KEY", Path::of);
    if ((certPath == null) != (certKeyPath == null)) {
      throw new IllegalArgumentException("a client certificate needs both --cert and --cert-key (env CALLMESH_CERT and"
          + " CALLMESH_CERT_KEY); " + (certPath == null ? "--cert" : "--cert-key") + " is missing");
    }
    int maxRetries = retries();
    SshKeyPair pair;
    try {
      pair = loadKey(); // a usage error (IllegalArgumentException) is thrown, as documented above
    } catch (CallException e) {
      return Future.failedFuture(e);
    }
    return CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions()
        .setHubUrls(hubUrls())
        .setCredentials(Credentials.key(pair))
        .setSshKey(pair)
        .setCaFile(FlagOrEnv.value(ca, "CALLMESH_CA", Path::of))
        .setKnownHosts(FlagOrEnv.value(knownHosts, "CALLMESH_KNOWN_HOSTS", Path::of))
        .setClientCert(certPath, certKeyPath)
        .setClient(new io.vertx.core.json.JsonObject().put("name", "callmesh-cli").put("version", CliMain.VERSION)))
        .setMaxRetries(maxRetries));
  }
}
