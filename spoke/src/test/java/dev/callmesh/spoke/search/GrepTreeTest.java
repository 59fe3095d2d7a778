package dev.callmesh.spoke.search;

import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.WorkersExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /search/grep} on a generated tree of 10,000 files: agreement with grep, streaming, limits, flow control. */
@Timeout(60)
class GrepTreeTest {

  private static final String PATTERN = "needle[0-9]+";

  @TempDir
  static Path root;

  @RegisterExtension
  static final WorkersExtension POOLS = new WorkersExtension();

  /** 10 x 10 directories of 100 files; a third of the files hold a matching line. */
  @BeforeAll
  static void buildTree() throws IOException {
    int n = 0;
    for (int a = 0; a < 10; a++) {
      for (int b = 0; b < 10; b++) {
        Path dir = Files.createDirectories(root.resolve("d" + a).resolve("e" + b));
        for (int f = 0; f < 100; f++, n++) {
          String body = "line one of " + n + "\n"
              + (n % 3 == 0 ? "here: a needle" + n + " and needle again\n" : "no match here\n")
              + (n % 7 == 0 ? "NEEDLE" + n + " upper, needle" + n + "x\n" : "end\n");
          Files.writeString(dir.resolve("f" + f + ".txt"), body);
        }
      }
    }
  }

  private static RecordingSink start(TestContext ctx, JsonObject input) {
    RecordingSink sink = new RecordingSink();
    return start(ctx, input, sink);
  }

  private static RecordingSink start(TestContext ctx, JsonObject input, RecordingSink sink) {
    SearchOperations.grep(root, POOLS.workers()).handle(ctx, input, sink);
    return sink;
  }

  @Test
  void resultsEqualThoseOfGrepRn() throws Exception {
    RecordingSink sink = start(new TestContext(null), new JsonObject().put("pattern", PATTERN).put("maxResults", 100000));
    sink.awaitCompleted(30);
    Set<String> ours = sink.values().stream()
        .map(o -> o.getString("path") + ":" + o.getInteger("line") + ":" + o.getString("text"))
        .collect(Collectors.toSet());
    assertEquals(sink.size(), ours.size(), "no duplicates");

    ProcessBuilder pb = new ProcessBuilder("/usr/bin/grep", "-rnE", PATTERN, ".").directory(root.toFile());
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    Set<String> theirs = new HashSet<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        theirs.add(line.substring(2)); // drop "./"
      }
    }
    assertEquals(0, p.waitFor());
    assertTrue(theirs.size() > 3000, "the tree has many matches: " + theirs.size());
    assertEquals(theirs, ours);
  }

  @Test
  void maxResultsEmitsExactlyThatManyThenCompletes() throws Exception {
    RecordingSink sink = start(new TestContext(null), new JsonObject().put("pattern", PATTERN).put("maxResults", 5));
    sink.awaitCompleted(30);
    Thread.sleep(100);
    assertEquals(5, sink.size());
    assertEquals("d0/e0/f0.txt", sink.values().get(0).getString("path"));
  }

  @Test
  void firstMatchIsEmittedLongBeforeTheWalkEnds() throws Exception {
    long begin = System.nanoTime();
    RecordingSink sink = start(new TestContext(null), new JsonObject().put("pattern", PATTERN).put("maxResults", 100000));
    sink.awaitCompleted(30);
    long first = sink.outputs().get(0).atNanos() - begin;
    long total = sink.endedAtNanos() - begin;
    assertTrue(first < total / 2, "first output after " + first / 1_000_000 + " ms of " + total / 1_000_000 + " ms");
  }

  @Test
  void abortStopsTheWalkPromptly() throws Exception {
    TestContext ctx = new TestContext(null);
    RecordingSink sink = start(ctx, new JsonObject().put("pattern", PATTERN).put("maxResults", 100000));
    while (sink.size() == 0) {
      Thread.sleep(1);
    }
    ctx.abort();
    Thread.sleep(200);
    int after = sink.size();
    Thread.sleep(300);
    assertEquals(after, sink.size(), "no output once aborted");
    assertFalse(sink.isEnded(), "an aborted stream is not completed by the handler");
    assertTrue(after < 3000, "stopped early: " + after);
  }

  @Test
  void backpressurePausesTheWalkUntilDrained() throws Exception {
    RecordingSink sink = new RecordingSink();
    sink.block();
    start(new TestContext(null), new JsonObject().put("pattern", PATTERN).put("maxResults", 100000), sink);
    Thread.sleep(400);
    assertEquals(0, sink.size(), "nothing emitted while the queue is full");
    assertFalse(sink.isEnded(), "the walk waits");
    sink.release();
    while (sink.size() < 10) {
      Thread.sleep(1);
    }
    sink.block();
    Thread.sleep(200);
    int paused = sink.size();
    Thread.sleep(300);
    assertEquals(paused, sink.size(), "paused again");
    sink.release();
    sink.awaitCompleted(30);
    assertTrue(sink.size() > 3000);
  }
}
