package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JSON-RPC 2.0 at /v1/jsonrpc against the real hub and spoke jars, with Vert.x's WebSocket client: auth
 * first, calls, notifications, batches run concurrently, every error path, subscriptions with cancel.
 * (POST with curl, close codes, Origin and MessagePack: {@link JsonRpcHttpIT}, {@link WebSocketCloseIT}.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JsonRpcIT {

  static Mesh mesh;
  static Vertx vertx;
  static String adminToken;
  static String readerToken;
  static CallmeshClient admin;
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path adminKey = mesh.userKey("admin", "/dev1/*,/dev2/*,/hub/*");
    Path readerKey = mesh.userKey("reader", "/*/fs/read*");
    root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "alpha");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, root);
    adminToken = token(adminKey);
    readerToken = token(readerKey);
    admin = mesh.client(adminKey);
    vertx = Vertx.vertx();
  }

  static String token(Path key) throws Exception {
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(), "token", "--offline");
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Mesh.inFlight(admin).values().stream().anyMatch(n -> n != 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Mesh.inFlight(admin).forEach((spoke, n) -> assertEquals(0, n, "calls left pending on " + spoke));
  }

  static JsonObject req(Object id, String method, JsonObject params) {
    JsonObject r = new JsonObject().put("jsonrpc", "2.0").put("method", method);
    if (id != null) {
      r.put("id", id);
    }
    return params == null ? r : r.put("params", params);
  }

  static JsonObject call(WsPeer ws, JsonObject request) throws Exception {
    ws.send(request.encode());
    return (JsonObject) ws.nextJson();
  }

  static WsPeer authenticated(String token) throws Exception {
    WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, "/v1/jsonrpc");
    JsonObject r = call(ws, req(0, "auth.authenticate", new JsonObject().put("token", token)));
    assertTrue(r.containsKey("result"), r.encode());
    return ws;
  }

  static void assertError(JsonObject answer, Object id, int number, String code) {
    assertEquals("2.0", answer.getString("jsonrpc"), answer.encode());
    assertEquals(id, answer.getValue("id"), answer.encode());
    JsonObject e = answer.getJsonObject("error");
    assertEquals(number, e.getInteger("code"), answer.encode());
    assertEquals(code, e.getJsonObject("data").getString("code"), answer.encode());
    assertTrue(e.getJsonObject("data").getValue("retryable") instanceof Boolean, answer.encode());
    assertTrue(e.getString("message").length() > 5, answer.encode());
  }

  @Test
  void authenticateFirstThenCallAndNotificationsGetNoAnswer() throws Exception {
    try (WsPeer ws = WsPeer.connect(vertx, mesh.httpPort, "/v1/jsonrpc")) {
      assertError(call(ws, req(1, "/dev1/fs/stat", new JsonObject().put("path", "a.txt"))), 1, -32000, "UNAUTHENTICATED");
      assertError(call(ws, req(2, "auth.authenticate", new JsonObject().put("token", "not-a-token"))), 2, -32000,
          "UNAUTHENTICATED");
      JsonObject welcome = call(ws, req("a", "auth.authenticate", new JsonObject().put("token", adminToken)));
      assertEquals("admin", welcome.getJsonObject("result").getJsonObject("identity").getString("id"), welcome.encode());
      assertError(call(ws, req(3, "auth.authenticate", new JsonObject().put("token", readerToken))), 3, -32000, "PROTOCOL");

      JsonObject read = call(ws, req(4, "/dev1/fs/readFile", new JsonObject().put("path", "a.txt")));
      assertEquals(4, read.getInteger("id"));
      assertEquals("alpha", read.getJsonObject("result").getString("content"), read.encode());
      mesh.hub.awaitErrLine(l -> l.contains("op=/dev1/fs/readFile") && l.contains("transport=jsonrpc"),
          java.time.Duration.ofSeconds(10)); // the audit line names the edge the call came in on

      ws.send(req(null, "/dev1/fs/writeFile", new JsonObject().put("path", "note.txt").put("content", "noted")).encode());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!Files.exists(root.resolve("note.txt")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals("noted", Files.readString(root.resolve("note.txt")), "the notification's call was made");
      assertNull(ws.next(500), "a notification is not answered");
      JsonObject spokes = call(ws, req(5, "/hub/spokes/list", null));
      assertEquals("dev1", spokes.getJsonObject("result").getJsonArray("spokes").getJsonObject(0).getString("name"));
    }
  }

  @Test
  void aJwtDoesNotBuyAJwtHereEither() throws Exception {
    Mesh.CliResult jwt = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", mesh.dir.resolve("admin").toString(), "token");
    assertEquals(0, jwt.exit(), jwt.err());
    try (WsPeer withJwt = authenticated(jwt.out().trim()); WsPeer withKey = authenticated(adminToken)) {
      assertError(call(withJwt, req(1, "/hub/auth/token", new JsonObject())), 1, -32000, "FORBIDDEN");
      JsonObject issued = call(withKey, req(2, "/hub/auth/token", new JsonObject()));
      assertTrue(issued.getJsonObject("result").getString("token").split("\\.").length == 3, issued.encode());
    }
  }

  @Test
  void badInputGetsTheExactErrorsAndTheSocketStaysUsable() throws Exception {
    try (WsPeer ws = authenticated(adminToken)) {
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":1,");
      assertError((JsonObject) ws.nextJson(), null, -32700, "PROTOCOL");
      ws.send("42");
      assertError((JsonObject) ws.nextJson(), null, -32600, "PROTOCOL");
      ws.send("[]");
      assertError((JsonObject) ws.nextJson(), null, -32600, "PROTOCOL");
      ws.send("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"/dev1/fs/stat\"}");
      assertError((JsonObject) ws.nextJson(), 7, -32600, "PROTOCOL");
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":42}");
      assertError((JsonObject) ws.nextJson(), 8, -32600, "PROTOCOL");
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"/dev1/fs/stat\"}");
      assertError((JsonObject) ws.nextJson(), null, -32600, "PROTOCOL");
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"/dev1/fs/stat\"}");
      assertError((JsonObject) ws.nextJson(), null, -32600, "PROTOCOL");
      assertError(call(ws, req(9, "/dev1/fs/nosuch", new JsonObject())), 9, -32601, "NOT_FOUND");
      assertError(call(ws, req(10, "not-a-path", new JsonObject())), 10, -32601, "NOT_FOUND");
      JsonObject bad = call(ws, req(11, "/dev1/fs/readFile", new JsonObject().put("path", 42)));
      assertError(bad, 11, -32602, "INVALID_INPUT");
      assertEquals("/path", bad.getJsonObject("error").getJsonObject("data").getJsonObject("details").getString("path"));
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"/dev1/fs/stat\",\"params\":[\"a.txt\"]}");
      assertError((JsonObject) ws.nextJson(), 12, -32602, "INVALID_INPUT");
      assertError(call(ws, req(13, "/dev3/fs/stat", new JsonObject())), 13, -32000, "FORBIDDEN");
      assertError(call(ws, req(14, "/dev1/fs/readFile", new JsonObject().put("path", "nope.txt"))), 14, -32000,
          "FILE_NOT_FOUND");
      JsonArray many = new JsonArray();
      for (int i = 0; i < 101; i++) {
        many.add(req(i, "/dev1/fs/writeFile", new JsonObject().put("path", "many-" + i).put("content", "x")));
      }
      ws.send(many.encode());
      assertError((JsonObject) ws.nextJson(), null, -32000, "RESOURCE_EXHAUSTED");
      Thread.sleep(300);
      assertTrue(!Files.exists(root.resolve("many-0")), "nothing of a batch over 100 members runs");
      assertEquals(5, call(ws, req(15, "/dev1/fs/stat", new JsonObject().put("path", "a.txt")))
          .getJsonObject("result").getInteger("size"), "still usable");
    }
  }

  @Test
  void aBatchIsAnsweredInOneArrayAndItsMembersRunConcurrently() throws Exception {
    try (WsPeer ws = authenticated(adminToken)) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 3; i++) {
        batch.add(req("s" + i, "/dev1/bash/run", new JsonObject().put("command", "sleep 1.5; echo " + i)));
      }
      batch.add(req(null, "/dev1/fs/stat", new JsonObject().put("path", "a.txt")));
      batch.add(7);
      batch.add(req("stat", "/dev1/fs/stat", new JsonObject().put("path", "a.txt")));
      long t0 = System.nanoTime();
      ws.send(batch.encode());
      JsonArray answers = (JsonArray) ws.nextJson();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < 4000, "three 1.5 s commands took " + ms + " ms: they ran one after another");
      assertEquals(5, answers.size(), "the notification is left out: " + answers.encode());
      Map<Object, JsonObject> byId = new HashMap<>();
      answers.forEach(a -> byId.put(((JsonObject) a).getValue("id"), (JsonObject) a));
      for (int i = 0; i < 3; i++) {
        assertEquals(i + "\n", byId.get("s" + i).getJsonObject("result").getString("stdout"), answers.encode());
      }
      assertEquals(5, byId.get("stat").getJsonObject("result").getInteger("size"));
      assertError(byId.get(null), null, -32600, "PROTOCOL");
      assertNull(ws.next(300), "one answer for the whole batch");
    }
  }

  @Test
  void subscriptionsAreNotifiedToTheirEndAndCancelKillsTheProcess() throws Exception {
    try (WsPeer ws = authenticated(adminToken)) {
      JsonObject r = call(ws, req(1, "/dev1/bash/exec", new JsonObject().put("command", "echo one; echo two")));
      String sub = r.getJsonObject("result").getString("subscription");
      assertEquals("s1", sub, "subscription ids count per socket");
      StringBuilder out = new StringBuilder();
      JsonObject last = null;
      while (true) {
        JsonObject n = (JsonObject) ws.nextJson();
        assertNull(n.getValue("id"), "notifications have no id: " + n.encode());
        assertEquals(sub, n.getJsonObject("params").getString("subscription"), n.encode());
        if (n.getString("method").equals("subscription.completed")) {
          break;
        }
        assertEquals("subscription", n.getString("method"));
        JsonObject output = n.getJsonObject("params").getJsonObject("output");
        if (output.containsKey("data")) {
          out.append(output.getString("data"));
        } else {
          last = output;
        }
      }
      assertEquals("one\ntwo\n", out.toString());
      assertEquals(new JsonObject().put("exitCode", 0), last);

      JsonObject failing = call(ws, req(2, "/dev1/bash/exec", new JsonObject().put("command", 42)));
      String failingSub = failing.getJsonObject("result").getString("subscription");
      JsonObject error = (JsonObject) ws.nextJson();
      assertEquals("subscription.error", error.getString("method"), error.encode());
      assertEquals(failingSub, error.getJsonObject("params").getString("subscription"));
      assertEquals(-32602, error.getJsonObject("params").getJsonObject("error").getInteger("code"), error.encode());
      assertEquals("INVALID_INPUT", error.getJsonObject("params").getJsonObject("error").getJsonObject("data").getString("code"));

      JsonObject endless = call(ws, req(3, "/dev1/bash/exec", new JsonObject().put("command", "echo first; sleep 4243")));
      String endlessSub = endless.getJsonObject("result").getString("subscription");
      JsonObject first = (JsonObject) ws.nextJson();
      assertEquals("first\n", first.getJsonObject("params").getJsonObject("output").getString("data"), first.encode());
      Procs.awaitPresent("(.*/)?sleep 4243");
      JsonObject cancelled = call(ws, req(4, "subscription.cancel", new JsonObject().put("subscription", endlessSub)));
      assertEquals(Boolean.TRUE, cancelled.getBoolean("result"), cancelled.encode());
      assertTrue(Procs.millisUntilGone("(.*/)?sleep 4243", 5000) >= 0, "the cancelled command still runs");
      assertEquals(Boolean.FALSE, call(ws, req(5, "subscription.cancel", new JsonObject().put("subscription", endlessSub)))
          .getBoolean("result"), "a subscription that is over cannot be cancelled again");
      assertNull(ws.next(300), "nothing follows a cancel");
    }
  }

  @Test
  void bigMessagesPassBothWaysAndToASpokeOnAWebSocket() throws Exception {
    Path wsSpoke = mesh.spokeKey("dev2");
    try (JavaProcess spoke = mesh.startSpoke("ws://127.0.0.1:" + mesh.httpPort + "/v1/ws", "dev2", wsSpoke,
        mesh.root("dev2"), true); WsPeer ws = authenticated(adminToken)) {
      String content = "z".repeat(300_000);
      JsonObject wrote = call(ws, req(1, "/dev1/fs/writeFile", new JsonObject().put("path", "big.txt").put("content", content)));
      assertEquals(300_000, wrote.getJsonObject("result").getInteger("size"), wrote.encode());
      JsonObject read = call(ws, req(2, "/dev1/fs/readFile", new JsonObject().put("path", "big.txt")));
      assertEquals(content, read.getJsonObject("result").getString("content"), "a 300 kB answer in 64 KiB frames");
      assertTrue(spoke.process().isAlive());
      JsonObject toWsSpoke = call(ws, req(3, "/dev2/fs/writeFile", new JsonObject().put("path", "big.txt").put("content", content)));
      assertEquals(300_000, toWsSpoke.getJsonObject("result").getInteger("size"), "a ws:// spoke takes a 300 kB call: "
          + toWsSpoke.encode());
      assertEquals(content, Files.readString(mesh.root("dev2").resolve("big.txt")));
    }
  }

  @Test
  void closingTheSocketEndsItsSubscriptions() throws Exception {
    WsPeer ws = authenticated(adminToken);
    List<JsonObject> seen = new ArrayList<>();
    seen.add(call(ws, req(1, "/dev1/bash/exec", new JsonObject().put("command", "echo go; sleep 4244"))));
    seen.add((JsonObject) ws.nextJson());
    Procs.awaitPresent("(.*/)?sleep 4244");
    ws.close();
    assertTrue(Procs.millisUntilGone("(.*/)?sleep 4244", 5000) >= 0, "the socket's subscription outlived it: " + seen);
  }
}
