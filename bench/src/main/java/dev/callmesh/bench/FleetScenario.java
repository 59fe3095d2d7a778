package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code spokes_10k} scenario: one hub with 10,000 simulated spokes. */
final class FleetScenario {

  private final BenchMain bench;

  FleetScenario(BenchMain bench) {
    this.bench = bench;
  }

  private static void printCpu(String what, LoadDriver.Result r, ProcCpu.Meter cpu) {
    if (r.completed() > 0) {
      cpu.printPerCall(String.format(Locale.ROOT, "%-18s %-9s %s, ", "spokes_10k", Systems.CALLMESH, what), r.completed());
    }
  }

  /** 10,000 simulated spokes on a fresh hub: heap after GC, handshake rate, p99 of calls to random spokes. */
  void run() {
    int n = bench.plan.spokes10k();
    for (int rep = 0; rep < bench.plan.reps10k(); rep++) {
      try {
        Proc hub = bench.startHub("hub-10k-" + rep);
        bench.running.add(hub);
        String url = bench.hubUrl(hub);
        double idleHeap = hub.heapAfterGcMib();
        List<String> simCmd = Proc.java("-Xmx4g", "-cp", bench.jar.toString(), EchoSpoke.class.getName(),
            url, bench.keyFile.toString(), "sim", "" + n, "64");
        Proc sim = Proc.start("spoke-sim-" + rep, bench.work, simCmd);
        bench.running.add(sim);
        String line = sim.awaitLine(l -> l.startsWith("handshakes"), 600_000);
        Matcher m = Pattern.compile("([0-9.]+)/s").matcher(line);
        double hps = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        sim.awaitLine(l -> l.contains("connected to"), 60_000);
        CallmeshClient client = bench.connectClient(url);
        // The handshakes compiled other code than calls: warm the call path of the hub, the spokes and the
        // caller as the other scenarios do (at least JIT_CALLS calls to one spoke), then give every spoke a
        // few calls of its own, so the window measures the fleet's steady state and not the JIT.
        LoadDriver.Target one = Systems.callmesh(client, Systems.input(BenchMain.PAYLOAD_SMALL), EchoSpoke.spokeName("sim", 0, n), 1, false);
        LoadDriver.Target random = Systems.callmesh(client, Systems.input(BenchMain.PAYLOAD_SMALL), "sim", n, true);
        System.out.printf(Locale.ROOT, "%-18s %-9s JIT %s%n", "spokes_10k", Systems.CALLMESH,
            LoadDriver.run(one, BenchMain.IN_FLIGHT, bench.plan.jitWarmUp().calls(RequestReply.JIT_CALLS), 0, null).warmUp());
        System.out.printf(Locale.ROOT, "%-18s %-9s every spoke %s%n", "spokes_10k", Systems.CALLMESH,
            LoadDriver.run(random, 16, bench.plan.jitWarmUp().calls(3L * n), 0, null).warmUp());
        ProcCpu.Meter cpu = new ProcCpu.Meter().add("hub", hub).add("spokes", sim).add("caller", ProcessHandle.current().pid());
        LoadDriver.Result r = LoadDriver.run(random, 16, bench.plan.warmUp(), bench.plan.measureMs(), cpu);
        bench.report("spokes_10k", Systems.CALLMESH, r);
        printCpu("random spokes", r, cpu);
        if (r.calls() > 0) {
          bench.results.add("spokes_10k", Systems.CALLMESH, "p99_us", r.quantileUs(0.99));
        }
        // The like-for-like baseline: the same client, hub and calls in flight, all to one of the spokes.
        ProcCpu.Meter oneCpu = new ProcCpu.Meter().add("hub", hub).add("spokes", sim).add("caller", ProcessHandle.current().pid());
        LoadDriver.Result single = LoadDriver.run(one, 16, bench.plan.warmUp(), bench.plan.measureMs(), oneCpu);
        printCpu("one spoke", single, oneCpu);
        if (single.calls() > 0) {
          System.out.printf(Locale.ROOT, "%-18s %-9s one spoke, 16 in flight: p99 %.1f us%n", "spokes_10k", Systems.CALLMESH,
              single.quantileUs(0.99));
          bench.results.add("spokes_10k", Systems.CALLMESH, "one_spoke_p99_us", single.quantileUs(0.99));
        }
        double heap = hub.heapAfterGcMib();
        System.out.printf(Locale.ROOT, "%-18s %-9s %d spokes: %.0f handshakes/s, hub heap %.1f MiB after GC (%.1f MiB before the spokes)%n",
            "spokes_10k", Systems.CALLMESH, n, hps, heap, idleHeap);
        bench.results.add("spokes_10k", Systems.CALLMESH, "handshakes_per_s", hps);
        bench.results.add("spokes_10k", Systems.CALLMESH, "heap_mib", heap);
        if (rep == 0) {
          bench.results.note(String.format(Locale.ROOT, "spokes_10k: the hub's heap after GC was %.1f MiB before the %d spokes"
              + " (%.1f KiB per spoke); handshakes made 64 at a time from one JVM; calls 16 in flight to random spokes;"
              + " one_spoke_p99_us: the same 16 in flight, all to one of the spokes.",
              idleHeap, n, (heap - idleHeap) * 1024 / n));
        }
        client.close();
      } catch (Exception e) {
        bench.results.note("spokes_10k failed: " + e.getMessage());
        System.err.println("spokes_10k failed: " + e);
      } finally {
        bench.stopAll();
      }
    }
  }
}
