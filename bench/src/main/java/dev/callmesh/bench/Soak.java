package dev.callmesh.bench;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: a real hub, N spokes (one process holding N sessions), one client calling random spokes at a
 * steady rate for a chosen time. Every interval it prints the hub's heap, the calls pending in the hub
 * and the client, errors, and the latency of the interval; at the end, the heap after a full GC and the
 * pending counts, which must be zero. Not a test: run it with {@code bench/soak.sh}.
 *
 * <pre>java -cp callmesh-bench.jar dev.callmesh.bench.Soak [--minutes 10] [--rate 500] [--spokes 100] [--out FILE]</pre>
 */
public final class Soak {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  public static void main(String[] args) throws Exception {
    double minutes = 10;
    int rate = 500;
    int spokes = 100;
    Path out = Path.of("bench", "results", "soak-latest.md");
    Path root = Path.of(".").toAbsolutePath().normalize();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--spokes" -> spokes = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("callmesh-soak-");
    SshKeyPair spokeKey = SshKeyPair.generate();
    SshKeyPair clientKey = SshKeyPair.generate();
    spokeKey.writeOpenSsh(dir.resolve("spoke"), "soak-spoke");
    Files.writeString(dir.resolve("authorized_keys"),
        "name=\"soak-spokes\",spoke=\"soak-*\" " + spokeKey.publicKey().toOpenSsh("soak-spokes") + "\n"
            + "name=\"soak-client\",allow=\"/soak-*,/hub/*\" " + clientKey.publicKey().toOpenSsh("soak-client") + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process hub = new ProcessBuilder(java, "-jar", root.resolve("hub/target/callmesh-hub.jar").toString(),
        "--listen", "127.0.0.1:0", "--http", "off", "--authorized-keys", dir.resolve("authorized_keys").toString(),
        "--hub-id", "soak", "--max-calls-per-second", "0").redirectError(dir.resolve("hub.log").toFile()).start();
    Process echo = null;
    try {
      int port = Integer.parseInt(awaitLine(hub, "listening on").replaceAll(".*:", "").trim());
      String jar = Path.of(Soak.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      echo = new ProcessBuilder(java, "-cp", jar, EchoSpoke.class.getName(), "tcp://127.0.0.1:" + port,
          dir.resolve("spoke").toString(), "soak", Integer.toString(spokes))
          .redirectError(dir.resolve("spokes.log").toFile()).start();
      awaitLine(echo, "connected to");
      run(port, clientKey, hub.pid(), minutes, rate, spokes, out);
    } finally {
      if (echo != null) {
        echo.destroy();
      }
      hub.destroy();
    }
  }

  private static void run(int port, SshKeyPair key, long hubPid, double minutes, int rate, int spokes, Path out)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    CallmeshClient client = CallmeshClient.connect(vertx, new ConnectOptions()
        .setHubUrl(HubUrl.parse("tcp://127.0.0.1:" + port)).setCredentials(Credentials.key(key))).await();
    JsonObject payload = new JsonObject().put("data", "x".repeat(100));
    List<Long> interval = Collections.synchronizedList(new ArrayList<>());
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long periodMicros = 1_000_000L / rate;
    long batch = Math.max(1, rate / 100); // a timer tick every 10 ms, with its share of the calls
    long timer = vertx.setPeriodic(10, t -> {
      for (int i = 0; i < batch; i++) {
        String spoke = EchoSpoke.spokeName("soak", ThreadLocalRandom.current().nextInt(spokes), spokes);
        long t0 = System.nanoTime();
        client.call("/" + spoke + "/echo/echo", payload, 5000).onComplete(ar -> {
          calls.incrementAndGet();
          if (ar.failed()) {
            errors.incrementAndGet();
          } else {
            interval.add((System.nanoTime() - t0) / 1000);
          }
        });
      }
    });
    StringBuilder table = new StringBuilder("| t (s) | calls | errors | p50 µs | p99 µs | hub heap MiB | hub pending | client pending |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    System.out.printf("soak: %d spokes, %d calls/s (period %d µs), %.1f minutes%n", spokes, rate, periodMicros, minutes);
    long start = System.nanoTime();
    long end = start + (long) (minutes * 60e9);
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      List<Long> lat;
      synchronized (interval) {
        lat = new ArrayList<>(interval);
        interval.clear();
      }
      Collections.sort(lat);
      String row = String.format("| %d | %d | %d | %d | %d | %d | %d | %d |", (System.nanoTime() - start) / 1_000_000_000,
          calls.get(), errors.get(), pct(lat, 0.50), pct(lat, 0.99), heapMiB(hubPid, false), hubPending(client),
          client.engine().pendingCount());
      System.out.println(row);
      table.append(row).append('\n');
    }
    vertx.cancelTimer(timer);
    Thread.sleep(3000);
    String last = String.format("after the load: hub heap after full GC %d MiB, hub pending %d, client pending %d, "
        + "%d calls, %d errors", heapMiB(hubPid, true), hubPending(client), client.engine().pendingCount(), calls.get(), errors.get());
    System.out.println(last);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, String.format("# Soak: %d spokes, %d calls/s, %.1f minutes%n%n", spokes, rate, minutes)
        + table + "\n" + last + "\n");
    client.close().await();
    vertx.close().await();
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * p) - 1));
  }

  private static int hubPending(CallmeshClient client) {
    JsonArray list = ((JsonObject) client.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    int n = 0;
    for (int i = 0; i < list.size(); i++) {
      n += list.getJsonObject(i).getInteger("inFlight");
    }
    return n;
  }

  private static long heapMiB(long pid, boolean afterGc) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    if (afterGc) {
      new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").start().waitFor(30, TimeUnit.SECONDS);
    }
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    Matcher m = USED.matcher(text);
    long kib = 0;
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
    }
    return kib / 1024;
  }

  private static String awaitLine(Process p, String text) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.contains(text)) {
        return line;
      }
    }
    throw new IllegalStateException("the process ended before printing '" + text + "'");
  }
}
