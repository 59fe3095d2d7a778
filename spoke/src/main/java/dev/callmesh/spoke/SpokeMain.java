package dev.callmesh.spoke;

import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.labels.Labels;
import dev.callmesh.protocol.launch.GracefulStop;
import dev.callmesh.protocol.launch.Launcher;
import dev.callmesh.protocol.util.Durations;
import dev.callmesh.protocol.util.FlagOrEnv;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar callmesh-spoke.jar}: serves a directory's operations to a hub (README, "Running a hub
 * and spokes with your own keys"). Each setting comes from its flag, else its {@code CALLMESH_*}
 * variable, else the {@code --config} file, else {@link SpokeOptions}'s default.
 */
@Command(name = "callmesh-spoke", mixinStandardHelpOptions = true, version = "callmesh-spoke 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Dials out to a callmesh hub, registers as NAME and serves operations on --root.",
        "Reconnects with backoff whenever the hub goes away. Every option can also be set by the",
        "environment variable shown, or in a --config JSON file; the command line wins over the",
        "environment, which wins over the file. An encrypted key takes its passphrase from",
        "CALLMESH_KEY_PASSPHRASE."},
    footer = {"", "Example:",
        "  java -jar callmesh-spoke.jar --hub tcp://127.0.0.1:7400 --name dev1 --key ~/.ssh/id_ed25519 --root ~/work"})
public final class SpokeMain implements Callable<Integer> {

  /** Exit code when a newer spoke of the same identity and name took this one's place. */
  static final int EXIT_REPLACED = 3;

  private static final Launcher LAUNCHER = Launcher.create("callmesh-spoke");

  @Option(names = "--hub", paramLabel = "URL[,URL...]",
      description = "Hub URL, e.g. tcp://host:7400, or a comma-separated list of hubs of one mesh: the first is dialled at"
          + " start, the next after each loss or failed attempt (env CALLMESH_HUB; default tcp://127.0.0.1:7400)")
  String hub;

  @Option(names = "--name", paramLabel = "NAME", description = "Spoke name to register as (env CALLMESH_NAME)")
  String name;

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "A label the spoke claims, for fan-out targeting (repeatable; env CALLMESH_LABELS=k=v,k2=v2; keys and"
          + " values 1-63 of A-Z a-z 0-9 . _ -). A labels= option on the key's authorized_keys line wins for its keys")
  List<String> labels;

  @Option(names = "--pool", paramLabel = "NAME",
      description = "Also serve calls addressed to /NAME/...: the hub sends each to the pool member with the fewest calls"
          + " in flight. The key must be granted NAME in spoke= (env CALLMESH_POOL)")
  String pool;

  @Option(names = "--key", paramLabel = "FILE", description = "OpenSSH ed25519 private key (env CALLMESH_KEY)")
  Path key;

  @Option(names = "--root", paramLabel = "DIR", description = "Directory the operations are confined to (env CALLMESH_ROOT; default .)")
  Path root;

  @Option(names = "--services", paramLabel = "LIST", description = "Services to serve, of fs,bash,search (env CALLMESH_SERVICES; default all)")
  String services;

  @Option(names = "--ca", paramLabel = "PEM", description = "Trust this certificate (or CA) for tls:// and wss:// hub URLs (env CALLMESH_CA; default the JDK's trust store)")
  Path ca;

  @Option(names = "--cert", paramLabel = "PEM",
      description = "Client certificate for a tls:// or wss:// hub that demands one (--client-ca); needs --cert-key (env CALLMESH_CERT)")
  Path cert;

  @Option(names = "--cert-key", paramLabel = "PEM", description = "Private key of --cert, PKCS#8 or PKCS#1 (env CALLMESH_CERT_KEY)")
  Path certKey;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "OpenSSH known_hosts checked for an ssh:// hub URL's SSH server (env CALLMESH_KNOWN_HOSTS; default ~/.ssh/known_hosts)")
  Path knownHosts;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION",
      description = "On SIGTERM, how long running calls may finish before the spoke leaves (default 10s; env CALLMESH_SHUTDOWN_GRACE)")
  String shutdownGrace;

  @Option(names = "--config", paramLabel = "FILE",
      description = "JSON config file with the same settings, plus reconnect delays and pool sizes (env CALLMESH_CONFIG)")
  Path config;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "Log lines on stderr: readable 'text', or 'json' objects one per line whose mdc has callId, op and"
          + " traceId on lines about a call (default text; env CALLMESH_LOG_FORMAT; level: env CALLMESH_LOG_LEVEL)")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    LAUNCHER.selectLogFormat(logFormat); // before anything makes a logger
    SpokeOptions options = options();
    if (!Files.isDirectory(options.getRoot())) {
      LAUNCHER.error("root " + options.getRoot().toAbsolutePath() + " is not a directory");
      return Launcher.EXIT_USAGE;
    }
    String passphrase = System.getenv("CALLMESH_KEY_PASSPHRASE");
    SshKeyPair keyPair = SshKeyPair.load(options.getKeyFile(), passphrase == null ? null : passphrase.toCharArray());

    Vertx vertx = Vertx.vertx();
    Spoke spoke = Spoke.create(vertx, options, keyPair);
    if (!LAUNCHER.started(vertx, spoke.start(), null)) {
      return Launcher.EXIT_FAILURE;
    }
    System.out.println("callmesh spoke " + options.getName() + " connected to " + spoke.hubUrl() + " serving "
        + options.getRoot().toAbsolutePath().normalize());
    System.out.flush();
    // SIGTERM and SIGINT: withdraw the operations, let running calls finish (--shutdown-grace), then exit 0.
    Duration grace = Duration.ofMillis(options.getShutdownGraceMs());
    GracefulStop stop = LAUNCHER.onSignals(() -> spoke.shutdown(grace).compose(v -> vertx.close()), grace.plusSeconds(10));
    String reason = spoke.terminated().await();
    if (stop.requested()) {
      stop.await();
      return 0;
    }
    LAUNCHER.error("stopped: " + reason);
    return EXIT_REPLACED;
  }

  /** @return the options: each from its flag, else its variable, else the config file, else the default */
  SpokeOptions options() {
    Path configFile = FlagOrEnv.value(config, "CALLMESH_CONFIG", Path::of);
    SpokeOptions o = configFile == null ? new SpokeOptions() : new SpokeOptions(Launcher.readConfig(configFile));
    FlagOrEnv.apply(hub, "CALLMESH_HUB", x -> x, v -> o.setHubUrls(HubUrl.parseList(v)));
    FlagOrEnv.apply(name, "CALLMESH_NAME", x -> x, o::setName);
    FlagOrEnv.apply(key, "CALLMESH_KEY", Path::of, o::setKeyFile);
    if (o.getName() == null || o.getKeyFile() == null) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--name and --key are required (or CALLMESH_NAME and CALLMESH_KEY, or name and key in --config)");
    }
    FlagOrEnv.apply(labels == null ? null : Labels.parse(String.join(",", labels)), "CALLMESH_LABELS", Labels::parse,
        o::setLabels);
    FlagOrEnv.apply(pool, "CALLMESH_POOL", x -> x, o::setPool);
    FlagOrEnv.apply(root, "CALLMESH_ROOT", Path::of, o::setRoot);
    FlagOrEnv.apply(services, "CALLMESH_SERVICES", x -> x,
        v -> o.setServices(Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
    FlagOrEnv.apply(ca, "CALLMESH_CA", Path::of, o::setCaFile);
    FlagOrEnv.apply(knownHosts, "CALLMESH_KNOWN_HOSTS", Path::of, o::setKnownHosts);
    Path c = FlagOrEnv.value(cert, "CALLMESH_CERT", Path::of);
    Path ck = FlagOrEnv.value(certKey, "CALLMESH_CERT_KEY", Path::of);
    o.setClientCert(c != null ? c : o.getCertFile(), ck != null ? ck : o.getCertKeyFile());
    FlagOrEnv.apply(shutdownGrace, "CALLMESH_SHUTDOWN_GRACE", x -> x,
        v -> o.setShutdownGraceMs(Durations.parse(v).toMillis()));
    return o;
  }

  /**
   * Runs the spoke; exits 2 on a usage error, 1 when it cannot start, 3 when a newer spoke of the same
   * identity and name took its place, 0 after a graceful stop.
   */
  public static void main(String[] args) {
    System.exit(LAUNCHER.execute(new SpokeMain(), args));
  }
}
