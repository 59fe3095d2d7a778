package dev.callmesh.bench;

import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.TimestampToken;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code jsonrpc_ws} scenario: one hub with its HTTP port, the echo spoke, and two WebSocket callers on
 * the same Vert.x client, one speaking the native envelopes on {@code /v1/ws}, the other JSON-RPC 2.0 on
 * {@code /v1/jsonrpc}. The loads of {@code latency_100b} (1 in flight) and {@code throughput_100b}
 * (64 in flight) run through each, taking turns going first, so the difference is the JSON-RPC edge's cost.
 */
final class WebSocketScenario {

  static final String NAME = "jsonrpc_ws";
  /** JSON-RPC's figures, then the native envelope's over the same kind of socket. */
  static final List<String> METRICS = List.of("p50_us", "p99_us", "rps", "envelope_p50_us", "envelope_p99_us", "envelope_rps");

  private final BenchMain bench;
  private final List<AutoCloseable> running = new ArrayList<>();
  private WsCaller envelope;
  private WsCaller jsonRpc;

  WebSocketScenario(BenchMain bench) {
    this.bench = bench;
  }

  void run() {
    JsonObject small = Systems.input(BenchMain.PAYLOAD_SMALL);
    try {
      start();
      long each = bench.plan.jitWarmMs() / 2;
      LoadDriver.run(envelope.target(small), BenchMain.IN_FLIGHT, each);
      LoadDriver.run(jsonRpc.target(small), BenchMain.IN_FLIGHT, each);
      for (int rep = 0; rep < bench.plan.reps(); rep++) {
        System.out.printf("%n== %s, repetition %d of %d%n", NAME, rep + 1, bench.plan.reps());
        boolean[] order = rep % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
        for (boolean rpc : order) {
          measure(rpc, 1, small);
        }
        for (boolean rpc : order) {
          measure(rpc, BenchMain.IN_FLIGHT, small);
        }
      }
      bench.results.note(NAME + ": one hub and the echo spoke; p50/p99/rps through JSON-RPC 2.0 on /v1/jsonrpc, envelope_* "
          + "through the native envelopes on /v1/ws, both text WebSockets of one Vert.x client, taking turns going first.");
    } catch (Exception e) {
      bench.results.note(NAME + " failed: " + e.getMessage());
      System.err.println(NAME + " failed: " + e);
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        try {
          running.get(i).close();
        } catch (Exception ignored) {
          // best effort
        }
      }
    }
  }

  private void start() throws Exception {
    List<String> cmd = bench.hubCommand("bench-ws");
    cmd.set(cmd.indexOf("--http") + 1, "127.0.0.1:0");
    Proc hub = bench.awaitStart("hub-ws", cmd, "listening on");
    running.add(hub);
    String http = hub.awaitLine(l -> l.contains(" HTTP on "), 30_000);
    int httpPort = Ports.lastInt(http);
    running.add(bench.awaitStart("ws-echo", bench.echoSpoke(bench.hubUrl(hub), "echo", 1), "connected to"));
    String token = URLEncoder.encode(TimestampToken.create(SshKeyPair.load(bench.keyFile, null),
        System.currentTimeMillis() / 1000), StandardCharsets.UTF_8);
    envelope = WsCaller.envelope(bench.vertx, httpPort, token, "/echo/echo/echo");
    running.add(envelope);
    jsonRpc = WsCaller.jsonRpc(bench.vertx, httpPort, token, "/echo/echo/echo");
    running.add(jsonRpc);
  }

  private void measure(boolean rpc, int inFlight, JsonObject input) {
    String label = NAME + (inFlight == 1 ? " latency" : " rps");
    String path = rpc ? "jsonrpc" : "envelope";
    try {
      LoadDriver.Result r = LoadDriver.run((rpc ? jsonRpc : envelope).target(input), inFlight, bench.plan.warmUp(),
          bench.plan.measureMs(), null);
      bench.report(label, path, r);
      if (r.calls() > 0) {
        String prefix = rpc ? "" : "envelope_";
        if (inFlight == 1) {
          bench.results.add(NAME, Systems.CALLMESH, prefix + "p50_us", r.quantileUs(0.50));
          bench.results.add(NAME, Systems.CALLMESH, prefix + "p99_us", r.quantileUs(0.99));
        } else {
          bench.results.add(NAME, Systems.CALLMESH, prefix + "rps", r.rps());
        }
      }
    } catch (Exception e) {
      bench.results.note(label + " " + path + " failed: " + e.getMessage());
      System.err.println(label + " " + path + " failed: " + e);
    }
  }
}
