package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.SshKeyPair;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seeded fuzz run against the hub jar (docs/PROTOCOL.md, Frames): 100,000+ random and mutated frames over 50
 * connections, 40 of them authenticated and 10 not, reconnecting whenever the hub closes one. Each
 * frame is tagged with what the hub must do with it ({@link FuzzFrames.Kind}), so besides "the hub
 * survives" the run checks that the hub closes exactly the connections it must, answers only with
 * well-formed envelopes, leaves nothing pending and gives its memory back. {@link FuzzSlot} runs one
 * connection slot, {@link FuzzConn} checks what the hub answers on a connection, {@link FuzzFrames} makes
 * the frames.
 *
 * <p>Replay a run with {@code -Dcallmesh.fuzz.seed=N} (the seed is printed first).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FuzzIT {

  static final long SEED = Long.getLong("callmesh.fuzz.seed", 0x5eedca11L);
  static final int MAX_FRAME = 1 << 20;
  static final int CONNECTIONS = 50;
  static final int UNAUTHENTICATED = 10;
  static final int FRAMES = Integer.getInteger("callmesh.fuzz.frames", 100_000);
  /** Sending stops after this, reached or not, so a slow machine cannot run the test for long. */
  static final long BUDGET_MS = 90_000;

  Mesh mesh;
  Path admin;
  Path fuzzKey;
  SshKeyPair fuzzPair;
  JavaProcess hub;
  JavaProcess spoke;
  final FuzzStats stats = new FuzzStats();

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    mesh.jvmArgs = List.of("-Xmx256m");
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    fuzzKey = mesh.key("fuzz");
    fuzzPair = SshKeyPair.load(fuzzKey, null);
    // The fuzzer may reach the spoke, but only through operations that cannot change or run anything.
    mesh.authorize("name=\"fuzz\",allow=\"/dev1/fs/stat,/dev1/fs/readFile,/dev1/fs/list,/dev1/search/*,"
        + "/hub/spokes/*,/nospoke/*\"", fuzzKey);
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a");
    Files.writeString(root.resolve("bb.txt"), "bb");
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("dir/x.txt"), "abc\n");
    hub = mesh.startHub(0, "--max-frame-bytes", Integer.toString(MAX_FRAME));
    spoke = mesh.startSpoke("dev1", spokeKey, root);
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  @Test
  void aHundredThousandRandomFramesLeaveTheHubServingWithNothingPendingAndItsHeapBack() throws Exception {
    System.out.printf("FuzzIT seed %d (0x%x), %d frames over %d connections (%d unauthenticated), max frame %d%n",
        SEED, SEED, FRAMES, CONNECTIONS, UNAUTHENTICATED, MAX_FRAME);
    CallmeshClient before = mesh.client(admin);
    for (int i = 0; i < 50; i++) {
      before.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
    }
    // Warm-up: a short run of the same kind, so the baseline heap includes loaded classes and pools.
    run(SEED ^ 0x77, 10, 5_000, new FuzzStats());
    long baseline = heapAfterGc();

    // GIVEN a hub under a seeded storm of frames
    long t0 = System.nanoTime();
    run(SEED, CONNECTIONS, FRAMES, stats);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("FuzzIT: sent %d frames (%d MiB) in %d ms = %d frames/s over %d connections (%d authenticated);"
            + " hub closed %d%n", stats.frames.get(), stats.bytes.get() >> 20, ms, stats.frames.get() * 1000 / Math.max(1, ms),
        stats.connections.get(), stats.authenticated.get(), stats.closedByHub.get());
    System.out.println("FuzzIT: byes " + stats.byes + ", denials " + stats.denials + ", call.error codes " + stats.errors
        + ", frames by label " + new TreeMap<>(stats.labels));
    stats.anomalies.forEach(a -> System.out.println("FuzzIT anomaly: " + a));

    // THEN the hub is alive and serves a fresh client, the spoke is still there with nothing pending
    assertTrue(hub.process().isAlive(), "the hub died: " + hub.stderr());
    CallmeshClient after = mesh.client(admin);
    JsonObject stat = (JsonObject) after.call("/dev1/fs/stat", new JsonObject().put("path", "a.txt")).await();
    assertEquals("file", stat.getString("type"), stat.encode());
    assertEquals(1, stat.getInteger("size"), stat.encode());
    JsonArray ops = ((JsonObject) after.call("/services/list", new JsonObject()).await()).getJsonArray("operations");
    assertTrue(ops.stream().anyMatch(o -> "/dev1/fs/stat".equals(((JsonObject) o).getString("name"))), ops.encode());
    Map<String, Integer> inFlight = awaitNothingInFlight(after);
    assertEquals(Map.of("dev1", 0), inFlight, "the hub still has calls pending towards the spoke");
    assertEquals(0, before.engine().pendingCount());
    assertEquals(0, after.engine().pendingCount());
    // The hub logs a handler's unexpected exception (NetSocketTransport.onException) before closing: none may occur.
    List<String> hubLog = new ArrayList<>(hub.stdoutLines());
    hubLog.addAll(hub.stderr().lines().toList());
    List<String> unexpected = hubLog.stream().filter(l -> l.contains("unexpected") || l.contains("Exception")
        || l.contains("Error") || l.contains(" ERROR ") || l.contains(" WARN ")).limit(20).toList();
    unexpected.forEach(l -> System.out.println("FuzzIT hub log: " + l));
    long end = heapAfterGc();
    System.out.printf("FuzzIT: hub heap after GC: %d MiB after warm-up, %d MiB after the run; spoke alive %s%n",
        baseline, end, spoke.process().isAlive());
    assertAll(
        () -> assertTrue(stats.frames.get() >= FRAMES, "only " + stats.frames.get() + " frames sent in the budget"),
        () -> assertTrue(end <= baseline + 64, "hub heap grew from " + baseline + " to " + end + " MiB"),
        () -> assertTrue(spoke.process().isAlive(), "the spoke died"),
        () -> assertEquals(List.of(), unexpected, "the hub logged unexpected errors"),
        () -> assertEquals(List.of(), List.copyOf(stats.anomalies), "the hub misbehaved (see the first "
            + FuzzStats.MAX_SAMPLES + " cases above; " + stats.anomalyCount.get() + " in all)"));
  }

  private long heapAfterGc() throws Exception {
    return Heap.liveMiB(hub.process().pid());
  }

  private static Map<String, Integer> awaitNothingInFlight(CallmeshClient c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Map<String, Integer> m = Mesh.inFlight(c);
    while (!m.equals(Map.of("dev1", 0)) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      m = Mesh.inFlight(c);
    }
    return m;
  }

  /** Runs the slots in parallel threads until all have sent their share; every connection is closed after. */
  private void run(long seed, int slots, int frames, FuzzStats s) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUDGET_MS);
    List<Thread> threads = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    int unauthenticated = slots / 5;
    int authenticated = slots - unauthenticated;
    // A connection before the welcome carries one frame: those slots get a small share.
    int unauthQuota = frames / slots / 10;
    int authFrames = frames - unauthQuota * unauthenticated;
    for (int i = 0; i < slots; i++) {
      int slot = i;
      boolean authenticatedSlot = slot < authenticated;
      int quota = authenticatedSlot ? authFrames / authenticated + (i < authFrames % authenticated ? 1 : 0) : unauthQuota;
      Thread t = new Thread(() -> {
        try {
          new FuzzSlot(mesh, fuzzKey, fuzzPair, seed, slot, authenticatedSlot, s).run(quota, deadline);
        } catch (Exception | AssertionError e) {
          failures.incrementAndGet();
          java.io.StringWriter trace = new java.io.StringWriter();
          e.printStackTrace(new java.io.PrintWriter(trace));
          s.anomaly("slot " + slot + " failed: " + trace.toString().lines().limit(6).toList());
        }
      }, "fuzz-" + slot);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
