package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
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
  record Plan(String mode, int reps, long warmMs, long measureMs, int reps10k, int spokes10k, int footprintReps, long idleMs,
              long jitWarmMs) {
    static final Plan QUICK = new Plan("quick", 2, 1_000, 2_500, 1, 10_000, 2, 2_000, 4_500);
    static final Plan FULL = new Plan("full", 5, 5_000, 10_000, 3, 10_000, 5, 5_000, 15_000);
  }

  static final int IN_FLIGHT = 64;
  static final int FANOUT = 100;
  static final int PAYLOAD_SMALL = 100;
  static final int PAYLOAD_LARGE = 64 * 1024;

  private final Plan plan;
  private final Path root;
  final Path work;
  private final Path jar;
  private final Results results = new Results();
  private final List<AutoCloseable> running = new ArrayList<>();
  final Vertx vertx = Vertx.vertx();
  private final java.util.Map<String, Stack> stacks = new java.util.HashMap<>();
  private Path keyFile;
  private Path authorizedKeys;

  private final List<String> systems;
  private final List<String> scenarios;

  private BenchMain(Plan plan, Path root, Path work, Path jar, List<String> systems, List<String> scenarios) {
    this.systems = systems;
    this.scenarios = scenarios;
    this.plan = plan;
    this.root = root;
    this.work = work;
    this.jar = jar;
  }

  public static void main(String[] args) throws Exception {
    Plan plan = Plan.FULL;
    Path root = Path.of(".");
    Path out = null;
    List<String> systems = List.of(Systems.ALL);
    List<String> scenarios = new ArrayList<>(Results.METRICS.keySet());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> plan = Plan.QUICK;
        case "--root" -> root = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--systems" -> systems = List.of(args[++i].split(","));
        case "--scenarios" -> scenarios = List.of(args[++i].split(","));
        default -> {
          System.err.println("usage: callmesh-bench [--quick] [--root PROJECT_DIR] [--out DIR] [--systems callmesh,nats,relay] [--scenarios NAME,...]");
          System.exit(2);
        }
      }
    }
    root = root.toAbsolutePath().normalize();
    out = out == null ? root.resolve("bench/results") : out;
    Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path work = Files.createTempDirectory("callmesh-bench-");
    System.out.println("work dir (process logs): " + work);
    BenchMain bench = new BenchMain(plan, root, work, jar, systems, scenarios);
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

    JsonObject small = Systems.input(PAYLOAD_SMALL);
    JsonObject large = Systems.input(PAYLOAD_LARGE);
    for (int rep = 0; rep < plan.reps(); rep++) {
      System.out.printf("%n== repetition %d of %d%n", rep + 1, plan.reps());
      for (String sys : order(rep)) {
        measure("latency_100b", sys, small, "echo", 1, 1, r -> {
          results.add("latency_100b", sys, "p50_us", r.quantileUs(0.50));
          results.add("latency_100b", sys, "p99_us", r.quantileUs(0.99));
          results.add("latency_100b", sys, "p999_us", r.quantileUs(0.999));
        });
      }
      for (String sys : order(rep)) {
        measure("throughput_100b", sys, small, "echo", 1, IN_FLIGHT,
            r -> results.add("throughput_100b", sys, "rps", r.rps()));
      }
      for (String sys : order(rep)) {
        measure("throughput_64k", sys, large, "echo", 1, IN_FLIGHT,
            r -> results.add("throughput_64k", sys, "mbps", r.rps() * PAYLOAD_LARGE / 1e6));
      }
      for (String sys : order(rep)) {
        measure("fanout_100_spokes", sys, small, "fan", FANOUT, IN_FLIGHT, r -> {
          results.add("fanout_100_spokes", sys, "rps", r.rps());
          results.add("fanout_100_spokes", sys, "p99_us", r.quantileUs(0.99));
        });
      }
    }
    if (scenarios.contains("fanout_100_spokes")) {
      results.note("relay has no fan-out figure: it pairs one caller connection with one responder connection.");
    }
    if (scenarios.contains("spoke_footprint")) {
      footprint();
    }
    stopAll();
    if (scenarios.contains("spokes_10k") && systems.contains(Systems.CALLMESH)) {
      spokes10k();
    }
  }

  /** @return the system's stack, started (again) when it is not healthy, or {@code null} when it cannot start */
  private Stack stack(String sys) {
    Stack s = stacks.get(sys);
    if (s != null && s.healthy()) {
      return s;
    }
    if (s != null) {
      System.err.println("restarting " + sys + (s.broken ? " after a failed measurement" : ": a process of it ended"));
      results.note(sys + " was restarted during the run" + (s.broken ? " after a failed measurement" : " (a process of it ended)"));
      s.close();
      stacks.remove(sys);
    }
    try {
      s = Stack.start(this, sys);
      stacks.put(sys, s);
      jitWarmUp(s);
      return s;
    } catch (Exception e) {
      results.note(sys + " could not start: " + e.getMessage());
      System.err.println(sys + " could not start: " + e);
      return null;
    }
  }

  /**
   * Once per started stack: load of every shape, so the JIT has compiled the paths of all processes
   * before the first measurement (the per-measurement warm-up then only settles the phase).
   */
  private void jitWarmUp(Stack s) {
    long each = plan.jitWarmMs() / 3;
    try {
      LoadDriver.run(s.target(Systems.input(PAYLOAD_SMALL), "echo", 1), IN_FLIGHT, 0, each);
      LoadDriver.run(s.target(Systems.input(PAYLOAD_LARGE), "echo", 1), 8, 0, each);
      LoadDriver.Target fan = s.target(Systems.input(PAYLOAD_SMALL), "fan", FANOUT);
      LoadDriver.run(fan != null ? fan : s.target(Systems.input(PAYLOAD_SMALL), "echo", 1), IN_FLIGHT, 0, each);
    } catch (Exception e) {
      System.err.println("warm-up of " + s.system + " failed: " + e);
    }
  }

  private void measure(String scenario, String sys, JsonObject input, String prefix, int n, int inFlight,
                       java.util.function.Consumer<LoadDriver.Result> record) {
    if (!scenarios.contains(scenario) || (n > 1 && sys.equals(Systems.RELAY))) {
      return;
    }
    Stack stack = stack(sys);
    if (stack == null) {
      return;
    }
    LoadDriver.Target target = stack.target(input, prefix, n);
    try {
      LoadDriver.Result r = LoadDriver.run(target, inFlight, plan.warmMs(), plan.measureMs());
      report(scenario, sys, r);
      if (r.errors() > 0) {
        stack.broken = true;
      }
      if (r.calls() > 0) {
        record.accept(r);
      }
    } catch (Exception e) {
      stack.broken = true;
      results.note(scenario + " " + sys + " failed: " + e.getMessage());
      System.err.println(scenario + " " + sys + " failed: " + e);
    }
  }

  private void report(String scenario, String sys, LoadDriver.Result r) {
    System.out.printf(Locale.ROOT, "%-18s %-9s %9.0f req/s  p50 %8.1f us  p99 %8.1f us  p999 %8.1f us%s%n",
        scenario, sys, r.rps(), r.quantileUs(0.5), r.quantileUs(0.99), r.quantileUs(0.999),
        r.errors() > 0 ? "  errors " + r.errors() : "");
    if (r.errors() > 0) {
      results.note(scenario + " " + sys + ": " + r.errors() + " failed calls in one repetition");
    }
  }

  /**
   * Idle RSS and time to connected of each system's responder JVM. The callmesh spoke runs as users run
   * it: through its launcher ({@code spoke/target/callmesh-spoke}), with the launcher's JVM flags and
   * class-data archive. The archive is made by a first start that is not measured (its time is noted).
   */
  private void footprint() throws IOException {
    Path spokeRoot = Files.createDirectories(work.resolve("spoke-root"));
    java.util.Map<String, String> spokeEnv = java.util.Map.of("JAVA_HOME", System.getProperty("java.home"),
        "CALLMESH_CACHE_DIR", work.resolve("spoke-cds").toString());
    if (systems.contains(Systems.CALLMESH)) {
      firstSpokeStart(spokeRoot, spokeEnv);
    }
    for (int rep = 0; rep < plan.footprintReps(); rep++) {
      for (String sys : order(rep)) {
        Stack stack = sys.equals(Systems.RELAY) ? null : stack(sys);
        String hubUrl = stack == null ? null : stack.url;
        String natsUrl = hubUrl;
        List<String> cmd = switch (sys) {
          case Systems.CALLMESH -> hubUrl == null ? null : spokeLauncher(hubUrl, spokeRoot);
          case Systems.NATS -> natsUrl == null ? null
              : Proc.java("-cp", jar.toString(), NatsEcho.class.getName(), natsUrl, "footprint", "1");
          default -> Proc.java("-cp", jar.toString(), RelayEcho.class.getName());
        };
        if (cmd == null) {
          continue;
        }
        try (Proc p = Proc.start("footprint-" + sys, work, sys.equals(Systems.CALLMESH) ? spokeEnv : java.util.Map.of(), cmd)) {
          p.awaitLine(l -> l.contains("connected to") || l.contains("ready on"), 30_000);
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
    results.note("spoke_footprint: callmesh is the real spoke jar (fs, bash, search) run by its launcher"
        + " (spoke/target/callmesh-spoke: its JVM flags and class-data archive); nats is a jnats echo responder"
        + " JVM; relay is the relay's echo responder JVM, which listens instead of connecting (ready = listening).");
  }

  /** @return the spoke's launcher with the benchmark's hub, key and root */
  private List<String> spokeLauncher(String hubUrl, Path spokeRoot) {
    return List.of("sh", root.resolve("spoke/target/callmesh-spoke").toString(), "--hub", hubUrl, "--name", "footprint",
        "--key", keyFile.toString(), "--root", spokeRoot.toString());
  }

  /** The spoke's first start through its launcher, which makes the class-data archive; not measured, noted. */
  private void firstSpokeStart(Path spokeRoot, java.util.Map<String, String> env) {
    Stack stack = stack(Systems.CALLMESH);
    if (stack == null) {
      return;
    }
    try (Proc p = Proc.start("footprint-callmesh-first", work, env, spokeLauncher(stack.url, spokeRoot))) {
      p.awaitLine(l -> l.contains("connected to"), 120_000);
      double ms = p.sinceStartNanos() / 1e6;
      System.out.printf(Locale.ROOT, "%-18s %-9s first start (makes the class-data archive) %6.0f ms%n",
          "spoke_footprint", Systems.CALLMESH, ms);
      results.note(String.format(Locale.ROOT, "spoke_footprint: callmesh's first start, which made the launcher's"
          + " class-data archive (a training run, then java -Xshare:dump), took %.0f ms; the measured starts use it.", ms));
    } catch (Exception e) {
      results.note("spoke_footprint callmesh first start failed: " + e.getMessage());
      System.err.println("spoke_footprint callmesh first start failed: " + e);
    }
  }

  /** 10,000 simulated spokes on a fresh hub: heap after GC, handshake rate, p99 of calls to random spokes. */
  private void spokes10k() {
    int n = plan.spokes10k();
    for (int rep = 0; rep < plan.reps10k(); rep++) {
      try {
        Proc hub = startHub("hub-10k-" + rep);
        running.add(hub);
        String url = hubUrl(hub);
        double idleHeap = hub.heapAfterGcMib();
        List<String> simCmd = Proc.java("-Xmx4g", "-cp", jar.toString(), EchoSpoke.class.getName(),
            url, keyFile.toString(), "sim", "" + n, "64");
        Proc sim = Proc.start("spoke-sim-" + rep, work, simCmd);
        running.add(sim);
        String line = sim.awaitLine(l -> l.startsWith("handshakes"), 600_000);
        Matcher m = Pattern.compile("([0-9.]+)/s").matcher(line);
        double hps = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        sim.awaitLine(l -> l.contains("connected to"), 60_000);
        CallmeshClient client = connectClient(url);
        LoadDriver.Result r = LoadDriver.run(Systems.callmesh(client, Systems.input(PAYLOAD_SMALL), "sim", n, true), 16,
            plan.warmMs(), plan.measureMs());
        report("spokes_10k", Systems.CALLMESH, r);
        if (r.calls() > 0) {
          results.add("spokes_10k", Systems.CALLMESH, "p99_us", r.quantileUs(0.99));
        }
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

  Proc startHub(String name) throws Exception {
    List<String> cmd = Proc.java(jvmArgs("hub"));
    cmd.addAll(List.of("-jar", root.resolve("hub/target/callmesh-hub.jar").toString(),
        "--listen", "127.0.0.1:0", "--authorized-keys", authorizedKeys.toString(), "--hub-id", "bench",
        // No HTTP port (several hubs may run) and no per-identity rate cap: the benchmark is one identity.
        "--http", "off", "--max-calls-per-second", "0", "--max-connections-per-source", "20000"));
    return awaitStart(name, cmd, "listening on");
  }

  /**
   * @param role {@code hub} or {@code spoke}
   * @return extra JVM options for that callmesh process, from {@code -Dbench.jvmArgs.ROLE="..."}
   *     (bench/profile.sh records them with JFR)
   */
  private static String[] jvmArgs(String role) {
    String args = System.getProperty("bench.jvmArgs." + role, "").trim();
    return args.isEmpty() ? new String[0] : args.split("\\s+");
  }

  String hubUrl(Proc hub) {
    return "tcp://127.0.0.1:" + lastInt(hub.lastLine);
  }

  List<String> echoSpoke(String hubUrl, String prefix, int count) {
    List<String> cmd = Proc.java(jvmArgs("spoke"));
    cmd.addAll(List.of("-cp", jar.toString(), EchoSpoke.class.getName(), hubUrl, keyFile.toString(), prefix, "" + count));
    return cmd;
  }

  List<String> benchJava(Class<?> main, String... args) {
    List<String> cmd = Proc.java("-cp", jar.toString(), main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  CallmeshClient connectClient(String url) throws Exception {
    return CallmeshClient.connect(vertx, new ConnectOptions().setHubUrl(HubUrl.parse(url))
        .setCredentials(Credentials.key(SshKeyPair.load(keyFile, null)))).await();
  }

  /** Starts a process and waits for its readiness line; stops it when it does not come. */
  Proc awaitStart(String name, List<String> cmd, String marker) throws Exception {
    Proc p = Proc.start(name, work, cmd);
    try {
      p.lastLine = p.awaitLine(l -> l.contains(marker), 120_000);
      return p;
    } catch (Exception e) {
      p.close();
      throw e;
    }
  }

  private void stopAll() {
    stacks.values().forEach(Stack::close);
    stacks.clear();
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
  private List<String> order(int rep) {
    List<String> o = new ArrayList<>();
    for (int i = 0; i < Systems.ALL.length; i++) {
      String sys = Systems.ALL[(i + rep) % Systems.ALL.length];
      if (systems.contains(sys)) {
        o.add(sys);
      }
    }
    return o;
  }

  static int lastInt(String line) {
    Matcher m = Pattern.compile("(\\d+)\\D*$").matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no port in: " + line);
    }
    return Integer.parseInt(m.group(1));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void waitForPort(int port, long timeoutMs) throws Exception {
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
        .put("jit_warmup_ms", plan.jitWarmMs())
        .put("warmup_ms", plan.warmMs())
        .put("measure_ms", plan.measureMs())
        .put("in_flight", IN_FLIGHT);
  }
}
