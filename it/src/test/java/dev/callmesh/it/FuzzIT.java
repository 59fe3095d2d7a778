package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.auth.AuthMessages;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.auth.SshSig;
import dev.callmesh.protocol.auth.TimestampToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seeded fuzz run against the hub jar (SPEC §2): 100,000+ random and mutated frames over 50
 * connections, 40 of them authenticated and 10 not, reconnecting whenever the hub closes one. Each
 * frame is tagged with what the hub must do with it ({@link FuzzFrames.Kind}), so besides "the hub
 * survives" the run checks that the hub closes exactly the connections it must, answers only with
 * well-formed envelopes, leaves nothing pending and gives its memory back.
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
  static final long CLOSE_WAIT_MS = 5_000;

  Mesh mesh;
  Path admin;
  Path fuzzKey;
  SshKeyPair fuzzPair;
  JavaProcess hub;
  JavaProcess spoke;
  final Stats stats = new Stats();

  @BeforeEach
  void start() throws Exception {
    mesh = new Mesh();
    mesh.jvmArgs = List.of("-Xmx256m");
    Path spokeKey = mesh.key("dev1");
    admin = mesh.key("admin");
    fuzzKey = mesh.key("fuzz");
    fuzzPair = SshKeyPair.load(fuzzKey, null);
    mesh.authorize("name=\"dev1\",spoke=\"dev1\"", spokeKey);
    mesh.authorize("name=\"admin\",allow=\"/dev1/*,/hub/*\"", admin);
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
    run(SEED ^ 0x77, 10, 5_000, new Stats());
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
            + Stats.MAX_SAMPLES + " cases above; " + stats.anomalyCount.get() + " in all)"));
  }

  private long heapAfterGc() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(hub.process().pid()), "GC.run").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
    return Heap.usedMiB(hub.process().pid());
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
  private void run(long seed, int slots, int frames, Stats s) throws Exception {
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
          new Slot(seed, slot, authenticatedSlot, s).run(quota, deadline);
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

  /** What the run saw. */
  static final class Stats {
    static final int MAX_SAMPLES = 40;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong authenticated = new AtomicLong();
    final AtomicLong closedByHub = new AtomicLong();
    final AtomicLong anomalyCount = new AtomicLong();
    final Map<String, LongAdder> byes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> denials = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final Map<String, LongAdder> labels = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();

    void anomaly(String what) {
      if (anomalyCount.incrementAndGet() <= MAX_SAMPLES) {
        anomalies.add(what);
      }
    }

    static void count(Map<String, LongAdder> m, String key) {
      m.computeIfAbsent(String.valueOf(key), k -> new LongAdder()).increment();
    }
  }

  /** One of the parallel connection slots: its own Random from the seed, so a slot's frames replay exactly. */
  private final class Slot {
    final int slot;
    final boolean authenticated;
    final Random random;
    final FuzzFrames gen;
    final Stats s;
    int opened;

    Slot(long seed, int slot, boolean authenticated, Stats s) {
      this.slot = slot;
      this.authenticated = authenticated;
      this.random = new Random(seed ^ (slot * 0x9E3779B97F4A7C15L));
      this.gen = new FuzzFrames(random, MAX_FRAME);
      this.s = s;
    }

    void run(int quota, long deadline) throws Exception {
      int sent = 0;
      Conn c = null;
      try {
        while (sent < quota && System.nanoTime() < deadline) {
          if (c == null || c.gone()) {
            if (c != null) {
              c.finish();
            }
            c = open();
          }
          sent += authenticated ? burstAfterWelcome(c, quota - sent) : burstBeforeWelcome(c);
        }
      } finally {
        if (c != null) {
          c.closeByUs();
          c.finish();
        }
      }
    }

    private Conn open() throws Exception {
      opened++;
      s.connections.incrementAndGet();
      if (!authenticated) {
        return new Conn(new RawConn(mesh.port), s, false);
      }
      s.authenticated.incrementAndGet();
      RawConn raw;
      if (opened == 1 && slot % 8 == 0) {
        raw = WireAndAuthIT.connectTo(mesh, fuzzKey); // ssh-keygen -Y sign, as an OpenSSH user would
      } else {
        raw = new RawConn(mesh.port);
        JsonObject ch = raw.recv();
        assertEquals("auth.challenge", ch == null ? null : ch.getString("type"), String.valueOf(ch));
        JsonObject hello = new JsonObject();
        if (slot % 4 == 3) {
          hello.put("token", TimestampToken.create(fuzzPair, System.currentTimeMillis() / 1000));
        } else {
          JsonObject p = ch.getJsonObject("payload");
          hello.put("signature", SshSig.sign(fuzzPair, AuthMessages.NAMESPACE,
              AuthMessages.challengeMessage(p.getString("hub"), p.getString("nonce"))));
        }
        raw.send("auth.hello", "", hello);
        JsonObject w = raw.recv();
        assertEquals("auth.welcome", w == null ? null : w.getString("type"), String.valueOf(w));
      }
      return new Conn(raw, s, true);
    }

    /** @return the label without its variable part, to count frames by kind */
  static String kindOf(String label) {
    if (label.startsWith("auth.")) {
      return "auth.* after welcome";
    }
    String[] words = label.replaceAll("\\d+", "N").split(" ");
    return words.length > 1 && !words[0].startsWith("call.requested") ? words[0] + " " + words[1] : words[0];
  }

    /** @return frames sent: up to 100 in one write, ending early at a frame that must close */
    private int burstAfterWelcome(Conn c, int left) throws Exception {
      int n = 1 + random.nextInt(Math.min(100, left));
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      FuzzFrames.Kind last = FuzzFrames.Kind.OK;
      int frames = 0;
      while (frames < n && burst.size() < 4 * MAX_FRAME) {
        FuzzFrames.Frame f = gen.afterWelcome();
        burst.writeBytes(f.bytes());
        frames += f.count();
        Stats.count(s.labels, kindOf(f.label()));
        c.sent(f);
        last = f.kind();
        if (last == FuzzFrames.Kind.FATAL || last == FuzzFrames.Kind.END) {
          break;
        }
      }
      int written = c.write(burst.toByteArray(), frames);
      if (last == FuzzFrames.Kind.END) {
        c.closeByUs();
      } else if (last == FuzzFrames.Kind.FATAL) {
        c.expectClose();
      }
      return written;
    }

    /** @return frames sent before the welcome: the first is never a good hello, so the hub must close */
    private int burstBeforeWelcome(Conn c) throws Exception {
      if (random.nextInt(10) == 0) {
        c.closeByUs(); // connect, then go away without a word
        return 0;
      }
      FuzzFrames.Frame f = gen.beforeWelcome();
      Stats.count(s.labels, "pre-auth");
      c.sent(f);
      int written = c.write(f.bytes(), f.count());
      if (f.kind() == FuzzFrames.Kind.END) {
        c.closeByUs();
      } else {
        c.expectClose();
      }
      return written;
    }
  }

  /** One raw connection and the thread that drains and checks what the hub sends on it. */
  private static final class Conn {
    final RawConn raw;
    final Stats s;
    final boolean welcomed;
    final CountDownLatch closed = new CountDownLatch(1);
    final ArrayDeque<String> recent = new ArrayDeque<>();
    volatile boolean byUs;
    volatile boolean mayClose;
    volatile String bye;
    volatile boolean writeFailed;

    Conn(RawConn raw, Stats s, boolean welcomed) {
      this.raw = raw;
      this.s = s;
      this.welcomed = welcomed;
      Thread t = new Thread(this::drain, "fuzz-reader");
      t.setDaemon(true);
      t.start();
    }

    void sent(FuzzFrames.Frame f) {
      if (f.kind() != FuzzFrames.Kind.OK || !welcomed) {
        mayClose = true;
      }
      synchronized (recent) {
        recent.add(f.label());
        if (recent.size() > 5) {
          recent.remove();
        }
      }
    }

    /** @return how many frames were written: all, or none when the connection had already gone */
    int write(byte[] bytes, int frames) {
      if (gone()) {
        return 0;
      }
      try {
        raw.sendRaw(bytes);
        s.frames.addAndGet(frames);
        s.bytes.addAndGet(bytes.length);
        return frames;
      } catch (IOException e) {
        writeFailed = true; // the hub closed it while we wrote
        return 0;
      }
    }

    boolean gone() {
      return byUs || writeFailed || closed.getCount() == 0;
    }

    /** The last frame must make the hub close the connection: wait for that. */
    void expectClose() throws Exception {
      if (!closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS) && !writeFailed) {
        s.anomaly("the hub kept a connection open " + CLOSE_WAIT_MS + " ms after a frame that must close it; "
            + "last frames sent: " + recentLabels());
        closeByUs();
      }
    }

    void closeByUs() throws IOException {
      byUs = true;
      raw.close();
    }

    /** Called once the slot moves on: the reader must have ended. */
    void finish() throws Exception {
      if (!closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        closeByUs();
        closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
      }
    }

    private String recentLabels() {
      synchronized (recent) {
        return String.join(" | ", recent);
      }
    }

    private void drain() {
      try {
        while (true) {
          JsonObject e;
          try {
            e = raw.recv();
          } catch (SocketTimeoutException t) {
            if (byUs) {
              return;
            }
            continue;
          } catch (IOException | RuntimeException ex) {
            if (!byUs) {
              s.anomaly("the hub sent something that is not a JSON object envelope (" + ex + "); last frames sent: "
                  + recentLabels());
            }
            return;
          }
          if (e == null) {
            if (!byUs) {
              s.closedByHub.incrementAndGet();
              if (!mayClose) {
                s.anomaly("the hub closed a connection after frames that must keep it open (bye " + bye
                    + "); last frames sent: " + recentLabels());
              }
            }
            return;
          }
          check(e);
        }
      } finally {
        closed.countDown();
      }
    }

    private void check(JsonObject e) {
      Object type = e.getValue("type");
      Object payload = e.getValue("payload");
      Object id = e.getValue("id");
      if (!(type instanceof String t) || !(payload instanceof JsonObject p) || (id != null && !(id instanceof String))) {
        s.anomaly("the hub sent a malformed envelope " + FuzzFrames.clip(e.encode()));
        return;
      }
      switch (t) {
        case "bye" -> {
          bye = p.getString("code") + ": " + p.getString("message");
          Stats.count(s.byes, p.getString("code"));
        }
        case "auth.denied" -> Stats.count(s.denials, p.getString("code"));
        case "call.error" -> {
          Stats.count(s.errors, p.getString("code"));
          if ("INTERNAL".equals(p.getString("code"))) {
            String m = String.valueOf(p.getValue("message"));
            s.anomaly("the hub answered INTERNAL: " + (m.length() > 300 ? m.substring(0, 300) : m) + "; last frames sent: "
                + recentLabels());
          }
        }
        default -> { }
      }
    }
  }
}
