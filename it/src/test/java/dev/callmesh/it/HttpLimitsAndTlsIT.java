package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hubs started for one test each: the RateLimit headers and Retry-After of a hub with a small call budget, and
 * HTTP/2 chosen by ALPN over TLS (with HTTP/1.1 still there, and a spoke over wss:// serving the calls).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpLimitsAndTlsIT {

  Mesh mesh;
  Path spokeKey;
  Path admin;
  Path root;

  @BeforeEach
  void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    spokeKey = mesh.spokeKey("dev1");
    admin = mesh.userKey("admin", "/dev1/*,/dev9/*,/hub/*");
    root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "over h2\n");
  }

  @AfterEach
  void stop() throws Exception {
    mesh.close();
  }

  private String offlineToken() throws Exception {
    Mesh.CliResult t = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", admin.toString(), "token", "--offline");
    assertEquals(0, t.exit(), t.err());
    return t.out().trim();
  }

  private Curl.Answer call(String base, String token, String path, String json, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
        "--data-binary", json));
    args.addAll(List.of(extra));
    args.add(base + path);
    return Curl.run(mesh.dir, args.toArray(String[]::new));
  }

  @Test
  void authenticatedAnswersCarryTheCallBudgetAnd429And503CarryRetryAfter() throws Exception {
    // GIVEN a hub that allows 2 calls per second per identity (bursts of 4)
    mesh.startHub(0, "--max-calls-per-second", "2");
    mesh.startSpoke("dev1", spokeKey, root);
    String token = offlineToken();
    String base = "http://127.0.0.1:" + mesh.httpPort;
    List<Integer> remaining = new ArrayList<>();
    Curl.Answer limited = null;
    // WHEN it calls faster than that
    for (int i = 0; i < 12 && limited == null; i++) {
      Curl.Answer a = call(base, token, "/v1/call/dev1/fs/stat", "{\"path\":\"a.txt\"}");
      assertEquals("4", a.header("RateLimit-Limit"), a.headers().toString());
      assertEquals("4;w=2", a.header("RateLimit-Policy"));
      assertNotNull(a.header("RateLimit-Reset"));
      remaining.add(Integer.parseInt(a.header("RateLimit-Remaining")));
      if (a.status() == 429) {
        limited = a;
      } else {
        assertEquals(200, a.status(), a.text());
      }
    }
    // THEN what remains goes down to nothing, and the 429 says when to come back
    assertNotNull(limited, "no 429 after 12 quick calls at 2 per second: " + remaining);
    for (int i = 1; i < remaining.size(); i++) {
      assertTrue(remaining.get(i) <= remaining.get(i - 1), "remaining never grows between quick calls: " + remaining);
    }
    assertTrue(remaining.get(0) >= 2 && remaining.get(remaining.size() - 1) == 0, remaining.toString());
    assertEquals("RESOURCE_EXHAUSTED", limited.errorCode());
    assertEquals("1", limited.header("Retry-After"));
    assertTrue(Integer.parseInt(limited.header("RateLimit-Reset")) >= 1, limited.headers().toString());

    Curl.Answer anonymous = Curl.run(mesh.dir, "-d", "{}", base + "/v1/call/dev1/fs/stat");
    assertEquals(401, anonymous.status());
    assertNull(anonymous.header("RateLimit-Limit"), "only an authenticated answer has a budget to tell");

    Thread.sleep(2100); // the budget is whole again
    Curl.Answer services = Curl.run(mesh.dir, "-H", "Authorization: Bearer " + token, base + "/v1/services");
    assertEquals(200, services.status());
    assertEquals("4", services.header("RateLimit-Limit"), "every authenticated answer, not only calls");
    Curl.Answer absent = call(base, token, "/v1/call/dev9/fs/stat", "{\"path\":\"a.txt\"}");
    assertEquals(503, absent.status(), absent.text());
    assertEquals("1", absent.header("Retry-After"));
  }

  @Test
  void overTlsAlpnChoosesHttp2AndHttp11StillWorksWithASpokeOverWss() throws Exception {
    Path cert = Certs.selfSigned(mesh.dir, "hub");
    mesh.startHub(0, "--tls-cert", cert.toString(), "--tls-key", mesh.dir.resolve("hub.key").toString());
    String token = offlineToken();
    try (JavaProcess spoke = mesh.startSpoke("wss://127.0.0.1:" + mesh.httpPort + "/v1/ws", "dev1", spokeKey, root, true,
        "--ca", cert.toString())) {
      String base = "https://127.0.0.1:" + mesh.httpPort;
      Curl.Answer h2 = call(base, token, "/v1/call/dev1/fs/readFile", "{\"path\":\"a.txt\"}", "--http2", "--cacert", cert.toString());
      assertEquals("2", h2.version(), "ALPN offered h2 first");
      assertEquals(200, h2.status(), h2.text());
      assertEquals("over h2\n", h2.json().getJsonObject("output").getString("content"));
      Curl.Answer h1 = call(base, token, "/v1/call/dev1/fs/readFile", "{\"path\":\"a.txt\"}", "--http1.1", "--cacert", cert.toString());
      assertEquals("1.1", h1.version());
      assertEquals(200, h1.status(), h1.text());
      Curl.Answer stream = call(base, token, "/v1/stream/dev1/bash/exec", "{\"command\":\"echo streamed\"}", "--http2",
          "--cacert", cert.toString());
      assertEquals("2", stream.version());
      assertTrue(stream.text().contains("streamed") && stream.text().contains("event: completed"), stream.text());
      Curl.Answer page = Curl.run(mesh.dir, "--http2", "--cacert", cert.toString(), base + "/");
      assertEquals("2", page.version());
      assertEquals(200, page.status(), "the dashboard over h2");
    }
  }
}
