package dev.callmesh.spoke.fs;

import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.WorkersExtension;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /fs/watch}: events, recursion, abort, errors. */
@Timeout(30)
class FsWatchTest {

  private static final long WAIT_MS = 5000;
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  Path root;

  @RegisterExtension
  static final WorkersExtension POOLS = new WorkersExtension();

  private final List<TestContext> started = new ArrayList<>();

  @AfterEach
  void abortAll() {
    started.forEach(TestContext::abort);
  }

  private RecordingSink watch(JsonObject input) {
    return watch(input, FsWatch.handler(root, POOLS.workers()));
  }

  private RecordingSink watch(JsonObject input, SubscriptionHandler handler) {
    TestContext ctx = new TestContext(null, "/fs/watch", "watch-" + IDS.incrementAndGet());
    started.add(ctx);
    RecordingSink sink = new RecordingSink();
    handler.handle(ctx, input, sink);
    return sink;
  }

  private CallException failure(JsonObject input) throws Exception {
    RecordingSink sink = watch(input);
    return assertInstanceOf(CallException.class, sink.awaitEnd(10));
  }

  @Test
  void reportsCreatedModifiedAndDeletedFilesOfTheDirectory() throws Exception {
    Files.createDirectories(root.resolve("w"));
    RecordingSink sink = watch(new JsonObject().put("path", "w"));
    // no wait: the watch is registered when the handler returns
    Files.writeString(root.resolve("w/a.txt"), "one");
    assertTrue(sink.await("created", "w/a.txt", WAIT_MS), sink.values().toString());
    Files.writeString(root.resolve("w/a.txt"), "two", StandardOpenOption.APPEND);
    assertTrue(sink.await("modified", "w/a.txt", WAIT_MS), sink.values().toString());
    Files.delete(root.resolve("w/a.txt"));
    assertTrue(sink.await("deleted", "w/a.txt", WAIT_MS), sink.values().toString());
    assertFalse(sink.isEnded());
  }

  @Test
  void recursiveSeesExistingSubdirectoriesAndOnesCreatedLater() throws Exception {
    Files.createDirectories(root.resolve("w/old/deep"));
    RecordingSink sink = watch(new JsonObject().put("path", "w").put("recursive", true));
    // existing subdirectories are registered by the watch's thread before it reports anything:
    // the first event of the top directory proves they are watched
    Files.writeString(root.resolve("w/marker.txt"), "x");
    assertTrue(sink.await("created", "w/marker.txt", WAIT_MS), sink.values().toString());
    Files.writeString(root.resolve("w/old/deep/x.txt"), "x");
    assertTrue(sink.await("created", "w/old/deep/x.txt", WAIT_MS), sink.values().toString());

    Files.createDirectories(root.resolve("w/new"));
    Files.writeString(root.resolve("w/new/f.txt"), "f");
    assertTrue(sink.await("created", "w/new", WAIT_MS), sink.values().toString());
    assertTrue(sink.await("created", "w/new/f.txt", WAIT_MS), sink.values().toString());
    Files.writeString(root.resolve("w/new/g.txt"), "g");
    assertTrue(sink.await("created", "w/new/g.txt", WAIT_MS), sink.values().toString());
  }

  @Test
  void nonRecursiveIgnoresTheContentsOfSubdirectories() throws Exception {
    Files.createDirectories(root.resolve("w/sub"));
    RecordingSink sink = watch(new JsonObject().put("path", "w"));
    Files.writeString(root.resolve("w/sub/hidden.txt"), "x");
    Files.writeString(root.resolve("w/marker.txt"), "x");
    assertTrue(sink.await("created", "w/marker.txt", WAIT_MS), sink.values().toString());
    Thread.sleep(100);
    assertTrue(sink.values().stream().noneMatch(o -> o.getString("path").startsWith("w/sub/")), sink.values().toString());
  }

  @Test
  void abortClosesTheWatchAndEndsTheThread() throws Exception {
    Files.createDirectories(root.resolve("w"));
    RecordingSink sink = watch(new JsonObject().put("path", "w"));
    TestContext ctx = started.get(0);
    Files.writeString(root.resolve("w/a.txt"), "x");
    assertTrue(sink.await("created", "w/a.txt", WAIT_MS));
    String name = "callmesh-watch-" + ctx.requestId();
    assertTrue(threadAlive(name));
    ctx.abort();
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (threadAlive(name) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(threadAlive(name), "the watch thread ended");
    int before = sink.size();
    Files.writeString(root.resolve("w/b.txt"), "x");
    Thread.sleep(200);
    assertEquals(before, sink.size());
  }

  @Test
  void removingTheWatchedDirectoryCompletesTheStream() throws Exception {
    Files.createDirectories(root.resolve("w"));
    RecordingSink sink = watch(new JsonObject().put("path", "w"));
    Files.delete(root.resolve("w"));
    sink.awaitCompleted(TimeUnit.MILLISECONDS.toSeconds(WAIT_MS));
  }

  @Test
  void errorsCarryTheirCodes() throws Exception {
    Files.writeString(root.resolve("file.txt"), "x");
    assertTrue(failure(new JsonObject().put("path", "..")).is(ErrorCode.FORBIDDEN));
    assertTrue(failure(new JsonObject().put("path", "/etc")).is(ErrorCode.FORBIDDEN));
    assertEquals(FsErrors.FILE_NOT_FOUND.wire(), failure(new JsonObject().put("path", "nope")).code());
    assertEquals(FsErrors.NOT_A_DIRECTORY.wire(), failure(new JsonObject().put("path", "file.txt")).code());
  }

  @Test
  void tooManyDirectoriesIsResourceExhausted() throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.createDirectories(root.resolve("w/d" + i));
    }
    RecordingSink sink = watch(new JsonObject().put("path", "w").put("recursive", true), FsWatch.handler(root, POOLS.workers(), 3));
    assertTrue(assertInstanceOf(CallException.class, sink.awaitEnd(10)).is(ErrorCode.RESOURCE_EXHAUSTED));
  }

  @Test
  void noFreeStreamThreadIsResourceExhausted() throws Exception {
    Files.createDirectories(root.resolve("w"));
    SpokeWorkers one = SpokeWorkers.create(POOLS.vertx(), "watch-full", 1, 1);
    CountDownLatch hold = new CountDownLatch(1);
    try {
      one.stream("held", () -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      RecordingSink sink = watch(new JsonObject().put("path", "w"), FsWatch.handler(root, one));
      CallException e = assertInstanceOf(CallException.class, sink.awaitEnd(10));
      assertTrue(e.is(ErrorCode.RESOURCE_EXHAUSTED), e.toString());
    } finally {
      hold.countDown();
      one.close();
    }
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
