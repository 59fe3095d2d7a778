package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code hub_fanout_1000} scenario: one hub with 1,000 simulated spokes (one {@link EchoSpoke} JVM, each
 * session answering {@code /fs/stat} from memory) and one {@code /hub/fanout} of {@code /fs/stat} to all of
 * them, timed from the subscribe to the completion (the last spoke's entry), at concurrency 32 (the default)
 * and 256. Each fan-out's hub CPU time is read from {@code /proc/PID/stat} (user + system) before and after.
 * For comparison, the same 1,000 calls made by the client itself, 32 in flight. Figures are medians over
 * the runs; every fan-out must bring back 1,000 entries, none of them errors.
 */
final class FanoutScenario {

  static final String NAME = "hub_fanout_1000";
  static final List<String> METRICS = List.of("ms_c32", "ms_c256", "client_ms_c32", "hub_cpu_ms_c32", "hub_cpu_ms_c256");
  static final int SPOKES = 1000;

  private final BenchMain bench;

  FanoutScenario(BenchMain bench) {
    this.bench = bench;
  }

  /** Starts the hub and the spokes, warms up, then measures; stops everything it started. */
  void run() {
    int runs = bench.plan.mode().equals("quick") ? 5 : 15;
    JsonObject input = new JsonObject().put("path", "go.mod");
    try {
      Proc hub = bench.startHub("hub-fanout");
      bench.running.add(hub);
      String url = bench.hubUrl(hub);
      List<String> simCmd = Proc.java("-cp", bench.jar.toString(), EchoSpoke.class.getName(), url,
          bench.keyFile.toString(), "node", "" + SPOKES, "64");
      Proc sim = Proc.start("fanout-sim", bench.work, simCmd);
      bench.running.add(sim);
      sim.awaitLine(l -> l.contains("connected to"), 300_000);
      CallmeshClient client = bench.connectClient(url);
      for (int i = 0; i < 3; i++) { // warm-up: the JIT, at both concurrencies and the client's own calls
        fanout(client, input, 32);
        fanout(client, input, 256);
        direct(client, input, 32);
      }
      for (int i = 0; i < runs; i++) {
        for (int c : new int[] {32, 256}) {
          long cpu0 = ProcCpu.micros(hub.pid());
          double ms = fanout(client, input, c);
          long cpu = (ProcCpu.micros(hub.pid()) - cpu0) / 1000;
          bench.results.add(NAME, Systems.CALLMESH, "ms_c" + c, ms);
          bench.results.add(NAME, Systems.CALLMESH, "hub_cpu_ms_c" + c, cpu);
          System.out.printf(Locale.ROOT, "%-18s %-9s concurrency %3d: %7.1f ms to the last of %d spokes, hub CPU %4d ms%n",
              NAME, Systems.CALLMESH, c, ms, SPOKES, cpu);
        }
        double direct = direct(client, input, 32);
        bench.results.add(NAME, Systems.CALLMESH, "client_ms_c32", direct);
        System.out.printf(Locale.ROOT, "%-18s %-9s the client's own %d calls, 32 in flight: %7.1f ms%n",
            NAME, Systems.CALLMESH, SPOKES, direct);
      }
      bench.results.note(String.format(Locale.ROOT, "%s: /hub/fanout of /fs/stat to %d spokes (one simulator JVM, answers from"
          + " memory), %d runs after 3 warm-ups; ms = subscribe to completion; hub CPU from /proc (10 ms ticks);"
          + " client_ms_c32 = the same calls made one by one by the client, 32 in flight.", NAME, SPOKES, runs));
      client.close();
    } catch (Exception e) {
      bench.results.note(NAME + " failed: " + e.getMessage());
      System.err.println(NAME + " failed: " + e);
    } finally {
      bench.stopAll();
    }
  }

  /** @return milliseconds from the subscribe to the completion of one fan-out to every spoke */
  private static double fanout(CallmeshClient client, JsonObject input, int concurrency) throws Exception {
    JsonObject request = new JsonObject().put("operationId", "/hub/fanout").put("input", new JsonObject()
        .put("target", new JsonObject().put("spokes", "node-*")).put("operation", "/fs/stat").put("input", input)
        .put("concurrency", concurrency));
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    long t0 = System.nanoTime();
    CallStream stream = client.subscribe(request, CallStream.DEFAULT_WINDOW);
    // the end first: a stream that has already ended ends when its handler is set
    stream.endHandler(done::tryComplete);
    stream.exceptionHandler(done::tryFail);
    stream.handler(e -> (((JsonObject) e).containsKey("error") ? failed : ok).incrementAndGet());
    done.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    if (ok.get() != SPOKES || failed.get() != 0) {
      throw new IllegalStateException("fan-out brought " + ok + " outputs and " + failed + " errors, not " + SPOKES + " outputs");
    }
    return ms;
  }

  /** @return milliseconds for the client to call every spoke itself, {@code inFlight} at a time */
  private static double direct(CallmeshClient client, JsonObject input, int inFlight) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(SPOKES);
    Promise<Void> done = Promise.promise();
    long t0 = System.nanoTime();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= SPOKES) {
        return;
      }
      Future<Object> call = client.call(String.format("/%s/fs/stat", EchoSpoke.spokeName("node", i, SPOKES)), input);
      call.onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
        } else if (left.decrementAndGet() == 0) {
          done.tryComplete();
        } else {
          launch[0].run();
        }
      });
    };
    for (int i = 0; i < inFlight; i++) {
      launch[0].run();
    }
    done.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    return (System.nanoTime() - t0) / 1e6;
  }
}
