package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code hub_jobs} scenario: what running a call as a job costs over making it. One hub (with its jobs
 * in a fresh data directory) and one {@link EchoSpoke}; the client alternates, one at a time, a plain call of
 * {@code /echo/echo} with the same call as a job: {@code /hub/jobs/start}, then {@code /hub/jobs/get} at once
 * and again until it reads {@code completed}. Reported: the plain call's p50, the start's p50 (the answer
 * {@code {"job"}}), and start-to-completed-get's p50, in microseconds; and the gets it took. The job's
 * path writes the job and its output to SQLite (WAL) on the store's thread, so the difference is mostly
 * that.
 */
final class JobScenario {

  static final String NAME = "hub_jobs";
  static final List<String> METRICS = List.of("call_p50_us", "start_p50_us", "start_to_result_p50_us", "gets_per_job");

  private final BenchMain bench;

  JobScenario(BenchMain bench) {
    this.bench = bench;
  }

  /** Starts the hub and the spoke, warms up, then measures; stops everything it started. */
  void run() {
    int runs = bench.plan.mode().equals("quick") ? 300 : 2000;
    JsonObject input = new JsonObject().put("data", "x".repeat(100));
    try {
      Proc hub = bench.startHub("hub-jobs");
      bench.running.add(hub);
      String url = bench.hubUrl(hub);
      Proc spoke = Proc.start("jobs-spoke", bench.work, Proc.java("-cp", bench.jar.toString(), EchoSpoke.class.getName(),
          url, bench.keyFile.toString(), "jobs", "1", "64"));
      bench.running.add(spoke);
      spoke.awaitLine(l -> l.contains("connected to"), 120_000);
      CallmeshClient client = bench.connectClient(url);
      measure(client, input, runs / 2); // warm-up
      long[][] m = measure(client, input, runs);
      bench.results.add(NAME, Systems.CALLMESH, "call_p50_us", p50(m[0]));
      bench.results.add(NAME, Systems.CALLMESH, "start_p50_us", p50(m[1]));
      bench.results.add(NAME, Systems.CALLMESH, "start_to_result_p50_us", p50(m[2]));
      double gets = 0;
      for (long g : m[3]) {
        gets += g;
      }
      bench.results.add(NAME, Systems.CALLMESH, "gets_per_job", gets / runs);
      System.out.printf(Locale.ROOT, "%-18s %-9s call p50 %6.0f us, job start p50 %6.0f us, start to result p50 %6.0f us"
          + " (%.1f gets a job)%n", NAME, Systems.CALLMESH, p50(m[0]), p50(m[1]), p50(m[2]), gets / runs);
      bench.results.note(String.format(Locale.ROOT, "%s: %d plain calls of /echo/echo (100 B) alternating with the same"
          + " call as a job (start, then get until completed), one at a time, after %d of each to warm up.", NAME, runs,
          runs / 2));
      client.close();
    } catch (Exception e) {
      bench.results.note(NAME + " failed: " + e.getMessage());
      System.err.println(NAME + " failed: " + e);
    } finally {
      bench.stopAll();
    }
  }

  /** @return per run: the call's µs, the start's µs, start to a completed get µs, and how many gets */
  private static long[][] measure(CallmeshClient client, JsonObject input, int runs) throws Exception {
    long[][] out = new long[4][runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      client.call("/jobs/echo/echo", input).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      out[0][i] = (System.nanoTime() - t0) / 1000;
      long t1 = System.nanoTime();
      JsonObject started = (JsonObject) client.call("/hub/jobs/start", new JsonObject().put("operationId", "/jobs/echo/echo")
          .put("input", input)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      out[1][i] = (System.nanoTime() - t1) / 1000;
      String state;
      int gets = 0;
      do {
        JsonObject job = (JsonObject) client.call("/hub/jobs/get", new JsonObject().put("job", started.getString("job")))
            .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        state = job.getString("state");
        gets++;
        if (gets > 10_000) {
          throw new IllegalStateException("job " + started + " still " + state + " after 10,000 gets");
        }
      } while (state.equals("running"));
      if (!state.equals("completed")) {
        throw new IllegalStateException("job " + started + " ended " + state);
      }
      out[2][i] = (System.nanoTime() - t1) / 1000;
      out[3][i] = gets;
    }
    return out;
  }

  private static double p50(long[] values) {
    List<Long> sorted = new ArrayList<>();
    for (long v : values) {
      sorted.add(v);
    }
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
