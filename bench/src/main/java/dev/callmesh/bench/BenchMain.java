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
import java.util.Arrays;
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

  /**
   * How long and how often: the quick plan fits in a few minutes, the full one gives stable medians. Each
   * measurement first warms up until its rate is steady ({@link LoadDriver.WarmUp}), then measures.
   */
  record Plan(String mode, int reps, LoadDriver.WarmUp warmUp, long measureMs, int reps10k, int spokes10k, int footprintReps,
              long idleMs, long jitWarmMs, LoadDriver.WarmUp jitWarmUp) {
    static final Plan QUICK = new Plan("quick", 2, new LoadDriver.WarmUp(2_000, 15_000, 5_000), 2_500, 1, 10_000, 2, 2_000,
        4_500, new LoadDriver.WarmUp(2_000, 30_000, 0));
    static final Plan FULL = new Plan("full", 5, new LoadDriver.WarmUp(5_000, 30_000, 5_000), 10_000, 3, 10_000, 5, 5_000,
        15_000, new LoadDriver.WarmUp(5_000, 60_000, 0));
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
  final List<String> scenarios;

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
    } catch (Exception | Error e) {
      e.printStackTrace();
      bench.stopAll();
      System.exit(1); // the clients' Vert.x threads would keep the JVM up
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

    new RequestReply(this).run();
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
      RequestReply.jitWarmUp(this, s);
      return s;
    } catch (Exception e) {
      results.note(sys + " could not start: " + e.getMessage());
      System.err.println(sys + " could not start: " + e);
      return null;
    }
  }

  void report(String scenario, String sys, LoadDriver.Result r) {
    if (!r.warmUp().isEmpty()) {
      System.out.printf(Locale.ROOT, "%-18s %-9s %s%n", scenario, sys, r.warmUp());
    }
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
    List<String> cmd = Proc.java(Arrays.stream(jvmArgs("hub")).map(a -> a.replace("{hub}", hubId)).toArray(String[]::new));
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
   *     (bench/profile.sh records them with JFR); in a hub's, {@code {hub}} stands for its id, so the hubs
   *     of a cluster can write files of their own
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
        .put("jit_warmup", String.format(Locale.ROOT, "once per started stack, as the warm-up, with at least %d calls of 100 B,"
            + " %d of 64 KiB and %d of fan-out, at most %d ms each", RequestReply.JIT_CALLS, RequestReply.JIT_CALLS / 20,
            RequestReply.JIT_CALLS / 2, plan.jitWarmUp().capMs()))
        .put("jit_warmup_ms", plan.jitWarmMs())
        .put("warmup", String.format(Locale.ROOT, "%d s slices until two in a row are within %.0f %% of each other, at least %d ms"
            + " and %d calls, at most %d ms", LoadDriver.WarmUp.SLICE_MS / 1000, LoadDriver.WarmUp.STEADY * 100,
            plan.warmUp().minMs(), plan.warmUp().minCalls(), plan.warmUp().capMs()))
        .put("measure_ms", plan.measureMs())
        .put("in_flight", IN_FLIGHT);
  }
}
