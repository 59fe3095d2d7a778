package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /v1/batch} with real curl against the hub and spoke jars: results in request order, members run at
 * once, each member's own error (invalid, forbidden, a subscription), and a batch over 100 members refused whole.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpBatchIT {

  static Mesh mesh;
  static Path root;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path user = mesh.userKey("user", "/dev1/fs/*,/dev1/bash/*,/dev9/*");
    root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "a\n");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    Mesh.CliResult t = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", user.toString(), "token");
    assertEquals(0, t.exit(), t.err());
    token = t.out().trim();
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  static Curl.Answer batch(String json, String... extra) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-H", "Authorization: Bearer " + token,
        "-H", "Content-Type: application/json", "--data-binary", json));
    args.addAll(java.util.List.of(extra));
    args.add("http://127.0.0.1:" + mesh.httpPort + "/v1/batch");
    return Curl.run(mesh.dir, args.toArray(String[]::new));
  }

  static JsonObject member(String operation, JsonObject input) {
    return new JsonObject().put("operation", operation).put("input", input);
  }

  @Test
  void resultsComeInRequestOrderAndTheMembersRunAtOnce() throws Exception {
    JsonArray members = new JsonArray()
        .add(member("/dev1/bash/run", new JsonObject().put("command", "sleep 1; echo first")))
        .add(member("/dev1/bash/run", new JsonObject().put("command", "sleep 1; echo second")))
        .add(member("/dev1/bash/run", new JsonObject().put("command", "sleep 1; echo third")))
        .add(member("/dev1/fs/readFile", new JsonObject().put("path", "a.txt")));
    long started = System.nanoTime();
    Curl.Answer a = batch(members.encode(), "-H", "X-Request-Id: batch-1");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(200, a.status(), a.text());
    JsonArray results = a.json().getJsonArray("results");
    assertEquals(4, results.size());
    assertEquals("first\n", results.getJsonObject(0).getJsonObject("output").getString("stdout"));
    assertEquals("second\n", results.getJsonObject(1).getJsonObject("output").getString("stdout"));
    assertEquals("third\n", results.getJsonObject(2).getJsonObject("output").getString("stdout"));
    assertEquals("a\n", results.getJsonObject(3).getJsonObject("output").getString("content"));
    assertTrue(ms < 2500, "three calls of one second each took " + ms + " ms: they must run at once");
    for (int i = 0; i < 4; i++) {
      String id = "batch-1." + i;
      mesh.hub.awaitErrLine(l -> l.contains("call id=" + id + " ") && l.contains("identity=user"), Duration.ofSeconds(10));
    }
  }

  @Test
  void eachMemberHasItsOwnErrorAndSubscriptionsAreRefusedWithoutRunning() throws Exception {
    JsonArray members = new JsonArray()
        .add(member("/dev1/fs/stat", new JsonObject().put("path", "a.txt")))
        .add(new JsonObject().put("input", new JsonObject()))
        .add(member("/dev1/fs/stat", new JsonObject().put("path", 42)))
        .add(member("/hub/spokes/list", new JsonObject()))
        .add(member("/dev1/bash/exec", new JsonObject().put("command", "touch subscribed.txt")))
        .add(member("/dev1/fs/nosuch", new JsonObject()))
        .add(member("/dev9/fs/stat", new JsonObject()));
    Curl.Answer a = batch(members.encode());
    assertEquals(200, a.status(), a.text());
    JsonArray r = a.json().getJsonArray("results");
    assertEquals("file", r.getJsonObject(0).getJsonObject("output").getString("type"));
    assertEquals("INVALID_INPUT", code(r, 1), "no operation");
    assertEquals("INVALID_INPUT", code(r, 2), "input against the schema");
    assertEquals("FORBIDDEN", code(r, 3), "not in the allow list");
    assertEquals("INVALID_INPUT", code(r, 4), "a subscription");
    assertTrue(r.getJsonObject(4).getJsonObject("error").getString("message").contains("/v1/stream/dev1/bash/exec"), r.encode());
    assertEquals("NOT_FOUND", code(r, 5));
    assertEquals("UNAVAILABLE", code(r, 6));
    Thread.sleep(300);
    assertTrue(Files.notExists(root.resolve("subscribed.txt")), "the subscription did not run");
  }

  static String code(JsonArray results, int i) {
    return results.getJsonObject(i).getJsonObject("error").getString("code");
  }

  @Test
  void aBatchOfMoreThan100IsRefusedWholeAnd100Run() throws Exception {
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(member("/dev1/fs/writeFile", new JsonObject().put("path", "many.log").put("content", "x\n").put("append", true)));
    }
    Curl.Answer refused = batch(tooMany.encode());
    assertEquals(400, refused.status(), refused.text());
    assertEquals("INVALID_INPUT", refused.errorCode());
    Thread.sleep(300);
    assertTrue(Files.notExists(root.resolve("many.log")), "nothing ran");

    JsonArray hundred = new JsonArray();
    for (int i = 0; i < 100; i++) {
      hundred.add(member("/dev1/fs/stat", new JsonObject().put("path", "a.txt")));
    }
    Curl.Answer ok = batch(hundred.encode());
    assertEquals(200, ok.status(), ok.text());
    assertEquals(100, ok.json().getJsonArray("results").stream()
        .filter(o -> ((JsonObject) o).containsKey("output")).count());

    assertEquals(400, batch("[]").status(), "an empty batch");
    assertEquals(400, batch("{\"operation\":\"/dev1/fs/stat\"}").status(), "not an array");
    assertEquals(400, batch("[{").status(), "not JSON");
    assertEquals(401, Curl.run(mesh.dir, "--data-binary", "[{\"operation\":\"/dev1/fs/stat\"}]",
        "http://127.0.0.1:" + mesh.httpPort + "/v1/batch").status());
  }
}
