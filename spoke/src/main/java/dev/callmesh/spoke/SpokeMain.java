package dev.callmesh.spoke;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.HubUrl;
import dev.callmesh.protocol.util.FlagOrEnv;
import dev.callmesh.protocol.util.LogFormat;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar callmesh-spoke.jar}: serves a directory's fs operations to a hub (SPEC §6). */
@Command(name = "callmesh-spoke", mixinStandardHelpOptions = true, version = "callmesh-spoke 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Dials out to a callmesh hub, registers as NAME and serves operations on --root.",
        "Reconnects with backoff whenever the hub goes away. Every option also reads the environment",
        "variable shown; an encrypted key takes its passphrase from CALLMESH_KEY_PASSPHRASE."},
    footer = {"", "Example:",
        "  java -jar callmesh-spoke.jar --hub tcp://127.0.0.1:7400 --name dev1 --key ~/.ssh/id_ed25519 --root ~/work"})
public final class SpokeMain implements Callable<Integer> {

  /** How long SIGTERM lets running calls finish. */
  static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(10);

  @Option(names = "--hub", paramLabel = "URL", description = "Hub URL, e.g. tcp://host:7400 (env CALLMESH_HUB; default tcp://127.0.0.1:7400)")
  String hub;

  @Option(names = "--name", paramLabel = "NAME", description = "Spoke name to register as (env CALLMESH_NAME)")
  String name;

  @Option(names = "--key", paramLabel = "FILE", description = "OpenSSH ed25519 private key (env CALLMESH_KEY)")
  Path key;

  @Option(names = "--root", paramLabel = "DIR", description = "Directory the operations are confined to (env CALLMESH_ROOT; default .)")
  Path root;

  @Option(names = "--services", paramLabel = "LIST", description = "Services to serve, of fs,bash,search (env CALLMESH_SERVICES; default all)")
  String services;

  @Option(names = "--ca", paramLabel = "PEM", description = "Trust this certificate (or CA) for tls:// and wss:// hub URLs (env CALLMESH_CA; default the JDK's trust store)")
  Path ca;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "OpenSSH known_hosts checked for an ssh:// hub URL's SSH server (env CALLMESH_KNOWN_HOSTS; default ~/.ssh/known_hosts)")
  Path knownHosts;

  @Option(names = "--log-format", paramLabel = "FORMAT",
      description = "Log lines on stderr: readable 'text', or 'json' objects one per line whose mdc has callId, op and"
          + " traceId on lines about a call (default text; env CALLMESH_LOG_FORMAT; level: env CALLMESH_LOG_LEVEL)")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    LogFormat.select(logFormat); // before anything makes a logger
    SpokeOptions options = new SpokeOptions();
    String hubUrl = FlagOrEnv.string(hub, "CALLMESH_HUB");
    if (hubUrl != null) {
      options.setHubUrl(HubUrl.parse(hubUrl));
    }
    String n = FlagOrEnv.string(name, "CALLMESH_NAME");
    Path k = FlagOrEnv.value(key, "CALLMESH_KEY", Path::of);
    if (n == null || k == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--name and --key are required (or CALLMESH_NAME and CALLMESH_KEY)");
    }
    options.setName(n).setKeyFile(k);
    Path r = FlagOrEnv.value(root, "CALLMESH_ROOT", Path::of);
    Path rootDir = r == null ? Path.of(".") : r;
    if (!Files.isDirectory(rootDir)) {
      System.err.println("callmesh-spoke: root " + rootDir.toAbsolutePath() + " is not a directory");
      return 2;
    }
    options.setRoot(rootDir);
    Path kh = FlagOrEnv.value(knownHosts, "CALLMESH_KNOWN_HOSTS", Path::of);
    if (kh != null) {
      options.setKnownHosts(kh);
    }
    Path caFile = FlagOrEnv.value(ca, "CALLMESH_CA", Path::of);
    if (caFile != null) {
      options.setCaFile(caFile);
    }
    String passphrase = System.getenv("CALLMESH_KEY_PASSPHRASE");
    SshKeyPair keyPair = SshKeyPair.load(options.getKeyFile(), passphrase == null ? null : passphrase.toCharArray());
    String list = FlagOrEnv.string(services, "CALLMESH_SERVICES");
    List<String> names = Arrays.stream((list == null ? String.join(",", SpokeServices.KNOWN) : list).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    OperationRegistry registry = SpokeServices.registry(rootDir, names,
        s -> System.err.println("callmesh-spoke: note: service '" + s + "' is not in this build yet"));

    Vertx vertx = Vertx.vertx();
    Spoke spoke = Spoke.create(vertx, options, keyPair, registry);
    try {
      spoke.start().await();
    } catch (Exception e) {
      System.err.println("callmesh-spoke: " + e.getMessage());
      vertx.close().await(5, TimeUnit.SECONDS);
      return 1;
    }
    System.out.println("callmesh spoke " + n + " connected to " + options.getHubUrl() + " serving "
        + rootDir.toAbsolutePath().normalize());
    System.out.flush();
    // SIGTERM and SIGINT: withdraw the operations, let running calls finish (10 s at most), then exit 0.
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable graceful = () -> {
      try {
        spoke.shutdown(SHUTDOWN_GRACE).compose(v -> vertx.close()).await(SHUTDOWN_GRACE.toSeconds() + 10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    };
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
        if (stopped.getCount() > 0) {
          new Thread(graceful, "callmesh-spoke-shutdown").start();
        }
      });
    }
    String reason = spoke.terminated().await();
    if (stopped.getCount() == 0 || "closed".equals(reason)) {
      stopped.await();
      return 0;
    }
    System.err.println("callmesh-spoke: stopped: " + reason);
    return 3;
  }

  /**
   * Runs the spoke; exits 2 on a usage error, 1 when it cannot start, 3 when a newer spoke of the same
   * identity and name took its place.
   */
  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new SpokeMain());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("callmesh-spoke: " + ex.getMessage());
      return ex instanceof IllegalArgumentException ? 2 : 1;
    });
    System.exit(cl.execute(args));
  }
}
