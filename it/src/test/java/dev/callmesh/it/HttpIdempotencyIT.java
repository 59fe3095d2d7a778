package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Idempotency-Key} on {@code POST /v1/call}, {@code /v1/jobs} and {@code /v1/fanout} with real curl against the hub and spoke jars: a repeat gets the
 * first answer again and the spoke runs the call once; another request with the key is 422, a repeat while the
 * first runs is 409, a key of 256 characters is 400; keys are per identity; a 503 is not kept.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpIdempotencyIT {

  static Mesh mesh;
  static Path root;
  static String admin;
  static String other;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path adminKey = mesh.userKey("admin", "/dev1/*,/dev9/*,/hub/*");
    Path otherKey = mesh.userKey("other", "/dev1/*");
    root = mesh.root("dev1");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    admin = token(adminKey);
    other = token(otherKey);
  }

  static String token(Path key) throws Exception {
    Mesh.CliResult t = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(), "token");
    assertEquals(0, t.exit(), t.err());
    return t.out().trim();
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  static Curl.Answer post(String token, String key, String path, String json) throws Exception {
    List<String> args = new ArrayList<>(List.of("-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
        "--data-binary", json));
    if (key != null) {
      args.addAll(List.of("-H", "Idempotency-Key: " + key));
    }
    args.add("http://127.0.0.1:" + mesh.httpPort + path);
    return Curl.run(mesh.dir, args.toArray(String[]::new));
  }

  static String append(String file, String line) {
    return "{\"path\":\"" + file + "\",\"content\":\"" + line + "\\n\",\"append\":true}";
  }

  @Test
  void aRepeatGetsTheFirstAnswerAgainAndTheSpokeRunsTheCallOnce() throws Exception {
    String key = UUID.randomUUID().toString();
    Curl.Answer first = post(admin, key, "/v1/call/dev1/fs/writeFile", append("once.log", "line"));
    assertEquals(200, first.status(), first.text());
    assertNull(first.header("Idempotent-Replayed"));
    Curl.Answer second = post(admin, key, "/v1/call/dev1/fs/writeFile", append("once.log", "line"));
    assertEquals(200, second.status(), second.text());
    assertEquals("true", second.header("Idempotent-Replayed"));
    assertArrayEquals(first.body(), second.body(), "the same answer, byte for byte");
    assertEquals(first.header("traceparent"), second.header("traceparent"), "the first call's trace");
    assertEquals(first.header("Content-Type"), second.header("Content-Type"));
    assertTrue(!first.header("X-Request-Id").equals(second.header("X-Request-Id")), "each request has its own id");
    Curl.Answer third = post(admin, "\"" + key + "\"", "/v1/call/dev1/fs/writeFile", append("once.log", "line"));
    assertEquals("true", third.header("Idempotent-Replayed"), "a structured-field string is the same key");
    assertEquals(List.of("line"), Files.readAllLines(root.resolve("once.log")), "the spoke appended once");

    Curl.Answer without = post(admin, null, "/v1/call/dev1/fs/writeFile", append("once.log", "line"));
    assertEquals(200, without.status());
    assertEquals(2, Files.readAllLines(root.resolve("once.log")).size(), "no key, no replay");
  }

  @Test
  void theSameKeyWithAnotherBodyOrPathIs422AndKeysArePerIdentity() throws Exception {
    String key = UUID.randomUUID().toString();
    assertEquals(200, post(admin, key, "/v1/call/dev1/fs/writeFile", append("mismatch.log", "a")).status());
    Curl.Answer otherBody = post(admin, key, "/v1/call/dev1/fs/writeFile", append("mismatch.log", "b"));
    assertEquals(422, otherBody.status(), otherBody.text());
    assertEquals("INVALID_INPUT", otherBody.errorCode());
    Curl.Answer otherPath = post(admin, key, "/v1/call/dev1/fs/stat", "{\"path\":\"mismatch.log\"}");
    assertEquals(422, otherPath.status(), otherPath.text());
    Curl.Answer otherIdentity = post(other, key, "/v1/call/dev1/fs/writeFile", append("mismatch.log", "c"));
    assertEquals(200, otherIdentity.status(), "another identity's key of the same name is its own");
    assertNull(otherIdentity.header("Idempotent-Replayed"));
    assertEquals(List.of("a", "c"), Files.readAllLines(root.resolve("mismatch.log")));
  }

  @Test
  void aRepeatWhileTheFirstStillRunsIs409ThenItGetsTheAnswer() throws Exception {
    String key = UUID.randomUUID().toString();
    String slow = "{\"command\":\"sleep 2.0417; echo ran >> slow.log; echo done\"}";
    CompletableFuture<Curl.Answer> first = CompletableFuture.supplyAsync(() -> {
      try {
        return post(admin, key, "/v1/call/dev1/bash/run", slow);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Procs.awaitPresent("(.*/)?sleep 2\\.0417");
    Curl.Answer during = post(admin, key, "/v1/call/dev1/bash/run", slow);
    assertEquals(409, during.status(), during.text());
    assertEquals("IDEMPOTENCY_KEY_IN_USE", during.errorCode());
    assertTrue(during.json().getJsonObject("error").getBoolean("retryable"));
    Curl.Answer answer = first.get(30, TimeUnit.SECONDS);
    assertEquals(200, answer.status(), answer.text());
    Curl.Answer after = post(admin, key, "/v1/call/dev1/bash/run", slow);
    assertEquals("true", after.header("Idempotent-Replayed"));
    assertEquals("done\n", after.json().getJsonObject("output").getString("stdout"));
    assertEquals(List.of("ran"), Files.readAllLines(root.resolve("slow.log")));
  }

  @Test
  void aJobStartAndAFanOutWithAKeyRunOnceToo() throws Exception {
    String jobKey = UUID.randomUUID().toString();
    Curl.Answer started = post(admin, jobKey, "/v1/jobs/dev1/fs/writeFile", append("job.log", "job"));
    assertEquals(202, started.status(), started.text());
    String job = started.json().getString("job");
    assertEquals("/v1/jobs/" + job, started.header("Location"));
    Curl.Answer again = post(admin, jobKey, "/v1/jobs/dev1/fs/writeFile", append("job.log", "job"));
    assertEquals(202, again.status(), again.text());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals("/v1/jobs/" + job, again.header("Location"), "the same job, not a second one");
    assertEquals(job, again.json().getString("job"));

    String fanKey = UUID.randomUUID().toString();
    Curl.Answer fanned = post(admin, fanKey, "/v1/fanout/fs/writeFile?spokes=dev1", append("fan.log", "fan"));
    assertEquals(200, fanned.status(), fanned.text());
    Curl.Answer fannedAgain = post(admin, fanKey, "/v1/fanout/fs/writeFile?spokes=dev1", append("fan.log", "fan"));
    assertEquals("true", fannedAgain.header("Idempotent-Replayed"));
    assertArrayEquals(fanned.body(), fannedAgain.body());
    Curl.Answer otherTarget = post(admin, fanKey, "/v1/fanout/fs/writeFile?spokes=dev*", append("fan.log", "fan"));
    assertEquals(422, otherTarget.status(), "the query is part of the request: " + otherTarget.text());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.notExists(root.resolve("job.log")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(300);
    assertEquals(List.of("job"), Files.readAllLines(root.resolve("job.log")), "one job ran");
    assertEquals(List.of("fan"), Files.readAllLines(root.resolve("fan.log")), "one fan-out ran");
  }

  @Test
  void aKeyOfMoreThan255CharactersIs400AndA503IsNotKept() throws Exception {
    Curl.Answer tooLong = post(admin, "k".repeat(256), "/v1/call/dev1/fs/writeFile", append("long.log", "x"));
    assertEquals(400, tooLong.status(), tooLong.text());
    assertEquals("INVALID_INPUT", tooLong.errorCode());
    assertTrue(Files.notExists(root.resolve("long.log")), "refused before it ran");
    assertEquals(200, post(admin, "k".repeat(255), "/v1/call/dev1/fs/writeFile", append("long.log", "x")).status());

    String key = UUID.randomUUID().toString();
    Curl.Answer absent = post(admin, key, "/v1/call/dev9/fs/stat", "{\"path\":\"x\"}");
    assertEquals(503, absent.status(), absent.text());
    Curl.Answer again = post(admin, key, "/v1/call/dev9/fs/stat", "{\"path\":\"x\"}");
    assertEquals(503, again.status());
    assertNull(again.header("Idempotent-Replayed"), "a 503 ran nothing: the repeat is tried again, not replayed");
    assertEquals(401, post("not-a-token", key, "/v1/call/dev1/fs/stat", "{}").status(), "a key needs an identity");
  }
}
