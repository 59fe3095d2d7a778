package dev.callmesh.bench;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The request-reply scenarios that every system runs ({@code latency_100b}, {@code throughput_100b},
 * {@code throughput_64k}, {@code fanout_100_spokes}): each repetition runs each scenario for each system in
 * turn. Besides the load's own figures, each measurement reads the CPU time that the middle, the responder and
 * the caller (this JVM) used in its measured window, per completed call.
 */
final class RequestReply {

  /** The scenarios, in run order. */
  static final List<String> NAMES = List.of("latency_100b", "throughput_100b", "throughput_64k", "fanout_100_spokes");
  /** CPU per call of each role, added to every scenario's metrics. */
  static final List<String> CPU_METRICS = List.of("middle_cpu_us", "responder_cpu_us", "caller_cpu_us");

  private final BenchMain bench;
  /** The fewest calls a measured window divided its CPU time by, per scenario and system. */
  private final Map<String, Long> fewestCalls = new LinkedHashMap<>();

  RequestReply(BenchMain bench) {
    this.bench = bench;
  }

  /** @return the metrics of one of the scenarios: its own, then the CPU ones */
  static List<String> metrics(String... own) {
    List<String> all = new java.util.ArrayList<>(List.of(own));
    all.addAll(CPU_METRICS);
    return all;
  }

  /** Runs the repetitions of the scenarios that were asked for. */
  void run() {
    if (NAMES.stream().noneMatch(bench.scenarios::contains)) {
      return;
    }
    JsonObject small = Systems.input(BenchMain.PAYLOAD_SMALL);
    JsonObject large = Systems.input(BenchMain.PAYLOAD_LARGE);
    Results results = bench.results;
    for (int rep = 0; rep < bench.plan.reps(); rep++) {
      System.out.printf("%n== repetition %d of %d%n", rep + 1, bench.plan.reps());
      for (String sys : bench.order(rep)) {
        measure("latency_100b", sys, small, "echo", 1, 1, r -> {
          results.add("latency_100b", sys, "p50_us", r.quantileUs(0.50));
          results.add("latency_100b", sys, "p99_us", r.quantileUs(0.99));
          results.add("latency_100b", sys, "p999_us", r.quantileUs(0.999));
        });
      }
      for (String sys : bench.order(rep)) {
        measure("throughput_100b", sys, small, "echo", 1, BenchMain.IN_FLIGHT,
            r -> results.add("throughput_100b", sys, "rps", r.rps()));
      }
      for (String sys : bench.order(rep)) {
        measure("throughput_64k", sys, large, "echo", 1, BenchMain.IN_FLIGHT,
            r -> results.add("throughput_64k", sys, "mbps", r.rps() * BenchMain.PAYLOAD_LARGE / 1e6));
      }
      for (String sys : bench.order(rep)) {
        measure("fanout_100_spokes", sys, small, "fan", BenchMain.FANOUT, BenchMain.IN_FLIGHT, r -> {
          results.add("fanout_100_spokes", sys, "rps", r.rps());
          results.add("fanout_100_spokes", sys, "p99_us", r.quantileUs(0.99));
        });
      }
    }
    if (bench.scenarios.contains("fanout_100_spokes")) {
      results.note("relay has no fan-out figure: it pairs one caller connection with one responder connection.");
    }
    if (!fewestCalls.isEmpty()) {
      StringBuilder sb = new StringBuilder("*_cpu_us: user + system CPU time of the process (from /proc, "
          + ProcCpu.TICK_US / 1000 + " ms ticks) in the measured window, per call completed in it; the fewest calls in a window:");
      fewestCalls.forEach((k, n) -> sb.append(String.format(Locale.ROOT, " %s %,d;", k, n)));
      results.note(sb.substring(0, sb.length() - 1) + ".");
    }
  }

  /**
   * Once per started stack: load of every shape, each until its rate is steady and enough calls went by for
   * the JIT to compile their paths in every process (a JVM that starts cold ramps up for many seconds on a busy
   * machine), so that the first repetition measures warm processes like the later ones.
   */
  static void jitWarmUp(BenchMain bench, Stack s) {
    JsonObject small = Systems.input(BenchMain.PAYLOAD_SMALL);
    LoadDriver.WarmUp rule = bench.plan.jitWarmUp();
    try {
      jitWarmUp(s, "100 B", s.target(small, "echo", 1), BenchMain.IN_FLIGHT, rule.calls(JIT_CALLS));
      jitWarmUp(s, "64 KiB", s.target(Systems.input(BenchMain.PAYLOAD_LARGE), "echo", 1), 8, rule.calls(JIT_CALLS / 20));
      LoadDriver.Target fan = s.target(small, "fan", BenchMain.FANOUT);
      if (fan != null) {
        jitWarmUp(s, "fan-out", fan, BenchMain.IN_FLIGHT, rule.calls(JIT_CALLS / 2));
      }
    } catch (Exception e) {
      System.err.println("warm-up of " + s.system + " failed: " + e);
    }
  }

  /** Calls of 100 B the JIT warm-up of a stack makes at least (64 KiB: a twentieth, fan-out: half). */
  static final long JIT_CALLS = 100_000;

  private static void jitWarmUp(Stack s, String shape, LoadDriver.Target target, int inFlight, LoadDriver.WarmUp rule)
      throws InterruptedException {
    LoadDriver.Result r = LoadDriver.run(target, inFlight, rule, 0, null);
    System.out.printf(Locale.ROOT, "%-18s %-9s JIT %s%n", shape, s.system, r.warmUp());
  }

  private void measure(String scenario, String sys, JsonObject input, String prefix, int n, int inFlight,
                       Consumer<LoadDriver.Result> record) {
    if (!bench.scenarios.contains(scenario) || (n > 1 && sys.equals(Systems.RELAY))) {
      return;
    }
    Stack stack = bench.stack(sys);
    if (stack == null) {
      return;
    }
    LoadDriver.Target target = stack.target(input, prefix, n);
    ProcCpu.Meter cpu = new ProcCpu.Meter().add("middle", stack.middle).add("responder", n > 1 ? stack.fan : stack.echo)
        .add("caller", ProcessHandle.current().pid());
    try {
      LoadDriver.Result r = LoadDriver.run(target, inFlight, bench.plan.warmUp(), bench.plan.measureMs(), cpu);
      bench.report(scenario, sys, r);
      if (r.errors() > 0) {
        stack.broken = true;
      }
      if (r.calls() > 0) {
        record.accept(r);
        recordCpu(scenario, sys, r, cpu);
      }
    } catch (Exception e) {
      stack.broken = true;
      bench.results.note(scenario + " " + sys + " failed: " + e.getMessage());
      System.err.println(scenario + " " + sys + " failed: " + e);
    }
  }

  private void recordCpu(String scenario, String sys, LoadDriver.Result r, ProcCpu.Meter cpu) {
    cpu.printPerCall(String.format(Locale.ROOT, "%-29s", ""), r.completed())
        .forEach((role, perCall) -> bench.results.add(scenario, sys, role + "_cpu_us", perCall));
    fewestCalls.merge(scenario + " " + sys, r.completed(), Math::min);
  }
}
