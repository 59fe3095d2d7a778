package dev.callmesh.bench;

import dev.callmesh.hub.impl.metrics.HubMetrics;
import dev.callmesh.hub.impl.metrics.OperationLabels;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.operations.impl.InputValidator;
import dev.callmesh.protocol.trace.TraceParent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What each per-call feature that NATS does not have costs on its own, in nanoseconds of one thread: the
 * schema check of an input (the spoke's), the trace id the hub continues, and the histogram update of the
 * hub's metrics. Each is run in rounds after a warm-up; the median round is printed. The audit line is
 * measured as the hub's CPU per call with and without it (bench/README.md, "Per-call costs").
 *
 * <pre>java -cp bench/target/callmesh-bench.jar:hub/target/callmesh-hub.jar dev.callmesh.bench.PerCallCosts</pre>
 */
public final class PerCallCosts {

  private static final int ROUNDS = 7;
  private static final int PER_ROUND = 200_000;
  static volatile Object sink;

  private PerCallCosts() {
  }

  public static void main(String[] args) {
    InputValidator readFile = new InputValidator("/fs/readFile", StandardSpecs.get("/fs/readFile").inputSchema());
    JsonObject readFileInput = new JsonObject().put("path", "src/main/java/App.java");
    InputValidator echo = new InputValidator("/echo/echo", new JsonObject().put("type", "object"));
    JsonObject echoInput = new JsonObject().put("data", "x".repeat(90));
    String header = TraceParent.newRoot().toString();
    HubMetrics metrics = HubMetrics.create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        path -> new OperationLabels("dev1", "/fs/readFile"), List.of(), List::of);

    List<String> lines = new ArrayList<>();
    lines.add(row("schema: /fs/readFile input", i -> readFile.check(readFileInput)));
    lines.add(row("schema: /echo/echo ({type: object})", i -> echo.check(echoInput)));
    lines.add(row("trace: continue the caller's traceparent", i -> sink = TraceParent.forwardedFrom(header).traceId()));
    lines.add(row("trace: new root (caller sent none)", i -> sink = TraceParent.forwardedFrom(null).traceId()));
    lines.add(row("histogram: callEnded (counter + timer)", i -> metrics.callEnded("/dev1/fs/readFile", null, 150_000 + i)));
    System.out.println("| per-call cost | ns (median of " + ROUNDS + " rounds of " + PER_ROUND + ") |");
    System.out.println("|---|---:|");
    lines.forEach(System.out::println);
  }

  private static String row(String what, LongConsumer op) {
    for (long i = 0; i < PER_ROUND * 3L; i++) {
      op.accept(i); // warm-up: let the JIT compile it
    }
    long[] ns = new long[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long t0 = System.nanoTime();
      for (long i = 0; i < PER_ROUND; i++) {
        op.accept(i);
      }
      ns[r] = (System.nanoTime() - t0) / PER_ROUND;
    }
    Arrays.sort(ns);
    return "| " + what + " | " + ns[ROUNDS / 2] + " |";
  }
}
