package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JSON-RPC over {@code POST /v1/jsonrpc} with real curl, and the Origin check (403 for a page of another
 * origin, on the API and on WebSocket upgrades; the hub's own origin and {@code --allowed-origins} pass).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JsonRpcHttpIT {

  static final String ALLOWED = "http://app.example:8080";
  static Mesh mesh;
  static Vertx vertx;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    Path adminKey = mesh.userKey("admin", "/dev1/*,/hub/*");
    Files.writeString(mesh.root("dev1").resolve("a.txt"), "alpha");
    mesh.startHub(0, "--max-frame-bytes", "65536", "--allowed-origins", ALLOWED);
    mesh.startSpoke("dev1", spokeKey, mesh.root("dev1"));
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", adminKey.toString(), "token", "--offline");
    assertEquals(0, r.exit(), r.err());
    token = r.out().trim();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
    mesh.close();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + mesh.httpPort + path;
  }

  private static HttpApiIT.Http post(String body, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    args.addAll(List.of(extra));
    args.add(url("/v1/jsonrpc"));
    return HttpApiIT.curl(args.toArray(String[]::new));
  }

  @Test
  void curlPostsRequestsBatchesNotificationsAndSubscriptions() throws Exception {
    String auth = "Authorization: Bearer " + token;
    HttpApiIT.Http one = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/dev1/fs/readFile\",\"params\":{\"path\":\"a.txt\"}}",
        "-H", auth);
    assertEquals(200, one.status(), one.body());
    assertEquals("alpha", one.json().getJsonObject("result").getString("content"));

    HttpApiIT.Http batch = post("[{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"y\",\"method\":\"/dev1/fs/nosuch\"}]", "-H", auth);
    assertEquals(200, batch.status(), batch.body());
    JsonArray answers = new JsonArray(batch.body());
    assertEquals(2, answers.size(), batch.body());
    assertEquals(5, answers.getJsonObject(0).getJsonObject("result").getInteger("size"));
    assertEquals(-32601, answers.getJsonObject(1).getJsonObject("error").getInteger("code"));

    HttpApiIT.Http onlyNotes = post("{\"jsonrpc\":\"2.0\",\"method\":\"/dev1/fs/writeFile\",\"params\":{\"path\":\"n.txt\","
        + "\"content\":\"n\"}}", "-H", auth);
    assertEquals(204, onlyNotes.status(), onlyNotes.body());
    assertEquals("", onlyNotes.body());

    HttpApiIT.Http sub = post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"/dev1/bash/exec\",\"params\":{\"command\":\"echo a; echo b\"}}",
        "-H", auth);
    assertEquals(200, sub.status(), sub.body());
    JsonArray outputs = sub.json().getJsonObject("result").getJsonArray("outputs");
    assertEquals(new JsonObject().put("exitCode", 0), outputs.getJsonObject(outputs.size() - 1), sub.body());

    HttpApiIT.Http big = post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"/dev1/bash/exec\",\"params\":{\"command\":"
        + "\"head -c 3000000 /dev/zero | tr '\\\\0' x\"}}", "-H", auth);
    assertEquals(-32000, big.json().getJsonObject("error").getInteger("code"), big.body());
    assertEquals("RESOURCE_EXHAUSTED", big.json().getJsonObject("error").getJsonObject("data").getString("code"));

    HttpApiIT.Http query = HttpApiIT.curl("--data-binary", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"/dev1/fs/stat\","
        + "\"params\":{\"path\":\"a.txt\"}}", url("/v1/jsonrpc?token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8)));
    assertEquals(200, query.status(), "?token= works too: " + query.body());
  }

  @Test
  void curlErrorsOverPost() throws Exception {
    HttpApiIT.Http none = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}}");
    assertEquals(401, none.status(), none.body());
    assertEquals("UNAUTHENTICATED", none.json().getJsonObject("error").getJsonObject("data").getString("code"));
    assertEquals(1, none.json().getInteger("id"));
    HttpApiIT.Http parse = post("{nope", "-H", "Authorization: Bearer " + token);
    assertEquals(-32700, parse.json().getJsonObject("error").getInteger("code"), parse.body());
    Path huge = mesh.dir.resolve("huge.json");
    Files.writeString(huge, "[" + "{\"jsonrpc\":\"2.0\",\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}},".repeat(2000)
        + "1]", StandardCharsets.UTF_8);
    HttpApiIT.Http tooBig = post("@" + huge, "-H", "Authorization: Bearer " + token);
    assertEquals(413, tooBig.status(), tooBig.body());
    assertEquals("RESOURCE_EXHAUSTED", tooBig.json().getJsonObject("error").getJsonObject("data").getString("code"));
    assertTrue(HttpApiIT.curl("-D", "-", "-X", "PUT", url("/v1/jsonrpc")).body().toLowerCase().contains("allow: get, post"));
  }

  @Test
  void anOriginOtherThanTheHubsOwnOrAnAllowedOneIsRefused() throws Exception {
    String auth = "Authorization: Bearer " + token;
    HttpApiIT.Http evil = HttpApiIT.curl("-H", auth, "-H", "Origin: http://evil.example", url("/v1/services"));
    assertEquals(403, evil.status(), evil.body());
    assertEquals("FORBIDDEN", evil.json().getJsonObject("error").getString("code"));
    HttpApiIT.Http nullOrigin = HttpApiIT.curl("-H", "Origin: null", url("/healthz"));
    assertEquals(403, nullOrigin.status(), "a sandboxed page's null origin: " + nullOrigin.body());
    assertEquals(200, HttpApiIT.curl("-H", auth, url("/v1/services")).status(), "no Origin: not a browser, unaffected");
    String own = "http://127.0.0.1:" + mesh.httpPort;
    assertEquals(200, HttpApiIT.curl("-H", auth, "-H", "Origin: " + own, url("/v1/services")).status());
    assertEquals(200, HttpApiIT.curl("-H", auth, "-H", "Origin: " + ALLOWED, url("/v1/services")).status());
    HttpApiIT.Http preflight = HttpApiIT.curl("-D", "-", "-X", "OPTIONS", "-H", "Origin: " + ALLOWED,
        "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: authorization, content-type",
        url("/v1/jsonrpc"));
    assertEquals(204, preflight.status(), preflight.body());
    String pre = preflight.body().toLowerCase();
    assertTrue(pre.contains("access-control-allow-origin: " + ALLOWED) && pre.contains("authorization"), pre);
    HttpApiIT.Http allowedPost = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}}",
        "-D", "-", "-H", auth, "-H", "Origin: " + ALLOWED);
    assertTrue(allowedPost.body().toLowerCase().contains("access-control-allow-origin: " + ALLOWED), allowedPost.body());
    assertTrue(allowedPost.body().contains("\"size\":5"), "a page of an allowed origin may read the answer");
    HttpApiIT.Http post = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"/dev1/fs/stat\",\"params\":{\"path\":\"a.txt\"}}",
        "-H", auth, "-H", "Origin: http://127.0.0.1:1");
    assertEquals(403, post.status(), "another port is another origin: " + post.body());

    for (String path : List.of("/v1/ws", "/v1/jsonrpc")) {
      UpgradeRejectedException refused = assertThrows(UpgradeRejectedException.class,
          () -> WsPeer.connect(vertx, mesh.httpPort, path, Map.of("Origin", "http://evil.example")));
      assertEquals(403, refused.getStatus(), path);
      try (WsPeer ok = WsPeer.connect(vertx, mesh.httpPort, path, Map.of("Origin", own))) {
        assertTrue(!ok.closesWithin(200), path);
      }
      try (WsPeer ok = WsPeer.connect(vertx, mesh.httpPort, path, Map.of("Origin", ALLOWED))) {
        assertTrue(!ok.closesWithin(200), path);
      }
    }
  }
}
