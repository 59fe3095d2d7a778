package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Subscriptions, credit, aborts and deadlines across the hub, to an in-process spoke. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HubStreamingTest {

  static final OperationSpec COUNT = new OperationSpec("/gen/count", "gen", OperationType.SUBSCRIPTION,
      "Counts from 1 to n, waiting for credit", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec HANG = new OperationSpec("/gen/hang", "gen", OperationType.SUBSCRIPTION,
      "Never ends until aborted", new JsonObject().put("type", "object"), null, null);
  static final OperationSpec FILE = new OperationSpec("/fs/readFile", "fs", OperationType.QUERY,
      "Returns a fixed text", new JsonObject().put("type", "object"), null, null);

  TestHub mesh;
  Hub hub;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair userKey = SshKeyPair.generate();
  SshKeyPair narrowKey = SshKeyPair.generate();
  AtomicInteger emitted = new AtomicInteger();
  List<String> aborts = new CopyOnWriteArrayList<>();
  HubSession user;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    mesh = new TestHub(dir, TestHub.line("name=\"box\",spoke=\"dev*\",allow=\"/dev2/*\"", spokeKey, "box"),
        TestHub.line("name=\"narrow\",spoke=\"dev3\",allow=\"/dev1/*\"", narrowKey, "narrow"),
        TestHub.line("name=\"user\",allow=\"/dev1/*,/hub/*\"", userKey, "user"));
    hub = mesh.hub;
    mesh.connect(spokeKey, "dev1", generator());
    user = mesh.connect(userKey, null, null);
  }

  private OperationRegistry generator() {
    return OperationRegistry.create()
        .registerSubscription(COUNT, (ctx, in, sink) -> new Object() {
          int next = 1;

          void pump() {
            while (next <= 1000 && !sink.isEnded() && !sink.writeQueueFull()) {
              sink.emit(next++);
              emitted.incrementAndGet();
            }
            if (next > 1000) {
              sink.complete();
            }
          }

          {
            sink.drainHandler(v -> pump());
            ctx.onAbort(aborts::add);
            pump();
          }
        })
        .registerSubscription(HANG, (ctx, in, sink) -> ctx.onAbort(aborts::add));
  }

  @AfterEach
  void stop() throws InterruptedException {
    // Every hop ends an aborted or timed-out call on its own timer; give the last one a moment.
    waitUntil(() -> user.engine().pendingCount() == 0 && hub.pendingCount() == 0, "nothing is pending");
    assertEquals(0, user.engine().pendingCount());
    assertEquals(0, hub.pendingCount());
    mesh.close();
  }

  private static void waitUntil(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aPausedStreamHoldsTheSpokeAtItsWindowAcrossTheHub() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    CallStream stream = CallStream.open(user.engine(), new JsonObject().put("operationId", "/dev1/gen/count"), 8);
    stream.pause();
    stream.handler(seen::add);
    Thread.sleep(400);
    assertEquals(8, emitted.get(), "the spoke stopped at the window");
    assertEquals(List.of(), seen);
    stream.fetch(5);
    waitUntil(() -> seen.size() == 5, "5 outputs arrived");
    Promise<Void> ended = Promise.promise();
    stream.endHandler(ended::complete);
    stream.resume();
    ended.future().await();
    assertEquals(1000, seen.size());
  }

  @Test
  void abortingAtTheClientReachesTheSpokesHandler() throws Exception {
    AtomicReference<Throwable> error = new AtomicReference<>();
    CallStream stream = CallStream.open(user.engine(), new JsonObject().put("operationId", "/dev1/gen/hang"), 4);
    stream.handler(o -> { }).exceptionHandler(error::set);
    Thread.sleep(200);
    stream.abort("changed my mind");
    waitUntil(() -> aborts.contains("changed my mind"), "the spoke's handler saw the abort");
    waitUntil(() -> error.get() != null, "the stream ended");
    assertEquals("ABORTED", ((CallException) error.get()).code());
  }

  @Test
  void theHubEnforcesTimeoutMsAndAbortsTheSpoke() throws Exception {
    AtomicReference<Throwable> error = new AtomicReference<>();
    CallStream stream = CallStream.open(user.engine(), new JsonObject().put("operationId", "/dev1/gen/hang")
        .put("timeoutMs", 300), 4);
    stream.handler(o -> { }).exceptionHandler(error::set);
    waitUntil(() -> error.get() != null, "the stream failed");
    assertEquals("TIMEOUT", ((CallException) error.get()).code());
    waitUntil(() -> aborts.contains("timeout"), "the spoke's handler was stopped");
  }

  @Test
  void spokesWatchStreamsJoinedAndLeft() throws Exception {
    List<Object> events = new CopyOnWriteArrayList<>();
    CallStream watch = CallStream.open(user.engine(), new JsonObject().put("operationId", "/hub/spokes/watch"), 16);
    watch.handler(events::add);
    Thread.sleep(200);
    HubSession dev2 = mesh.connect(spokeKey, "dev2", OperationRegistry.create());
    waitUntil(() -> events.size() == 1, "joined arrived");
    dev2.close().await();
    waitUntil(() -> events.size() == 2, "left arrived");
    assertEquals("joined", ((JsonObject) events.get(0)).getString("event"));
    assertEquals("dev2", ((JsonObject) events.get(0)).getString("spoke"));
    assertEquals("left", ((JsonObject) events.get(1)).getString("event"));
    watch.abort("done");
    waitUntil(() -> user.engine().pendingCount() == 0, "the aborted watch left nothing pending");
  }

  @Test
  void aSpokeCallsAnotherSpokeThroughTheHubWithinItsAllowList() {
    mesh.connect(spokeKey, "dev2", OperationRegistry.create().register(FILE, (ctx, in) ->
        Future.succeededFuture(new JsonObject().put("content", "from dev2").put("caller", ctx.caller()))));
    HubSession dev1AsCaller = mesh.connect(narrowKey, "dev3", OperationRegistry.create());
    // box (dev1, dev2) may call /dev2/*; narrow (dev3) may call only /dev1/*.
    HubSession box = mesh.connect(spokeKey, "dev4", OperationRegistry.create());
    JsonObject out = (JsonObject) box.engine().call("/dev2/fs/readFile", new JsonObject()).await();
    assertEquals("from dev2", out.getString("content"));
    assertEquals(new JsonObject().put("id", "box").put("spoke", "dev4"), out.getJsonObject("caller"));
    try {
      dev1AsCaller.engine().call("/dev2/fs/readFile", new JsonObject()).await();
      throw new AssertionError("expected FORBIDDEN");
    } catch (CallException e) {
      assertEquals("FORBIDDEN", e.code());
    }
    assertTrue(hub.routes().get("dev3") != null);
  }
}
