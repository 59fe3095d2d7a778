package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every scenario against callmesh, NATS and a plain relay, alternating the systems within each
 * repetition (callmesh alone where the others have no counterpart: two clustered hubs, 10,000 spokes),
 * and writes the medians to {@code latest.json} and {@code latest.md}.
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

  final Plan plan;
  final Path root;
  final Path work;
  final Path jar;
  final Results results = new Results();
  final List<AutoCloseable> running = new ArrayList<>();
  final Vertx vertx = Vertx.vertx();
  private final java.util.Map<String, Stack> stacks = new java.util.HashMap<>();
  Path keyFile;
  private Path authorizedKeys;

  final List<String> systems;
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
    boolean alternating = List.of("latency_100b", "throughput_100b", "throughput_64k", "fanout_100_spokes").stream()
        .anyMatch(scenarios::contains);
    for (int rep = 0; alternating && rep < plan.reps(); rep++) {
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
      new FootprintScenario(this).run();
    }
    stopAll();
    if (scenarios.contains(CrossHubScenario.NAME) && systems.contains(Systems.CALLMESH)) {
      new CrossHubScenario(this).run();
    }
    if (scenarios.contains(WebSocketScenario.NAME) && systems.contains(Systems.CALLMESH)) {
      new WebSocketScenario(this).run();
    }
    if (scenarios.contains("spokes_10k") && systems.contains(Systems.CALLMESH)) {
      new FleetScenario(this).run();
    }
    if (scenarios.contains(FanoutScenario.NAME) && systems.contains(Systems.CALLMESH)) {
      new FanoutScenario(this).run();
    }
    if (scenarios.contains(JobScenario.NAME) && systems.contains(Systems.CALLMESH)) {
      new JobScenario(this).run();
    }
  }

  /** @return the system's stack, started (again) when it is not healthy, or {@code null} when it cannot start */
  Stack stack(String sys) {
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

  void report(String scenario, String sys, LoadDriver.Result r) {
    System.out.printf(Locale.ROOT, "%-18s %-9s %9.0f req/s  p50 %8.1f us  p99 %8.1f us  p999 %8.1f us%s%n",
        scenario, sys, r.rps(), r.quantileUs(0.5), r.quantileUs(0.99), r.quantileUs(0.999),
        r.errors() > 0 ? "  errors " + r.errors() : "");
    if (r.errors() > 0) {
      results.note(scenario + " " + sys + ": " + r.errors() + " failed calls in one repetition");
    }
  }

  Proc startHub(String name) throws Exception {
    return awaitStart(name, hubCommand("bench"), "listening on");
  }

  /**
   * @param hubId the hub's {@code --hub-id}
   * @param extra more options (a clustered hub's)
   * @return the command line of the hub jar with the benchmark's options
   */
  List<String> hubCommand(String hubId, String... extra) {
    List<String> cmd = Proc.java(jvmArgs("hub"));
    cmd.addAll(List.of("-jar", root.resolve("hub/target/callmesh-hub.jar").toString(),
        "--listen", "127.0.0.1:0", "--authorized-keys", authorizedKeys.toString(), "--hub-id", hubId,
        // No HTTP port (several hubs may run), no per-identity rate cap (the benchmark is one identity), and
        // room for spokes_10k: 10,000 spokes and the caller.
        "--http", "off", "--max-calls-per-second", "0", "--max-connections", "20000", "--max-connections-per-source", "20000",
        // each start its own data directory (the hub's key and jobs), in the run's work directory
        "--data-dir", work.resolve("data-" + hubId + "-" + System.nanoTime()).toString()));
    cmd.addAll(List.of(extra));
    return cmd;
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
    return "tcp://127.0.0.1:" + Ports.lastInt(hub.lastLine);
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

  void stopAll() {
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
  List<String> order(int rep) {
    List<String> o = new ArrayList<>();
    for (int i = 0; i < Systems.ALL.length; i++) {
      String sys = Systems.ALL[(i + rep) % Systems.ALL.length];
      if (systems.contains(sys)) {
        o.add(sys);
      }
    }
    return o;
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
