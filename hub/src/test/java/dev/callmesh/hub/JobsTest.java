package dev.callmesh.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Jobs through an in-process hub and spoke: detached calls, their outputs, watchers, owners and bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobsTest {

  static final JsonObject ANY = new JsonObject().put("type", "object");
  static final OperationSpec ECHO = new OperationSpec("/t/echo", "t", OperationType.QUERY, "Echoes", ANY, null, null);
  static final OperationSpec BOOM = new OperationSpec("/t/boom", "t", OperationType.MUTATION, "Fails", ANY, null, null);
  static final OperationSpec COUNT = new OperationSpec("/t/count", "t", OperationType.SUBSCRIPTION,
      "Counts from 1 to n (with credit), each output 'size' bytes long", ANY, null, null);
  static final OperationSpec TICK = new OperationSpec("/t/tick", "t", OperationType.SUBSCRIPTION,
      "Counts from 1 to n, one every 'ms'", ANY, null, null);
  static final OperationSpec HANG = new OperationSpec("/t/hang", "t", OperationType.SUBSCRIPTION, "Never ends", ANY, null, null);

  TestHub mesh;
  SshKeyPair spokeKey = SshKeyPair.generate();
  SshKeyPair aliceKey = SshKeyPair.generate();
  SshKeyPair bobKey = SshKeyPair.generate();
  List<String> aborts = new CopyOnWriteArrayList<>();
  HubSession alice;
  HubSession bob;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    HubOptions options = new HubOptions().setDataDir(dir.resolve("data"));
    options.getJobs().setMaxRunningPerIdentity(3);
    mesh = new TestHub(options, dir, TestHub.line("name=\"box\",spoke=\"dev1\"", spokeKey, "box"),
        // no /hub/* in the allow lists: the job operations need none
        TestHub.line("name=\"alice\",allow=\"/dev1/t/*\"", aliceKey, "alice"),
        TestHub.line("name=\"bob\",allow=\"/dev1/t/*\"", bobKey, "bob"));
    mesh.connect(spokeKey, "dev1", spoke());
    alice = mesh.connect(aliceKey, null, null);
    bob = mesh.connect(bobKey, null, null);
  }

  @AfterEach
  void stop() throws InterruptedException {
    waitUntil(() -> alice.engine().pendingCount() == 0 && bob.engine().pendingCount() == 0, "nothing is pending");
    mesh.close();
  }

  private OperationRegistry spoke() {
    return OperationRegistry.create()
        .register(ECHO, (ctx, in) -> Future.succeededFuture(new JsonObject().put("echo", in).put("caller", ctx.caller())))
        .register(BOOM, (ctx, in) -> Future.failedFuture(CallException.of(ErrorCode.INVALID_INPUT, "no good")))
        .registerSubscription(COUNT, (ctx, in, sink) -> new Object() {
          final int n = in.getInteger("n");
          final String pad = "z".repeat(in.getInteger("size", 1));
          int next = 1;

          void pump() {
            while (next <= n && !sink.isEnded() && !sink.writeQueueFull()) {
              sink.emit(new JsonObject().put("i", next++).put("pad", pad));
            }
            if (next > n) {
              sink.complete();
            }
          }

          {
            sink.drainHandler(v -> pump());
            pump();
          }
        })
        .registerSubscription(TICK, (ctx, in, sink) -> {
          int[] next = {1};
          long timer = ctx.vertx().setPeriodic(in.getInteger("ms"), t -> {
            if (next[0] > in.getInteger("n")) {
              ctx.vertx().cancelTimer(t);
              sink.complete();
            } else {
              sink.emit(next[0]++);
            }
          });
          ctx.onAbort(r -> ctx.vertx().cancelTimer(timer));
        })
        .registerSubscription(HANG, (ctx, in, sink) -> ctx.onAbort(aborts::add));
  }

  private static JsonObject call(HubSession s, String op, JsonObject input) {
    return (JsonObject) s.engine().call(op, input).await();
  }

  private static String start(HubSession s, String op, JsonObject input) {
    return call(s, "/hub/jobs/start", new JsonObject().put("operationId", op).put("input", input)).getString("job");
  }

  private static JsonObject get(HubSession s, String job) {
    return call(s, "/hub/jobs/get", new JsonObject().put("job", job));
  }

  private JsonObject ended(HubSession s, String job) throws InterruptedException {
    JsonObject[] last = new JsonObject[1];
    waitUntil(() -> !(last[0] = get(s, job)).getString("state").equals("running"), "job " + job + " ended");
    return last[0];
  }

  private static CallException failure(Runnable r) {
    try {
      r.run();
    } catch (CallException e) {
      return e;
    }
    return fail("expected a CallException");
  }

  /** Watches a job; @return the outputs, and the error (or null) once it ended */
  private static Future<List<Object>> watch(HubSession s, String job, long from, List<Object> seen) {
    Promise<List<Object>> done = Promise.promise();
    CallStream.open(s.engine(), new JsonObject().put("operationId", "/hub/jobs/watch")
            .put("input", new JsonObject().put("job", job).put("from", from)), 16)
        .handler(seen::add).exceptionHandler(done::fail).endHandler(v -> done.complete(seen));
    return done.future();
  }

  private static void waitUntil(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aQueryJobOutlivesTheConnectionThatStartedItAndIsReadFromAnother() throws Exception {
    String job = start(alice, "/dev1/t/echo", new JsonObject().put("a", 1));
    assertTrue(job.matches("[A-Za-z0-9_-]{24}"), job);
    alice.close().await();
    HubSession again = mesh.connect(aliceKey, null, null);
    JsonObject got = ended(again, job);
    assertEquals("completed", got.getString("state"));
    assertEquals("alice", got.getString("identity"));
    assertEquals("/dev1/t/echo", got.getString("operationId"));
    assertFalse(got.getBoolean("truncated"));
    assertTrue(got.containsKey("endedAt"));
    JsonObject out = got.getJsonArray("outputs").getJsonObject(0);
    assertEquals(new JsonObject().put("a", 1), out.getJsonObject("echo"));
    assertEquals(new JsonObject().put("id", "alice").put("spoke", (String) null), out.getJsonObject("caller"));
    JsonArray listed = call(again, "/hub/jobs/list", new JsonObject()).getJsonArray("jobs");
    assertEquals(job, listed.getJsonObject(0).getString("job"));
    alice = again;
  }

  @Test
  void aSubscriptionJobKeepsEveryOutputInOrderAndAWatchReplaysThemFromAnySeq() throws Exception {
    String job = start(alice, "/dev1/t/count", new JsonObject().put("n", 500));
    JsonObject got = ended(alice, job);
    assertEquals("completed", got.getString("state"));
    JsonArray outputs = got.getJsonArray("outputs");
    assertEquals(500, outputs.size());
    for (int i = 0; i < 500; i++) {
      assertEquals(i + 1, outputs.getJsonObject(i).getInteger("i"));
    }
    List<Object> all = watch(alice, job, 0, new CopyOnWriteArrayList<>()).await();
    assertEquals(500, all.size());
    for (int i = 0; i < 500; i++) {
      JsonObject e = (JsonObject) all.get(i);
      assertEquals(i + 1, e.getInteger("seq"));
      assertEquals(i + 1, e.getJsonObject("output").getInteger("i"));
    }
    List<Object> tail = watch(alice, job, 495, new CopyOnWriteArrayList<>()).await();
    assertEquals(List.of(496, 497, 498, 499, 500), tail.stream().map(o -> ((JsonObject) o).getInteger("seq")).toList());
  }

  @Test
  void aWatchStartedWhileTheJobRunsReplaysThenFollowsWithoutGapsOrRepeats() throws Exception {
    String job = start(alice, "/dev1/t/tick", new JsonObject().put("n", 30).put("ms", 20));
    Thread.sleep(250); // some outputs are kept before the watch starts, the rest come live
    List<Object> seen = watch(alice, job, 0, new CopyOnWriteArrayList<>()).await();
    assertEquals(30, seen.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(new JsonObject().put("seq", i + 1).put("output", i + 1), seen.get(i));
    }
  }

  @Test
  void aWatcherThatDoesNotReadHoldsNeitherTheJobNorTheHubAndCatchesUpLater() throws Exception {
    String job = start(alice, "/dev1/t/count", new JsonObject().put("n", 3000).put("size", 100));
    List<Object> seen = new CopyOnWriteArrayList<>();
    Promise<Void> ended = Promise.promise();
    CallStream stream = CallStream.open(alice.engine(), new JsonObject().put("operationId", "/hub/jobs/watch")
        .put("input", new JsonObject().put("job", job)), 8);
    stream.pause();
    stream.handler(seen::add).exceptionHandler(ended::fail).endHandler(ended::complete);
    assertEquals("completed", ended(alice, job).getString("state"), "the job ended while its watcher slept");
    stream.resume();
    ended.future().await();
    assertEquals(3000, seen.size());
    for (int i = 0; i < 3000; i++) {
      assertEquals(i + 1, ((JsonObject) seen.get(i)).getInteger("seq"));
    }
  }

  @Test
  void outputsPastAMebibyteAreDroppedAndTheJobReadsTruncated() throws Exception {
    String job = start(alice, "/dev1/t/count", new JsonObject().put("n", 1200).put("size", 1000));
    JsonObject got = ended(alice, job);
    assertEquals("completed", got.getString("state"));
    assertTrue(got.getBoolean("truncated"));
    int kept = got.getJsonArray("outputs").size();
    assertTrue(kept > 1000 && kept < 1100, "about 1 MiB of ~1 KiB outputs, got " + kept);
  }

  @Test
  void aFailedJobKeepsItsErrorAndItsWatchFailsWithIt() throws Exception {
    String job = start(alice, "/dev1/t/boom", new JsonObject());
    JsonObject got = ended(alice, job);
    assertEquals("failed", got.getString("state"));
    assertEquals("INVALID_INPUT", got.getJsonObject("error").getString("code"));
    assertEquals("no good", got.getJsonObject("error").getString("message"));
    assertEquals(new JsonArray(), got.getJsonArray("outputs"));
    CallException err = failure(() -> watch(alice, job, 0, new CopyOnWriteArrayList<>()).await());
    assertEquals("INVALID_INPUT", err.code());
  }

  @Test
  void abortingARunningJobStopsTheSpokesHandlerAndItReadsAborted() throws Exception {
    String job = start(alice, "/dev1/t/hang", new JsonObject());
    Future<List<Object>> watching = watch(alice, job, 0, new CopyOnWriteArrayList<>());
    JsonObject aborted = call(alice, "/hub/jobs/abort", new JsonObject().put("job", job));
    assertEquals(new JsonObject().put("job", job).put("state", "aborted"), aborted);
    waitUntil(() -> aborts.size() == 1, "the spoke's handler saw the abort");
    JsonObject got = get(alice, job);
    assertEquals("aborted", got.getString("state"));
    assertEquals("ABORTED", got.getJsonObject("error").getString("code"));
    assertEquals("ABORTED", failure(() -> watching.await()).code());
    assertEquals("aborted", call(alice, "/hub/jobs/abort", new JsonObject().put("job", job)).getString("state"),
        "aborting an ended job changes nothing");
    assertEquals(List.of(job), call(alice, "/hub/jobs/list", new JsonObject().put("state", "aborted"))
        .getJsonArray("jobs").stream().map(o -> ((JsonObject) o).getString("job")).toList());
  }

  @Test
  void anotherIdentitysJobIsNotFoundExactlyLikeAnUnknownOne() throws Exception {
    String job = start(alice, "/dev1/t/hang", new JsonObject());
    for (String op : List.of("/hub/jobs/get", "/hub/jobs/abort")) {
      CallException theirs = failure(() -> call(bob, op, new JsonObject().put("job", job)));
      CallException unknown = failure(() -> call(bob, op, new JsonObject().put("job", "AAAAAAAAAAAAAAAAAAAAAAAA")));
      assertEquals("NOT_FOUND", theirs.code(), op);
      assertEquals(theirs.getMessage().replace(job, "ID"), unknown.getMessage().replace("AAAAAAAAAAAAAAAAAAAAAAAA", "ID"), op);
    }
    assertEquals("NOT_FOUND", failure(() -> watch(bob, job, 0, new CopyOnWriteArrayList<>()).await()).code());
    assertEquals(new JsonArray(), call(bob, "/hub/jobs/list", new JsonObject()).getJsonArray("jobs"));
    assertEquals("running", get(alice, job).getString("state"), "bob's abort did nothing");
    call(alice, "/hub/jobs/abort", new JsonObject().put("job", job));
  }

  @Test
  void startingNeedsTheRightToCallTheOperationAndASpokeOperation() {
    assertEquals("FORBIDDEN", failure(() -> start(alice, "/dev1/fs/readFile", new JsonObject())).code());
    assertEquals("INVALID_INPUT", failure(() -> start(alice, "/hub/spokes/list", new JsonObject())).code());
    assertEquals("INVALID_INPUT", failure(() -> start(alice, "/services/list", new JsonObject())).code());
    assertEquals("INVALID_INPUT", failure(() -> start(alice, "nope", new JsonObject())).code());
    assertEquals("NOT_FOUND", failure(() -> start(alice, "/dev1/t/nothing", new JsonObject())).code());
    assertEquals(new JsonArray(), call(alice, "/hub/jobs/list", new JsonObject()).getJsonArray("jobs"),
        "no job was made");
  }

  @Test
  void anIdentityMayRunOnlySoManyJobsAtOnce() throws Exception {
    List<String> jobs = List.of(start(alice, "/dev1/t/hang", new JsonObject()), start(alice, "/dev1/t/hang", new JsonObject()),
        start(alice, "/dev1/t/hang", new JsonObject()));
    CallException e = failure(() -> start(alice, "/dev1/t/hang", new JsonObject()));
    assertEquals("RESOURCE_EXHAUSTED", e.code());
    assertTrue(e.retryable());
    start(bob, "/dev1/t/hang", new JsonObject()); // bob has his own budget
    call(alice, "/hub/jobs/abort", new JsonObject().put("job", jobs.get(0)));
    String another = start(alice, "/dev1/t/hang", new JsonObject());
    for (String j : List.of(jobs.get(1), jobs.get(2), another)) {
      call(alice, "/hub/jobs/abort", new JsonObject().put("job", j));
    }
    JsonArray running = call(bob, "/hub/jobs/list", new JsonObject().put("state", "running")).getJsonArray("jobs");
    call(bob, "/hub/jobs/abort", new JsonObject().put("job", running.getJsonObject(0).getString("job")));
  }
}
