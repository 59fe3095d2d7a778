package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every scenario against callmesh, NATS and a plain relay, alternating the systems within each
 * repetition, and writes the medians to {@code latest.json} and {@code latest.md}.
 *
 * <pre>
 * java -jar bench/target/callmesh-bench.jar [--quick] [--root PROJECT_DIR] [--out bench/results]
 * </pre>
 */
public final class BenchMain {

  /** How long and how often: the quick plan fits in five minutes, the full one gives stable medians. */
  record Plan(String mode, int reps, long warmMs, long measureMs, int reps10k, int spokes10k, int footprintReps, long idleMs) {
    static final Plan QUICK = new Plan("quick", 2, 1_500, 3_000, 1, 10_000, 2, 2_000);
    static final Plan FULL = new Plan("full", 5, 5_000, 10_000, 3, 10_000, 5, 5_000);
  }

  static final int IN_FLIGHT = 64;
  static final int FANOUT = 100;
  static final int PAYLOAD_SMALL = 100;
  static final int PAYLOAD_LARGE = 64 * 1024;

  private final Plan plan;
  private final Path root;
  private final Path work;
  private final Path jar;
  private final Results results = new Results();
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private Path keyFile;
  private Path authorizedKeys;

  private BenchMain(Plan plan, Path root, Path work, Path jar) {
    this.plan = plan;
    this.root = root;
    this.work = work;
    this.jar = jar;
  }

  public static void main(String[] args) throws Exception {
    Plan plan = Plan.FULL;
    Path root = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> plan = Plan.QUICK;
        case "--root" -> root = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("usage: callmesh-bench [--quick] [--root PROJECT_DIR] [--out DIR]");
          System.exit(2);
        }
      }
    }
    root = root.toAbsolutePath().normalize();
    out = out == null ? root.resolve("bench/results") : out;
    Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path work = Files.createTempDirectory("callmesh-bench-");
    System.out.println("work dir (process logs): " + work);
    BenchMain bench = new BenchMain(plan, root, work, jar);
    long t0 = System.currentTimeMillis();
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
    JsonObject machine = machine(plan);
    bench.results.write(out, machine);
    System.out.println();
    System.out.print(bench.results.toMarkdown(machine));
    System.out.printf(Locale.ROOT, "%nwrote %s/latest.{json,md} in %.0f s%n", out, (System.currentTimeMillis() - t0) / 1000.0);
    System.exit(0);
  }

  private void run() throws Exception {
    SshKeyPair key = SshKeyPair.generate();
    keyFile = work.resolve("bench_ed25519");
    key.writeOpenSsh(keyFile, "bench");
    authorizedKeys = work.resolve("authorized_keys");
    Files.writeString(authorizedKeys, "name=\"bench\",spoke=\"*\",allow=\"/*\" " + key.publicKey().toOpenSsh("bench") + "\n");

    // callmesh: hub, one echo spoke, one process of 100 echo spokes, the Java client
    Proc hub = startHub("hub");
    String hubUrl = hubUrl(hub);
    await(start("cm-echo", Proc.java("-cp", jar.toString(), EchoSpoke.class.getName(), hubUrl, keyFile.toString(), "echo", "1")), "connected to");
    await(start("cm-fan", Proc.java("-cp", jar.toString(), EchoSpoke.class.getName(), hubUrl, keyFile.toString(), "fan", "" + FANOUT)), "connected to");
    CallmeshClient cm = connectClient(hubUrl);

    // nats: nats-server, one responder, 100 responders on 100 subjects, the jnats requester
    Connection nc = null;
    try {
      int natsPort = freePort();
      start("nats-server", List.of("nats-server", "-a", "127.0.0.1", "-p", "" + natsPort));
      waitForPort(natsPort, 10_000);
      String natsUrl = "nats://127.0.0.1:" + natsPort;
      await(start("nats-echo", Proc.java("-cp", jar.toString(), NatsEcho.class.getName(), natsUrl, "echo", "1")), "connected to");
      await(start("nats-fan", Proc.java("-cp", jar.toString(), NatsEcho.class.getName(), natsUrl, "fan", "" + FANOUT)), "connected to");
      nc = Nats.connect(new Options.Builder().server(natsUrl).build());
    } catch (Exception e) {
      results.note("nats not measured: " + e.getMessage());
      System.err.println("nats not measured: " + e);
    }

    // relay: echo responder behind a byte-forwarding relay, the framed client
    Proc relayEcho = await(start("relay-echo", Proc.java("-cp", jar.toString(), RelayEcho.class.getName())), "ready on");
    int echoPort = lastInt(relayEcho.lastLine);
    Proc relay = await(start("relay", Proc.java("-cp", jar.toString(), Relay.class.getName(), "" + echoPort)), "listening on");
    RelayClient rc = RelayClient.connect(vertx, lastInt(relay.lastLine));

    JsonObject small = Systems.input(PAYLOAD_SMALL);
    JsonObject large = Systems.input(PAYLOAD_LARGE);
    for (int rep = 0; rep < plan.reps(); rep++) {
      System.out.printf("%n== repetition %d of %d%n", rep + 1, plan.reps());
      for (String sys : order(rep)) {
        LoadDriver.Target t = target(sys, cm, nc, rc, small, "echo", 1);
        measure("latency_100b", sys, t, 1, r -> {
          results.add("latency_100b", sys, "p50_us", r.quantileUs(0.50));
          results.add("latency_100b", sys, "p99_us", r.quantileUs(0.99));
          results.add("latency_100b", sys, "p999_us", r.quantileUs(0.999));
        });
      }
      for (String sys : order(rep)) {
        measure("throughput_100b", sys, target(sys, cm, nc, rc, small, "echo", 1), IN_FLIGHT,
            r -> results.add("throughput_100b", sys, "rps", r.rps()));
      }
      for (String sys : order(rep)) {
        measure("throughput_64k", sys, target(sys, cm, nc, rc, large, "echo", 1), IN_FLIGHT,
            r -> results.add("throughput_64k", sys, "mbps", r.rps() * PAYLOAD_LARGE / 1e6));
      }
      for (String sys : order(rep)) {
        if (!sys.equals(Systems.RELAY)) {
          measure("fanout_100_spokes", sys, target(sys, cm, nc, rc, small, "fan", FANOUT), IN_FLIGHT, r -> {
            results.add("fanout_100_spokes", sys, "rps", r.rps());
            results.add("fanout_100_spokes", sys, "p99_us", r.quantileUs(0.99));
          });
        }
      }
    }
    results.note("relay has no fan-out figure: it pairs one caller connection with one responder connection.");

    footprint(hubUrl);

    cm.close();
    if (nc != null) {
      nc.close();
    }
    rc.close();
    stopAll();
    spokes10k();
  }

  private LoadDriver.Target target(String sys, CallmeshClient cm, Connection nc, RelayClient rc, JsonObject input,
                                   String prefix, int n) {
    return switch (sys) {
      case Systems.CALLMESH -> Systems.callmesh(cm, input, prefix, n, false);
      case Systems.NATS -> nc == null ? null : Systems.nats(nc, input, prefix, n);
      default -> Systems.relay(rc, input);
    };
  }

  private void measure(String scenario, String sys, LoadDriver.Target target, int inFlight,
                       java.util.function.Consumer<LoadDriver.Result> record) {
    if (target == null) {
      return;
    }
    try {
      LoadDriver.Result r = LoadDriver.run(target, inFlight, plan.warmMs(), plan.measureMs());
      System.out.printf(Locale.ROOT, "%-18s %-9s %9.0f req/s  p50 %8.1f us  p99 %8.1f us  p999 %8.1f us%s%n",
          scenario, sys, r.rps(), r.quantileUs(0.5), r.quantileUs(0.99), r.quantileUs(0.999),
          r.errors() > 0 ? "  errors " + r.errors() : "");
      if (r.errors() > 0) {
        results.note(scenario + " " + sys + ": " + r.errors() + " failed calls in one repetition");
      }
      if (r.calls() > 0) {
        record.accept(r);
      }
    } catch (Exception e) {
      results.note(scenario + " " + sys + " failed: " + e.getMessage());
      System.err.println(scenario + " " + sys + " failed: " + e);
    }
  }

  /** Idle RSS and time to connected of each system's responder JVM. */
  private void footprint(String hubUrl) throws IOException {
    Path spokeRoot = Files.createDirectories(work.resolve("spoke-root"));
    String natsUrl = null;
    for (AutoCloseable c : running) {
      if (c instanceof Proc p && p.name.equals("nats-server")) {
        natsUrl = "nats://127.0.0.1:" + p.port;
      }
    }
    for (int rep = 0; rep < plan.footprintReps(); rep++) {
      for (String sys : order(rep)) {
        List<String> cmd = switch (sys) {
          case Systems.CALLMESH -> Proc.java("-jar", root.resolve("spoke/target/callmesh-spoke.jar").toString(),
              "--hub", hubUrl, "--name", "footprint", "--key", keyFile.toString(), "--root", spokeRoot.toString());
          case Systems.NATS -> natsUrl == null ? null
              : Proc.java("-cp", jar.toString(), NatsEcho.class.getName(), natsUrl, "footprint", "1");
          default -> Proc.java("-cp", jar.toString(), RelayEcho.class.getName());
        };
        if (cmd == null) {
          continue;
        }
        try (Proc p = Proc.start("footprint-" + sys, work, cmd)) {
          p.awaitLine(l -> l.contains("connected to") || l.contains("ready on"), 60_000);
          double startMs = p.sinceStartNanos() / 1e6;
          Thread.sleep(plan.idleMs());
          double rss = p.rssMib();
          System.out.printf(Locale.ROOT, "%-18s %-9s start %6.0f ms  idle RSS %6.1f MiB%n", "spoke_footprint", sys, startMs, rss);
          results.add("spoke_footprint", sys, "start_ms", startMs);
          results.add("spoke_footprint", sys, "rss_mib", rss);
        } catch (Exception e) {
          results.note("spoke_footprint " + sys + " failed: " + e.getMessage());
          System.err.println("spoke_footprint " + sys + " failed: " + e);
        }
      }
    }
    results.note("spoke_footprint: callmesh is the real spoke jar (fs, bash, search); nats is a jnats echo responder"
        + " JVM; relay is the relay's echo responder JVM, which listens instead of connecting (ready = listening).");
  }

  /** 10,000 simulated spokes on a fresh hub: heap after GC, handshake rate, p99 of calls to random spokes. */
  private void spokes10k() {
    int n = plan.spokes10k();
    for (int rep = 0; rep < plan.reps10k(); rep++) {
      try {
        Proc hub = startHub("hub-10k-" + rep);
        String url = hubUrl(hub);
        double idleHeap = hub.heapAfterGcMib();
        Proc sim = start("spoke-sim-" + rep, Proc.java("-Xmx4g", "-cp", jar.toString(), EchoSpoke.class.getName(),
            url, keyFile.toString(), "sim", "" + n, "64"));
        String line = sim.awaitLine(l -> l.startsWith("handshakes"), 600_000);
        Matcher m = Pattern.compile("([0-9.]+)/s").matcher(line);
        double hps = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        sim.awaitLine(l -> l.contains("connected to"), 60_000);
        CallmeshClient client = connectClient(url);
        measure("spokes_10k", Systems.CALLMESH, Systems.callmesh(client, Systems.input(PAYLOAD_SMALL), "sim", n, true), 16,
            r -> results.add("spokes_10k", Systems.CALLMESH, "p99_us", r.quantileUs(0.99)));
        double heap = hub.heapAfterGcMib();
        System.out.printf(Locale.ROOT, "%-18s %-9s %d spokes: %.0f handshakes/s, hub heap %.1f MiB after GC (%.1f MiB before the spokes)%n",
            "spokes_10k", Systems.CALLMESH, n, hps, heap, idleHeap);
        results.add("spokes_10k", Systems.CALLMESH, "handshakes_per_s", hps);
        results.add("spokes_10k", Systems.CALLMESH, "heap_mib", heap);
        if (rep == 0) {
          results.note(String.format(Locale.ROOT, "spokes_10k: the hub's heap after GC was %.1f MiB before the %d spokes"
              + " (%.1f KiB per spoke); handshakes made 64 at a time from one JVM; calls 16 in flight to random spokes.",
              idleHeap, n, (heap - idleHeap) * 1024 / n));
        }
        client.close();
      } catch (Exception e) {
        results.note("spokes_10k failed: " + e.getMessage());
        System.err.println("spokes_10k failed: " + e);
      } finally {
        stopAll();
      }
    }
  }

  private Proc startHub(String name) throws Exception {
    Proc hub = start(name, Proc.java("-jar", root.resolve("hub/target/callmesh-hub.jar").toString(),
        "--listen", "127.0.0.1:0", "--authorized-keys", authorizedKeys.toString(), "--hub-id", "bench"));
    return await(hub, "listening on");
  }

  private String hubUrl(Proc hub) {
    return "tcp://127.0.0.1:" + lastInt(hub.lastLine);
  }

  private CallmeshClient connectClient(String url) throws Exception {
    return CallmeshClient.connect(vertx, new ConnectOptions().setHubUrl(HubUrl.parse(url))
        .setCredentials(Credentials.key(SshKeyPair.load(keyFile, null)))).await();
  }

  private Proc start(String name, List<String> cmd) throws IOException {
    Proc p = Proc.start(name, work, cmd);
    if (name.equals("nats-server")) {
      p.port = Integer.parseInt(cmd.get(cmd.size() - 1));
    }
    running.add(p);
    return p;
  }

  private static Proc await(Proc p, String marker) throws Exception {
    p.lastLine = p.awaitLine(l -> l.contains(marker), 120_000);
    return p;
  }

  private void stopAll() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    running.clear();
  }

  /** @return the systems in the order of this repetition: each takes its turn first */
  private static List<String> order(int rep) {
    List<String> o = new ArrayList<>();
    for (int i = 0; i < Systems.ALL.length; i++) {
      o.add(Systems.ALL[(i + rep) % Systems.ALL.length]);
    }
    return o;
  }

  private static int lastInt(String line) {
    Matcher m = Pattern.compile("(\\d+)\\D*$").matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no port in: " + line);
    }
    return Integer.parseInt(m.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void waitForPort(int port, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IOException("nothing listens on port " + port + " after " + timeoutMs + " ms");
        }
        Thread.sleep(100);
      }
    }
  }

  private static JsonObject machine(Plan plan) throws IOException {
    long memKib = 0;
    for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (l.startsWith("MemTotal:")) {
        memKib = Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memory_mib", memKib / 1024)
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("date", ZonedDateTime.now().withNano(0).toString())
        .put("mode", plan.mode())
        .put("repetitions", plan.reps() + " (spokes_10k " + plan.reps10k() + ", spoke_footprint " + plan.footprintReps() + ")")
        .put("warmup_ms", plan.warmMs())
        .put("measure_ms", plan.measureMs())
        .put("in_flight", IN_FLIGHT);
  }
}
