package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code spoke_footprint} scenario: idle RSS and time to connected of each system's responder JVM. */
final class FootprintScenario {

  private final BenchMain bench;

  FootprintScenario(BenchMain bench) {
    this.bench = bench;
  }

  /**
   * Idle RSS and time to connected of each system's responder JVM. The callmesh spoke runs as users run
   * it: through its launcher ({@code spoke/target/callmesh-spoke}), with the launcher's JVM flags and
   * class-data archive. The archive is made by a first start that is not measured (its time is noted).
   */
  void run() throws IOException {
    Path spokeRoot = Files.createDirectories(bench.work.resolve("spoke-root"));
    java.util.Map<String, String> spokeEnv = java.util.Map.of("JAVA_HOME", System.getProperty("java.home"),
        "CALLMESH_CACHE_DIR", bench.work.resolve("spoke-cds").toString());
    if (bench.systems.contains(Systems.CALLMESH)) {
      firstSpokeStart(spokeRoot, spokeEnv);
    }
    for (int rep = 0; rep < bench.plan.footprintReps(); rep++) {
      for (String sys : bench.order(rep)) {
        Stack stack = sys.equals(Systems.RELAY) ? null : bench.stack(sys);
        String hubUrl = stack == null ? null : stack.url;
        String natsUrl = hubUrl;
        List<String> cmd = switch (sys) {
          case Systems.CALLMESH -> hubUrl == null ? null : spokeLauncher(hubUrl, spokeRoot);
          case Systems.NATS -> natsUrl == null ? null
              : Proc.java("-cp", bench.jar.toString(), NatsEcho.class.getName(), natsUrl, "footprint", "1");
          default -> Proc.java("-cp", bench.jar.toString(), RelayEcho.class.getName());
        };
        if (cmd == null) {
          continue;
        }
        try (Proc p = Proc.start("footprint-" + sys, bench.work, sys.equals(Systems.CALLMESH) ? spokeEnv : java.util.Map.of(), cmd)) {
          p.awaitLine(l -> l.contains("connected to") || l.contains("ready on"), 30_000);
          double startMs = p.sinceStartNanos() / 1e6;
          Thread.sleep(bench.plan.idleMs());
          double rss = p.rssMib();
          System.out.printf(Locale.ROOT, "%-18s %-9s start %6.0f ms  idle RSS %6.1f MiB%n", "spoke_footprint", sys, startMs, rss);
          bench.results.add("spoke_footprint", sys, "start_ms", startMs);
          bench.results.add("spoke_footprint", sys, "rss_mib", rss);
        } catch (Exception e) {
          bench.results.note("spoke_footprint " + sys + " failed: " + e.getMessage());
          System.err.println("spoke_footprint " + sys + " failed: " + e);
        }
      }
    }
    bench.results.note("spoke_footprint: callmesh is the real spoke bench.jar (fs, bash, search) run by its launcher"
        + " (spoke/target/callmesh-spoke: its JVM flags and class-data archive); nats is a jnats echo responder"
        + " JVM; relay is the relay's echo responder JVM, which listens instead of connecting (ready = listening).");
  }

  /** @return the spoke's launcher with the benchmark's hub, key and bench.root */
  private List<String> spokeLauncher(String hubUrl, Path spokeRoot) {
    return List.of("sh", bench.root.resolve("spoke/target/callmesh-spoke").toString(), "--hub", hubUrl, "--name", "footprint",
        "--key", bench.keyFile.toString(), "--root", spokeRoot.toString());
  }

  /** The spoke's first start through its launcher, which makes the class-data archive; not measured, noted. */
  private void firstSpokeStart(Path spokeRoot, java.util.Map<String, String> env) {
    Stack stack = bench.stack(Systems.CALLMESH);
    if (stack == null) {
      return;
    }
    try (Proc p = Proc.start("footprint-callmesh-first", bench.work, env, spokeLauncher(stack.url, spokeRoot))) {
      p.awaitLine(l -> l.contains("connected to"), 120_000);
      double ms = p.sinceStartNanos() / 1e6;
      System.out.printf(Locale.ROOT, "%-18s %-9s first start (makes the class-data archive) %6.0f ms%n",
          "spoke_footprint", Systems.CALLMESH, ms);
      bench.results.note(String.format(Locale.ROOT, "spoke_footprint: callmesh's first start, which made the launcher's"
          + " class-data archive (a training run, then java -Xshare:dump), took %.0f ms; the measured starts use it.", ms));
    } catch (Exception e) {
      bench.results.note("spoke_footprint callmesh first start failed: " + e.getMessage());
      System.err.println("spoke_footprint callmesh first start failed: " + e);
    }
  }
}
