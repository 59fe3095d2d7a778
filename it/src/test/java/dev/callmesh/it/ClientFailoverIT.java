package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java client under load while the hub it is on is killed without warning (SIGKILL): a cluster of two
 * hub processes, a spoke that dials both (it starts on the first) and a client given both URLs (it starts
 * on the first too). Eight callers make queries back to back; two seconds in, the first hub is killed,
 * taking the client's connection and the spoke's with it. Every call must end (none hangs), none may fail
 * (the queries in flight, and those that find the spoke still moving, are tried again), and the client must
 * be on the second hub within a few seconds. What the client saw is printed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClientFailoverIT {

  private static final int CALLERS = 8;
  private static final long KILL_AFTER_MS = 2_000;
  private static final long LOAD_MS = 6_000;

  /** One event and when it came. */
  record Seen(long nanos, ClientEvent event) {
  }

  @Test
  void killingTheHubMidLoadCostsTheCallerTimeButNoCall() throws Exception {
    try (Mesh mesh = new Mesh()) {
      Path spokeKey = mesh.spokeKey("dev1");
      Path admin = mesh.adminKey();
      Path root = mesh.root("dev1");
      Files.writeString(root.resolve("a.txt"), "a");
      String cluster = "it-failover-" + ProcessHandle.current().pid();
      Mesh.ClusterHub hub1 = mesh.startClusterHub("hub1", cluster, null);
      Mesh.ClusterHub hub2 = mesh.startClusterHub("hub2", cluster, hub1.member());
      JavaProcess spoke = mesh.startSpoke(hub1.url() + "," + hub2.url(), "dev1", spokeKey, root, true);
      Vertx vertx = Vertx.vertx();
      try {
        List<Seen> events = new CopyOnWriteArrayList<>();
        CallmeshClient client = CallmeshClient.connect(vertx, new ClientOptions(new ConnectOptions()
            .setHubUrls(HubUrl.parseList(hub1.url() + "," + hub2.url()))
            .setCredentials(Credentials.key(SshKeyPair.load(admin, null)))).setMaxRetries(10)).await();
        client.eventHandler(e -> events.add(new Seen(System.nanoTime(), e)));
        assertEquals(hub1.url(), client.hubUrl().toString());

        // GIVEN eight callers making /dev1/fs/stat back to back
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        AtomicInteger hung = new AtomicInteger();
        AtomicLong longestMs = new AtomicLong();
        List<Long> okAt = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        long stopAt = start + TimeUnit.MILLISECONDS.toNanos(LOAD_MS);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
          Thread t = new Thread(() -> {
            while (System.nanoTime() < stopAt) {
              long t0 = System.nanoTime();
              String outcome;
              try {
                Object out = client.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt"), 15_000)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
                outcome = ((JsonObject) out).getInteger("size") == 1 ? "ok" : "wrong output " + out;
                okAt.add(System.nanoTime());
              } catch (java.util.concurrent.TimeoutException e) {
                hung.incrementAndGet();
                return;
              } catch (java.util.concurrent.ExecutionException e) {
                outcome = e.getCause() instanceof CallException ce ? ce.code() + (ce.retryable() ? " (retryable)" : "")
                    : String.valueOf(e.getCause());
              } catch (InterruptedException e) {
                return;
              }
              outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
              longestMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            }
          }, "caller-" + i);
          t.start();
          callers.add(t);
        }
        // WHEN the hub the client (and the spoke) is on is killed mid-load
        Thread.sleep(KILL_AFTER_MS);
        long killed = System.nanoTime();
        hub1.process().kill();
        for (Thread t : callers) {
          t.join(60_000);
        }

        // THEN every call ended, none failed, and the client moved to the second hub within seconds
        long reconnectedAt = events.stream().filter(s -> s.event().kind() == ClientEvent.Kind.CONNECTED
            && hub2.url().equals(s.event().hub().toString())).mapToLong(Seen::nanos).findFirst().orElse(-1);
        long retries = events.stream().filter(s -> s.event().kind() == ClientEvent.Kind.RETRYING).count();
        long okAfterMove = okAt.stream().filter(t -> reconnectedAt > 0 && t > reconnectedAt).count();
        int total = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("ClientFailoverIT: %d calls by %d callers over %d ms, hub1 killed at %d ms: outcomes %s,"
                + " %d hung, %d retries, longest call %d ms; client on hub2 %d ms after the kill, %d answers after that%n",
            total, CALLERS, LOAD_MS, (killed - start) / 1_000_000, outcomes, hung.get(), retries, longestMs.get(),
            reconnectedAt < 0 ? -1 : (reconnectedAt - killed) / 1_000_000, okAfterMove);
        System.out.println("ClientFailoverIT: client events after the kill:");
        events.stream().filter(s -> s.nanos() >= killed).limit(40).forEach(s -> System.out.printf("  +%5d ms %s%n",
            (s.nanos() - killed) / 1_000_000, s.event()));
        assertEquals(0, hung.get(), "calls that never ended");
        Map<String, Integer> counts = new java.util.TreeMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.get()));
        assertTrue(total > 0);
        assertEquals(Map.of("ok", total), counts, "every call answered");
        assertTrue(retries > 0, "the queries in flight on the killed hub were tried again: " + events);
        assertTrue(reconnectedAt > 0, "the client never connected to hub2: " + events);
        assertTrue(reconnectedAt - killed < TimeUnit.SECONDS.toNanos(5),
            "reconnected " + (reconnectedAt - killed) / 1_000_000 + " ms after the kill");
        assertTrue(okAfterMove > 0, "no call was answered through hub2");
        assertEquals(hub2.url(), client.hubUrl().toString());
        assertEquals(CallmeshClient.Status.CONNECTED, client.status());
        assertEquals(0, client.engine().pendingCount());
        spoke.awaitErrLine(l -> l.contains("connected to " + hub2.url()), Mesh.START);
        client.close().await();
      } finally {
        vertx.close().await(5, TimeUnit.SECONDS);
      }
    }
  }
}
