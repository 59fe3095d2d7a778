package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes and the caller of one system, started once and started again when a process died or a
 * measurement went wrong (the machine is shared: another user's cleanup may end a process of ours).
 */
final class Stack implements AutoCloseable {

  final String system;
  final List<Proc> procs = new ArrayList<>();
  /** The process in the middle: the hub, nats-server or the relay. */
  Proc middle;
  /** The responder of {@code echo}. */
  Proc echo;
  /** The responders of {@code fan} ({@code null} for the relay). */
  Proc fan;
  /** The hub's or the server's URL. */
  String url;
  CallmeshClient callmesh;
  Connection nats;
  RelayClient relay;
  /** Set when a measurement failed: the next use starts the stack again. */
  boolean broken;

  private Stack(String system) {
    this.system = system;
  }

  /** Starts the system's processes and connects its caller. */
  static Stack start(BenchMain bench, String system) throws Exception {
    Stack s = new Stack(system);
    try {
      switch (system) {
        case Systems.CALLMESH -> {
          s.middle = s.add(bench.startHub("hub"));
          s.url = bench.hubUrl(s.middle);
          s.echo = s.add(bench.awaitStart("cm-echo", bench.echoSpoke(s.url, "echo", 1), "connected to"));
          s.fan = s.add(bench.awaitStart("cm-fan", bench.echoSpoke(s.url, "fan", BenchMain.FANOUT), "connected to"));
          s.callmesh = bench.connectClient(s.url);
        }
        case Systems.NATS -> {
          int port = Ports.freePort();
          s.middle = s.add(Proc.start("nats-server", bench.work, List.of("nats-server", "-a", "127.0.0.1", "-p", "" + port)));
          Ports.waitForPort(port, 10_000);
          s.url = "nats://127.0.0.1:" + port;
          s.echo = s.add(bench.awaitStart("nats-echo", bench.benchJava(NatsEcho.class, s.url, "echo", "1"), "connected to"));
          s.fan = s.add(bench.awaitStart("nats-fan", bench.benchJava(NatsEcho.class, s.url, "fan", "" + BenchMain.FANOUT), "connected to"));
          s.nats = Nats.connect(new Options.Builder().server(s.url).build());
        }
        default -> {
          s.echo = s.add(bench.awaitStart("relay-echo", bench.benchJava(RelayEcho.class), "ready on"));
          s.middle = s.add(bench.awaitStart("relay", bench.benchJava(Relay.class, "" + Ports.lastInt(s.echo.lastLine)), "listening on"));
          s.relay = RelayClient.connect(bench.vertx, Ports.lastInt(s.middle.lastLine));
        }
      }
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  private Proc add(Proc p) {
    procs.add(p);
    return p;
  }

  /** @return whether every process runs and no measurement failed */
  boolean healthy() {
    return !broken && procs.stream().allMatch(Proc::alive);
  }

  /**
   * @param prefix {@code echo} for the one responder, {@code fan} for the hundred
   * @param n how many responders to spread over
   * @return the caller, or {@code null} when this system has no such figure
   */
  LoadDriver.Target target(JsonObject input, String prefix, int n) {
    return switch (system) {
      case Systems.CALLMESH -> Systems.callmesh(callmesh, input, prefix, n, false);
      case Systems.NATS -> Systems.nats(nats, input, prefix, n);
      default -> n == 1 ? Systems.relay(relay, input) : null;
    };
  }

  @Override
  public void close() {
    try {
      if (callmesh != null) {
        callmesh.close().await(5, TimeUnit.SECONDS);
      }
      if (nats != null) {
        nats.close();
      }
      if (relay != null) {
        relay.close();
      }
    } catch (Exception ignored) {
      // the processes go anyway
    }
    for (int i = procs.size() - 1; i >= 0; i--) {
      procs.get(i).close();
    }
    procs.clear();
  }
}
