package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cross_hub} scenario: two hubs of one cluster on loopback, the echo spoke on hub A, and a
 * caller on each hub. The loads of {@code latency_100b} (1 call in flight) and {@code throughput_100b}
 * (64 in flight) run once from the caller on hub A (same hub: client → A → spoke) and once from the
 * caller on hub B (cross hub: client → B → A → spoke, one hop between hubs over the clustered event bus).
 * Every process runs for both, and the two take turns going first, so the ratio is the hop's cost alone.
 */
final class CrossHubScenario {

  static final String NAME = "cross_hub";
  /** The cross-hub figures, then the same-hub figures of the same cluster. */
  static final List<String> METRICS = List.of("p50_us", "p99_us", "rps", "hubs_cpu_us", "total_cpu_us",
      "same_hub_p50_us", "same_hub_p99_us", "same_hub_rps", "same_hub_hubs_cpu_us", "same_hub_total_cpu_us");
  /** Wanted: cross-hub p50 at most this many times the same-hub p50. */
  static final double P50_TARGET = 1.5;
  /** Wanted: cross-hub calls per second at least this share of the same-hub rate. */
  static final double RPS_TARGET = 0.7;

  private final BenchMain bench;
  private Cluster cluster;
  private int starts;

  CrossHubScenario(BenchMain bench) {
    this.bench = bench;
  }

  /** Two hubs of one cluster, the echo spoke on A, a caller connected to each; started together. */
  private static final class Cluster implements AutoCloseable {
    final List<Proc> procs = new ArrayList<>();
    Proc hubA;
    Proc hubB;
    Proc spoke;
    CallmeshClient same;
    CallmeshClient cross;
    boolean broken;

    Proc add(Proc p) {
      procs.add(p);
      return p;
    }

    boolean healthy() {
      return !broken && procs.stream().allMatch(Proc::alive);
    }

    @Override
    public void close() {
      for (CallmeshClient c : new CallmeshClient[] {same, cross}) {
        try {
          if (c != null) {
            c.close().await(5, TimeUnit.SECONDS);
          }
        } catch (Exception ignored) {
          // the processes go anyway
        }
      }
      for (int i = procs.size() - 1; i >= 0; i--) {
        procs.get(i).close();
      }
      procs.clear();
    }
  }

  /** Each repetition: latency same/cross, then throughput same/cross, the first of each pair alternating. */
  void run() {
    JsonObject small = Systems.input(BenchMain.PAYLOAD_SMALL);
    try {
      for (int rep = 0; rep < bench.plan.reps(); rep++) {
        System.out.printf("%n== %s, repetition %d of %d%n", NAME, rep + 1, bench.plan.reps());
        boolean[] order = rep % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
        for (boolean cross : order) {
          measure(cross, 1, small);
        }
        for (boolean cross : order) {
          measure(cross, BenchMain.IN_FLIGHT, small);
        }
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        cluster = null;
      }
    }
    bench.results.note("cross_hub: two hubs of one cluster (Hazelcast, TCP-IP join on loopback), the echo spoke on hub A;"
        + " same_hub_* from a caller on hub A, the others from a caller on hub B (one hub-to-hub hop over the clustered"
        + " event bus); both callers stay connected and the two take turns going first.");
  }

  private void measure(boolean cross, int inFlight, JsonObject input) {
    Cluster c = cluster();
    if (c == null) {
      return;
    }
    String label = inFlight == 1 ? NAME + " latency" : NAME + " rps";
    String path = cross ? "cross-hub" : "same-hub";
    ProcCpu.Meter cpu = new ProcCpu.Meter().add("hub_a", c.hubA).add("hub_b", c.hubB)
        .add("spoke", c.spoke).add("caller", ProcessHandle.current().pid());
    try {
      LoadDriver.Result r = LoadDriver.run(Systems.callmesh(cross ? c.cross : c.same, input, "echo", 1, false), inFlight,
          bench.plan.warmUp(), bench.plan.measureMs(), inFlight == 1 ? null : cpu);
      bench.report(label, path, r);
      if (r.errors() > 0) {
        c.broken = true;
      }
      if (r.calls() > 0) {
        String prefix = cross ? "" : "same_hub_";
        if (inFlight == 1) {
          bench.results.add(NAME, Systems.CALLMESH, prefix + "p50_us", r.quantileUs(0.50));
          bench.results.add(NAME, Systems.CALLMESH, prefix + "p99_us", r.quantileUs(0.99));
        } else {
          bench.results.add(NAME, Systems.CALLMESH, prefix + "rps", r.rps());
          recordCpu(prefix, r, cpu);
        }
      }
    } catch (Exception e) {
      c.broken = true;
      bench.results.note(label + " " + path + " failed: " + e.getMessage());
      System.err.println(label + " " + path + " failed: " + e);
    }
  }

  /**
   * Records CPU µs per call of both hubs together and of all four processes, and prints each process's:
   * on this 2-core machine the whole cluster shares the CPU, so the hop's cost shows as the added total.
   */
  private void recordCpu(String prefix, LoadDriver.Result r, ProcCpu.Meter cpu) {
    Map<String, Double> perCall = cpu.printPerCall(String.format(Locale.ROOT, "%-29s", ""), r.completed());
    double total = perCall.values().stream().mapToDouble(Double::doubleValue).sum();
    bench.results.add(NAME, Systems.CALLMESH, prefix + "hubs_cpu_us", perCall.get("hub_a") + perCall.get("hub_b"));
    bench.results.add(NAME, Systems.CALLMESH, prefix + "total_cpu_us", total);
  }

  /** @return the cluster, started (again) when it is not healthy, or {@code null} when it cannot start */
  private Cluster cluster() {
    if (cluster != null && cluster.healthy()) {
      return cluster;
    }
    if (cluster != null) {
      System.err.println("restarting the cross_hub cluster");
      bench.results.note("the cross_hub cluster was restarted during the run" + (cluster.broken ? " after a failed measurement" : ""));
      cluster.close();
    }
    cluster = new Cluster();
    try {
      String name = "callmesh-bench-" + ProcessHandle.current().pid() + "-" + starts++;
      Proc a = cluster.hubA = cluster.add(bench.awaitStart("hub-a", bench.hubCommand("bench-a",
          "--cluster", "127.0.0.1:0", "--cluster-name", name), "listening on"));
      String urlA = bench.hubUrl(a);
      String memberA = member(a);
      Proc b = cluster.hubB = cluster.add(bench.awaitStart("hub-b", bench.hubCommand("bench-b",
          "--cluster", "127.0.0.1:0", "--cluster-name", name, "--cluster-peers", memberA), "listening on"));
      String urlB = bench.hubUrl(b);
      member(b);
      cluster.spoke = cluster.add(bench.awaitStart("cluster-echo", bench.echoSpoke(urlA, "echo", 1), "connected to"));
      cluster.same = bench.connectClient(urlA);
      cluster.cross = bench.connectClient(urlB);
      awaitRoute(cluster.cross);
      warmUp(cluster);
      return cluster;
    } catch (Exception e) {
      cluster.close();
      cluster = null;
      bench.results.note("the cross_hub cluster could not start: " + e.getMessage());
      System.err.println("the cross_hub cluster could not start: " + e);
      return null;
    }
  }

  /** @return the member address the hub printed once it joined ({@code callmesh hub ID cluster member HOST:PORT of NAME}) */
  private static String member(Proc hub) throws Exception {
    String line = hub.awaitLine(l -> l.contains(" cluster member "), 60_000);
    return line.substring(line.indexOf(" cluster member ") + " cluster member ".length(), line.lastIndexOf(" of "));
  }

  /** Waits until hub B knows the spoke on hub A (the directory entry reached it) and a call crosses. */
  private static void awaitRoute(CallmeshClient cross) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    JsonObject input = Systems.input(1);
    while (true) {
      try {
        cross.call("/echo/echo/echo", input).await(2, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("hub B did not route to the spoke on hub A within 30 s: " + e.getMessage(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Once per started cluster: both paths under load, so the JIT has compiled them before the first measurement. */
  private void warmUp(Cluster c) throws InterruptedException {
    JsonObject small = Systems.input(BenchMain.PAYLOAD_SMALL);
    long each = bench.plan.jitWarmMs() / 2;
    LoadDriver.run(Systems.callmesh(c.same, small, "echo", 1, false), BenchMain.IN_FLIGHT, each);
    LoadDriver.run(Systems.callmesh(c.cross, small, "echo", 1, false), BenchMain.IN_FLIGHT, each);
  }

  /** @return cross-hub / same-hub of the medians ({@code p50}, {@code p99}, {@code rps}), or {@code null} when none ran */
  static JsonObject ratios(Results results) {
    JsonObject r = new JsonObject();
    for (String m : List.of("p50", "p99")) {
      Double v = ratio(results, m + "_us");
      if (v != null) {
        r.put(m, Math.round(v * 100) / 100.0);
      }
    }
    Double rps = ratio(results, "rps");
    if (rps != null) {
      r.put("rps", Math.round(rps * 100) / 100.0);
    }
    return r.isEmpty() ? null : r;
  }

  private static Double ratio(Results results, String metric) {
    Double cross = results.median(NAME, Systems.CALLMESH, metric);
    Double same = results.median(NAME, Systems.CALLMESH, "same_hub_" + metric);
    return cross == null || same == null || same == 0 ? null : cross / same;
  }

  /** @return the same-hub and cross-hub medians side by side, with the ratios and the targets; empty when none ran */
  static String table(Results results) {
    if (ratios(results) == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("\nCross-hub (`cross_hub`): two hubs of one cluster, the echo spoke on hub A. Same hub: the caller on hub A;"
        + " cross hub: the caller on hub B, one hub-to-hub hop.\n\n");
    sb.append("| load | metric | better | same hub | cross hub | cross/same | target |\n");
    sb.append("|---|---|---|---:|---:|---:|---|\n");
    row(sb, results, "1 in flight", "p50_us", String.format(Locale.ROOT, "≤ %.1f×", P50_TARGET), P50_TARGET, false);
    row(sb, results, "1 in flight", "p99_us", "–", Double.NaN, false);
    row(sb, results, BenchMain.IN_FLIGHT + " in flight", "rps", String.format(Locale.ROOT, "≥ %.1f×", RPS_TARGET), RPS_TARGET, true);
    row(sb, results, BenchMain.IN_FLIGHT + " in flight", "hubs_cpu_us", "–", Double.NaN, false);
    row(sb, results, BenchMain.IN_FLIGHT + " in flight", "total_cpu_us", "–", Double.NaN, false);
    return sb.toString();
  }

  private static void row(StringBuilder sb, Results results, String load, String metric, String target, double limit,
                          boolean higher) {
    Double same = results.median(NAME, Systems.CALLMESH, "same_hub_" + metric);
    Double cross = results.median(NAME, Systems.CALLMESH, metric);
    Double r = ratio(results, metric);
    String verdict = r == null || Double.isNaN(limit) ? "" : (higher ? r >= limit : r <= limit) ? " met" : " missed";
    sb.append("| ").append(load).append(" | ").append(metric).append(" | ").append(higher ? "higher" : "lower").append(" | ")
        .append(Results.fmt(same)).append(" | ").append(Results.fmt(cross)).append(" | ").append(Results.ratio(cross, same))
        .append(" | ").append(target).append(verdict).append(" |\n");
  }
}
