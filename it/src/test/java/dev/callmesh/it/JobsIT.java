package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs end to end (README, "Jobs"): the hub and spoke jars on loopback, ssh-keygen keys, the Java client,
 * real curl and the CLI jar. Jobs outlive the connection that started them and the hub that ran them
 * (killed with SIGKILL), are their owner's alone, resume over SSE from Last-Event-ID, and abort kills
 * the process a job runs.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JobsIT {

  static Mesh mesh;
  static Path alice;
  static Path bob;
  static Path root;
  static CallmeshClient admin;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    alice = mesh.userKey("alice", "/dev1/*"); // no /hub/* needed for jobs
    bob = mesh.userKey("bob", "/dev1/*");
    Path adminKey = mesh.adminKey();
    root = mesh.root("dev1");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    admin = mesh.client(adminKey);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Mesh.inFlight(admin).get("dev1") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(Map.of("dev1", 0), Mesh.inFlight(admin), "the hub's calls to dev1: every job has ended");
  }

  static JsonObject exec(String command) {
    return new JsonObject().put("command", command);
  }

  static String start(CallmeshClient c, String op, JsonObject input) {
    return ((JsonObject) c.call("/hub/jobs/start", new JsonObject().put("operationId", op).put("input", input)).await())
        .getString("job");
  }

  static JsonObject get(CallmeshClient c, String job) {
    return (JsonObject) c.call("/hub/jobs/get", new JsonObject().put("job", job)).await();
  }

  /** @return the job once it has ended, polled with get */
  static JsonObject ended(CallmeshClient c, String job) throws InterruptedException {
    return until(() -> {
      JsonObject j = get(c, job);
      return j.getString("state").equals("running") ? null : j;
    }, "job " + job + " ended");
  }

  static <T> T until(Supplier<T> probe, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting until " + what);
  }

  static String stdout(JsonArray outputs) {
    StringBuilder sb = new StringBuilder();
    for (Object o : outputs) {
      JsonObject out = (JsonObject) o;
      if ("stdout".equals(out.getString("stream"))) {
        sb.append(out.getString("data"));
      }
    }
    return sb.toString();
  }

  static CallException failure(Runnable r) {
    try {
      r.run();
    } catch (CallException e) {
      return e;
    }
    return fail("expected a CallException");
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + mesh.httpPort + path;
  }

  private static String token(Path key) throws Exception {
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(), "token", "--offline");
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  @Test
  void aJobStartedByAClientThatLeftIsReadBackByANewConnection() throws Exception {
    CallmeshClient first = mesh.client(alice);
    String job = start(first, "/dev1/bash/exec", exec("for i in 1 2 3; do echo line$i; sleep 0.4; done"));
    first.close().await(); // gone before the job ends
    CallmeshClient later = mesh.client(alice);
    assertEquals("running", get(later, job).getString("state"));
    JsonObject done = ended(later, job);
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals("alice", done.getString("identity"));
    assertEquals("/dev1/bash/exec", done.getString("operationId"));
    JsonArray outputs = done.getJsonArray("outputs");
    assertEquals("line1\nline2\nline3\n", stdout(outputs));
    assertEquals(0, outputs.getJsonObject(outputs.size() - 1).getInteger("exitCode"));
    assertFalse(done.getBoolean("truncated"));
    JsonArray listed = ((JsonObject) later.call("/hub/jobs/list", new JsonObject()).await()).getJsonArray("jobs");
    assertEquals(job, listed.getJsonObject(0).getString("job"));
  }

  @Test
  void anotherIdentityGetsNotFoundForEverythingAndAnUnknownIdTheSame() throws Exception {
    CallmeshClient a = mesh.client(alice);
    CallmeshClient b = mesh.client(bob);
    String job = start(a, "/dev1/bash/exec", exec("sleep 30"));
    for (String op : List.of("/hub/jobs/get", "/hub/jobs/abort")) {
      CallException theirs = failure(() -> b.call(op, new JsonObject().put("job", job)).await());
      CallException unknown = failure(() -> b.call(op, new JsonObject().put("job", "no-such-job")).await());
      assertEquals("NOT_FOUND", theirs.code(), op);
      assertEquals("NOT_FOUND", unknown.code(), op);
      assertEquals(theirs.getMessage().replace(job, "X"), unknown.getMessage().replace("no-such-job", "X"), op);
    }
    List<Object> seen = new ArrayList<>();
    Throwable[] watchError = new Throwable[1];
    b.subscribe("/hub/jobs/watch", new JsonObject().put("job", job)).handler(seen::add).exceptionHandler(e -> watchError[0] = e);
    until(() -> watchError[0], "bob's watch failed");
    assertEquals("NOT_FOUND", ((CallException) watchError[0]).code());
    assertEquals(List.of(), seen);
    assertEquals(0, ((JsonObject) b.call("/hub/jobs/list", new JsonObject()).await()).getJsonArray("jobs").size());

    String bobs = token(bob);
    HttpApiIT.Http http = HttpApiIT.curl("-H", "Authorization: Bearer " + bobs, url("/v1/jobs/" + job));
    assertEquals(404, http.status(), http.body());
    assertEquals("NOT_FOUND", http.json().getJsonObject("error").getString("code"));
    assertEquals(404, HttpApiIT.curl("-H", "Authorization: Bearer " + bobs, url("/v1/jobs/" + job + "/events")).status());
    assertEquals(404, HttpApiIT.curl("-X", "DELETE", "-H", "Authorization: Bearer " + bobs, url("/v1/jobs/" + job)).status());

    assertEquals("running", get(a, job).getString("state"), "bob changed nothing");
    assertEquals("aborted", ((JsonObject) a.call("/hub/jobs/abort", new JsonObject().put("job", job)).await())
        .getString("state"));
  }

  @Test
  void abortingARunningJobKillsTheProcessItRuns() throws Exception {
    CallmeshClient a = mesh.client(alice);
    Path pidFile = root.resolve("sleep.pid");
    Files.deleteIfExists(pidFile);
    String job = start(a, "/dev1/bash/exec", exec("sleep 60 & echo $! > sleep.pid; wait"));
    long pid = until(() -> {
      try {
        String text = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
        return text.isEmpty() ? null : Long.parseLong(text);
      } catch (java.io.IOException e) {
        return null;
      }
    }, "the job's process wrote its pid");
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sleep runs");
    JsonObject aborted = (JsonObject) a.call("/hub/jobs/abort", new JsonObject().put("job", job)).await();
    assertEquals(new JsonObject().put("job", job).put("state", "aborted"), aborted);
    until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? null : true, "sleep was killed");
    JsonObject got = get(a, job);
    assertEquals("aborted", got.getString("state"));
    assertEquals("ABORTED", got.getJsonObject("error").getString("code"));
    assertTrue(got.containsKey("endedAt"));
  }

  @Test
  void curlStartsAJobAndResumesItsEventsAfterLastEventId() throws Exception {
    String token = token(alice);
    HttpApiIT.Http started = HttpApiIT.curl("-D", "-", "-H", "Authorization: Bearer " + token,
        "-d", exec("for i in 1 2 3 4 5 6; do echo $i; sleep 0.2; done").encode(), url("/v1/jobs/dev1/bash/exec"));
    assertEquals(202, started.status(), started.body());
    String body = started.body().substring(started.body().indexOf("\r\n\r\n") + 4);
    String job = new JsonObject(body).getString("job");
    assertTrue(started.body().contains("Location: /v1/jobs/" + job + "\r\n") || started.body().contains("location: /v1/jobs/" + job + "\r\n"),
        started.body());

    // Live: the events of the running job, as they come, then completed.
    HttpApiIT.Http live = HttpApiIT.curl("-N", "-H", "Authorization: Bearer " + token, url("/v1/jobs/" + job + "/events"));
    assertEquals(200, live.status());
    List<Long> liveIds = ids(live.body());
    assertEquals(7, liveIds.size(), live.body()); // six lines (one output each, 0.2 s apart) and the exit code
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), liveIds);
    assertTrue(live.body().trim().endsWith("event: completed\ndata: {}"), live.body());

    // Resumed: only what came after Last-Event-ID 2.
    HttpApiIT.Http resumed = HttpApiIT.curl("-N", "-H", "Last-Event-ID: 2", "-H", "Authorization: Bearer " + token,
        url("/v1/jobs/" + job + "/events"));
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L), ids(resumed.body()), resumed.body());
    assertTrue(resumed.body().contains("data: {\"seq\":3,\"output\":{\"stream\":\"stdout\",\"data\":\"3\\n\"}}"), resumed.body());
    assertTrue(resumed.body().trim().endsWith("event: completed\ndata: {}"), resumed.body());
    assertEquals(List.of(6L, 7L), ids(HttpApiIT.curl("-N", "-H", "Authorization: Bearer " + token,
        url("/v1/jobs/" + job + "/events?from=5")).body()));

    HttpApiIT.Http got = HttpApiIT.curl("-H", "Authorization: Bearer " + token, url("/v1/jobs/" + job));
    assertEquals(200, got.status(), got.body());
    assertEquals("completed", got.json().getString("state"));
    assertEquals(7, got.json().getJsonArray("outputs").size());
    HttpApiIT.Http listed = HttpApiIT.curl("-H", "Authorization: Bearer " + token, url("/v1/jobs?state=completed&limit=1"));
    assertEquals(job, listed.json().getJsonArray("jobs").getJsonObject(0).getString("job"), listed.body());
    HttpApiIT.Http deleted = HttpApiIT.curl("-X", "DELETE", "-H", "Authorization: Bearer " + token, url("/v1/jobs/" + job));
    assertEquals(new JsonObject().put("job", job).put("state", "completed"), deleted.json(), "an ended job stays");

    HttpApiIT.Http forbidden = HttpApiIT.curl("-H", "Authorization: Bearer " + token, "-d", "{}", url("/v1/jobs/dev2/fs/stat"));
    assertEquals(403, forbidden.status(), forbidden.body());
    HttpApiIT.Http noToken = HttpApiIT.curl(url("/v1/jobs"));
    assertEquals(401, noToken.status(), noToken.body());
  }

  /** @return the {@code id:} of each SSE event, in order */
  private static List<Long> ids(String sse) {
    List<Long> ids = new ArrayList<>();
    for (String line : sse.split("\n")) {
      if (line.startsWith("id: ")) {
        ids.add(Long.parseLong(line.substring(4).trim()));
      }
    }
    return ids;
  }

  @Test
  void theCliStartsWatchesGetsListsAndAbortsJobs() throws Exception {
    List<String> as = List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", alice.toString());
    Mesh.CliResult started = cli(as, "job", "start", "/dev1/bash/exec", "{\"command\":\"echo hi; sleep 0.5; echo there\"}");
    assertEquals(0, started.exit(), started.err());
    String job = started.json().getString("job");

    Mesh.CliResult watched = cli(as, "job", "watch", job);
    assertEquals(0, watched.exit(), watched.err());
    List<JsonObject> lines = watched.out().lines().map(JsonObject::new).toList();
    assertEquals(1, lines.get(0).getInteger("seq"));
    assertEquals(new JsonObject().put("stream", "stdout").put("data", "hi\n"), lines.get(0).getJsonObject("output"));
    assertEquals(0, lines.get(lines.size() - 1).getJsonObject("output").getInteger("exitCode"));
    Mesh.CliResult tail = cli(as, "job", "watch", job, "--from", String.valueOf(lines.size() - 1));
    assertEquals(1, tail.out().lines().count(), tail.out());

    Mesh.CliResult got = cli(as, "job", "get", job);
    assertEquals(0, got.exit(), got.err());
    assertEquals("completed", got.json().getString("state"));

    Mesh.CliResult table = cli(as, "job", "list");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().startsWith("JOB"), table.out());
    assertTrue(table.out().contains(job) && table.out().contains("/dev1/bash/exec"), table.out());
    Mesh.CliResult json = cli(as, "job", "list", "--json", "--state", "completed");
    assertTrue(json.json().getJsonArray("jobs").stream().anyMatch(j -> job.equals(((JsonObject) j).getString("job"))));

    Mesh.CliResult slow = cli(as, "job", "start", "--timeout", "1s", "/dev1/bash/exec", "{\"command\":\"sleep 20\"}");
    String late = slow.json().getString("job");
    Mesh.CliResult failed = cli(as, "job", "watch", late);
    assertEquals(1, failed.exit(), failed.out() + failed.err());
    assertEquals("TIMEOUT", new JsonObject(failed.err().trim()).getJsonObject("error").getString("code"));

    String hang = cli(as, "job", "start", "/dev1/bash/exec", "{\"command\":\"sleep 30\"}").json().getString("job");
    Mesh.CliResult aborted = cli(as, "job", "abort", hang);
    assertEquals(0, aborted.exit(), aborted.err());
    assertEquals("aborted", aborted.json().getString("state"));
    Mesh.CliResult watchAborted = cli(as, "job", "watch", hang);
    assertEquals(1, watchAborted.exit());
    assertEquals("ABORTED", new JsonObject(watchAborted.err().trim()).getJsonObject("error").getString("code"));

    Mesh.CliResult unknown = cli(as, "job", "get", "nope");
    assertEquals(1, unknown.exit());
    assertEquals("NOT_FOUND", new JsonObject(unknown.err().trim()).getJsonObject("error").getString("code"));
  }

  private static Mesh.CliResult cli(List<String> connection, String... args) throws Exception {
    List<String> all = new ArrayList<>(connection);
    all.addAll(List.of(args));
    return mesh.cli(all.toArray(String[]::new));
  }

  @Test
  void aHubKilledWithSigkillRestartsWithItsJobsTheRunningOneFailedUnavailable() throws Exception {
    try (Mesh own = new Mesh()) {
      Path spokeKey = own.spokeKey("dev1");
      Path user = own.userKey("alice", "/dev1/*");
      own.startHub(0);
      own.startSpoke("dev1", spokeKey, own.root("dev1"));
      CallmeshClient c = own.client(user);
      String done = start(c, "/dev1/bash/run", exec("echo done"));
      assertEquals("completed", ended(c, done).getString("state"));
      String running = start(c, "/dev1/bash/run", exec("sleep 60; echo never"));
      Thread.sleep(300);
      assertEquals("running", get(c, running).getString("state"));

      own.hub.kill(); // SIGKILL: no shutdown hook, no goodbye
      own.startHub(0); // the same --data-dir
      CallmeshClient after = own.client(user);
      JsonObject cut = get(after, running);
      assertEquals("failed", cut.getString("state"), cut.encode());
      assertEquals("UNAVAILABLE", cut.getJsonObject("error").getString("code"));
      assertTrue(cut.getJsonObject("error").getBoolean("retryable"));
      assertTrue(cut.containsKey("endedAt"));
      JsonObject kept = get(after, done);
      assertEquals("completed", kept.getString("state"));
      assertEquals("done\n", kept.getJsonArray("outputs").getJsonObject(0).getString("stdout"));
      assertEquals(0, kept.getJsonArray("outputs").getJsonObject(0).getInteger("exitCode"));
      assertTrue(Files.exists(own.dir.resolve("hub-data").resolve("jobs.db")));
    }
  }
}
