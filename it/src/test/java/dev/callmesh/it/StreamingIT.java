package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams, aborts, deadlines and credit through the real hub and spoke jars (docs/PROTOCOL.md, README). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingIT {

  static Mesh mesh;
  static Path admin;
  static Path root;
  static CallmeshClient client;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    admin = mesh.adminKey();
    root = mesh.root("dev1");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    client = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while ((client.engine().pendingCount() != 0 || Mesh.inFlight(client).get("dev1") != 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, client.engine().pendingCount());
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(client));
  }

  private String[] cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", admin.toString()));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  @Test
  void streamPrintsEachOutputAsItHappensThenTheExitCode() throws Exception {
    JavaProcess cli = JavaProcess.start("cli-stream", Tools.jar("callmesh.cli.jar"), mesh.dir, Map.of(),
        List.of(cli("stream", "/dev1/bash/exec", "{\"command\":\"for i in 1 2 3; do echo $i; sleep 0.3; done\"}")));
    cli.awaitLine(l -> l.contains("\"stdout\""), Duration.ofSeconds(30));
    long firstSeen = System.nanoTime();
    cli.awaitLine(l -> l.contains("exitCode"), Duration.ofSeconds(30));
    long lastSeen = System.nanoTime();
    assertEquals(0, cli.awaitExit(Duration.ofSeconds(10)), cli.stderr());
    assertTrue(lastSeen - firstSeen > TimeUnit.MILLISECONDS.toNanos(400),
        "the first output came only " + (lastSeen - firstSeen) / 1_000_000 + " ms before the end");
    StringBuilder stdout = new StringBuilder();
    List<String> lines = cli.stdoutLines();
    for (String line : lines.subList(0, lines.size() - 1)) {
      JsonObject event = new JsonObject(line);
      assertEquals("stdout", event.getString("stream"), line);
      stdout.append(event.getString("data"));
    }
    assertEquals("1\n2\n3\n", stdout.toString());
    assertEquals(new JsonObject().put("exitCode", 0), new JsonObject(lines.get(lines.size() - 1)));
  }

  @Test
  void abortingKillsTheWholeProcessTreeWithinThreeSeconds() throws Exception {
    List<Object> outputs = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CallStream stream = client.subscribe("/dev1/bash/exec", new JsonObject().put("command", "sleep 4242 & sleep 4243; wait"));
    stream.handler(outputs::add).exceptionHandler(error::set);
    Procs.awaitPresent("(.*/)?sleep 4242");
    Procs.awaitPresent("(.*/)?sleep 4243");
    stream.abort("test");
    long goneMs = Procs.millisUntilGone(".*sleep 424[23].*", 3000);
    assertTrue(goneMs >= 0, "still running after 3 s: " + Procs.matching(".*sleep 424[23].*"));
  }

  @Test
  void aTimeoutIsSeenAsTimeoutAndKillsTheProcessTree() throws Exception {
    AtomicReference<Throwable> error = new AtomicReference<>();
    CallStream stream = client.subscribe(new JsonObject().put("operationId", "/dev1/bash/exec")
        .put("input", new JsonObject().put("command", "sleep 4252 & sleep 4253; wait")).put("timeoutMs", 500), 16);
    stream.handler(o -> { }).exceptionHandler(error::set);
    Procs.awaitPresent("(.*/)?sleep 4252");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (error.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertNotNull(error.get(), "the call did not end");
    assertEquals("TIMEOUT", ((CallException) error.get()).code());
    long goneMs = Procs.millisUntilGone(".*sleep 425[23].*", 3000);
    assertTrue(goneMs >= 0, "still running after 3 s: " + Procs.matching(".*sleep 425[23].*"));
  }

  @Test
  void aWindowOfTwoDeliversExactlyTwoEventsUntilCreditedThenExactlyAsManyAsCredited() throws Exception {
    try (RawConn raw = WireAndAuthIT.connectTo(mesh, admin)) {
      raw.send("call.requested", "w", new JsonObject().put("operationId", "/dev1/bash/exec").put("window", 2)
          .put("input", new JsonObject().put("command", "seq 1 100000")));
      assertEquals(2, countResponded(raw, "w", 1500));
      raw.send("call.credit", "w", new JsonObject().put("n", 3));
      assertEquals(3, countResponded(raw, "w", 1500));
      raw.send("call.credit", "w", new JsonObject().put("n", 1));
      assertEquals(1, countResponded(raw, "w", 1000));
      raw.send("call.aborted", "w", new JsonObject().put("reason", "enough"));
    }
  }

  /** @return how many call.responded for the id arrive within the time */
  private static int countResponded(RawConn raw, String id, long millis) throws Exception {
    int n = 0;
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return n;
      }
      JsonObject e = raw.recvWithin(left);
      if (e == null) {
        return n;
      }
      if (id.equals(e.getString("id")) && "call.responded".equals(e.getString("type"))) {
        n++;
      } else if (id.equals(e.getString("id"))) {
        throw new AssertionError("unexpected " + e.encode());
      }
    }
  }

  @Test
  void grepOverTenThousandFilesGivesExactlyMaxResultsThenCompletedAndMatchesGrep() throws Exception {
    Path tree = root.resolve("tree");
    for (int d = 0; d < 100; d++) {
      Path dir = Files.createDirectories(tree.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        int n = d * 100 + f;
        Files.writeString(dir.resolve("f" + f + ".txt"), "line one\n" + (n % 250 == 0 ? "found needle " + n + "\n" : "hay\n"));
      }
    }
    List<Object> five = collect(new JsonObject().put("pattern", "needle").put("path", "tree").put("maxResults", 5));
    assertEquals(5, five.size());
    List<Object> all = collect(new JsonObject().put("pattern", "needle [0-9]+").put("path", "tree"));
    Process grep = new ProcessBuilder("grep", "-rnE", "needle [0-9]+", ".").directory(tree.toFile()).start();
    List<String> expected = new String(grep.getInputStream().readAllBytes()).lines()
        .map(l -> l.startsWith("./") ? "tree/" + l.substring(2) : l).sorted().toList();
    grep.waitFor();
    List<String> actual = all.stream().map(o -> (JsonObject) o)
        .map(o -> o.getString("path") + ":" + o.getInteger("line") + ":" + o.getString("text")).sorted().toList();
    assertEquals(40, expected.size());
    assertEquals(expected, actual);
  }

  private static List<Object> collect(JsonObject input) throws Exception {
    List<Object> out = new CopyOnWriteArrayList<>();
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    CallStream s = client.subscribe("/dev1/search/grep", input);
    s.handler(out::add).endHandler(done::complete).exceptionHandler(done::fail);
    done.future().await(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void watchReportsCreatedModifiedAndDeletedFilesUnderTheRoot() throws Exception {
    Path dir = Files.createDirectories(root.resolve("watched"));
    List<Object> events = new CopyOnWriteArrayList<>();
    CallStream watch = client.subscribe("/dev1/fs/watch", new JsonObject().put("path", "watched"));
    watch.handler(events::add);
    Thread.sleep(500); // the watch registers on the spoke
    Files.writeString(dir.resolve("new.txt"), "one");
    awaitEvent(events, "created", "watched/new.txt");
    Files.writeString(dir.resolve("new.txt"), "two");
    awaitEvent(events, "modified", "watched/new.txt");
    Files.delete(dir.resolve("new.txt"));
    awaitEvent(events, "deleted", "watched/new.txt");
    watch.abort("done");
    CallException outside = null;
    AtomicReference<Throwable> err = new AtomicReference<>();
    client.subscribe("/dev1/fs/watch", new JsonObject().put("path", "..")).handler(o -> { }).exceptionHandler(err::set);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (err.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    outside = (CallException) err.get();
    assertEquals("FORBIDDEN", outside.code());
  }

  private static void awaitEvent(List<Object> events, String kind, String path) throws InterruptedException {
    JsonObject wanted = new JsonObject().put("kind", kind).put("path", path);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!events.contains(wanted)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + wanted.encode() + " among " + events);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void ctrlCOnTheCliAbortsTheCallAndTheSpokesProcessIsGone() throws Exception {
    JavaProcess cli = JavaProcess.start("cli-sigint", Tools.jar("callmesh.cli.jar"), mesh.dir, Map.of(),
        List.of(cli("stream", "/dev1/bash/exec", "{\"command\":\"sleep 4244\"}")));
    Procs.awaitPresent("(.*/)?sleep 4244");
    cli.signal("INT");
    assertEquals(130, cli.awaitExit(Duration.ofSeconds(10)), cli.stderr());
    long goneMs = Procs.millisUntilGone("(.*/)?sleep 4244", 3000);
    assertTrue(goneMs >= 0, "sleep 4244 still runs after the CLI was interrupted");
  }
}
