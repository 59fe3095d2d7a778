package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.Credentials;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of the hub jar, fetched with real curl after real calls through a spoke jar: call
 * counts by operation and outcome, latency buckets, handshake failures, connections and spokes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsIT {

  static Mesh mesh;
  static Path admin;
  static Path stranger;
  static CallmeshClient client;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.key("dev1");
    admin = mesh.key("admin");
    stranger = mesh.key("stranger");
    mesh.authorize("name=\"dev1\",spoke=\"dev1\"", spokeKey);
    mesh.authorize("name=\"admin\",allow=\"/dev1/*,/dev9/*,/hub/*\"", admin);
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("README.md"), "# measured\n");
    mesh.startHub(0, "--handshake-timeout", "3s");
    mesh.startSpoke("dev1", spokeKey, root);
    client = mesh.client(admin);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  /** @return {@code ok}, or the code the call failed with */
  static String outcome(Future<Object> call) {
    try {
      call.await(30, TimeUnit.SECONDS);
      return "ok";
    } catch (CallException e) {
      return e.code();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static PromText scrape() throws Exception {
    HttpApiIT.Http r = HttpApiIT.curl("http://127.0.0.1:" + mesh.httpPort + "/metrics");
    assertEquals(200, r.status(), r.body());
    return new PromText(r.body());
  }

  /** @return a scrape in which callmesh_connections with the labels has the value, or the last one after 5 s */
  static PromText await(Map<String, String> labels, double value) throws Exception {
    PromText m = scrape();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (m.value("callmesh_connections", labels) != value && System.nanoTime() < deadline) {
      Thread.sleep(100);
      m = scrape();
    }
    return m;
  }

  @Test
  void callsByOperationAndOutcomeWithLatencyBuckets() throws Exception {
    JsonObject readme = new JsonObject().put("path", "README.md");
    assertEquals("ok", outcome(client.call("/dev1/fs/readFile", readme)));
    assertEquals("ok", outcome(client.call("/dev1/fs/readFile", readme)));
    assertEquals("FILE_NOT_FOUND", outcome(client.call("/dev1/fs/readFile", new JsonObject().put("path", "nope.txt"))));
    assertEquals("NOT_FOUND", outcome(client.call("/dev1/fs/nosuch", new JsonObject())));
    assertEquals("UNAVAILABLE", outcome(client.call("/dev9/fs/readFile", readme)));
    assertEquals("ok", outcome(client.call("/hub/spokes/list", new JsonObject())));

    PromText m = scrape();
    assertEquals(2, m.value("callmesh_calls_total", Map.of("spoke", "dev1", "operation", "/fs/readFile", "outcome", "ok")), m.text);
    assertEquals(1, m.value("callmesh_calls_total",
        Map.of("spoke", "dev1", "operation", "/fs/readFile", "outcome", "FILE_NOT_FOUND")), m.text);
    assertEquals(1, m.value("callmesh_calls_total", Map.of("spoke", "dev1", "operation", "unknown", "outcome", "NOT_FOUND")),
        "a path the spoke does not serve is not a label of its own");
    assertEquals(1, m.value("callmesh_calls_total", Map.of("spoke", "unknown", "operation", "unknown", "outcome", "UNAVAILABLE")),
        "nor is a spoke that is not connected");
    assertTrue(m.value("callmesh_calls_total", Map.of("spoke", "hub", "operation", "/hub/spokes/list", "outcome", "ok")) >= 1,
        m.text);
    assertTrue(m.text.lines().noneMatch(l -> l.contains("dev9") || l.contains("nosuch")), "client-made names became labels");

    Map<String, String> readFile = Map.of("spoke", "dev1", "operation", "/fs/readFile");
    assertEquals(3, m.value("callmesh_call_duration_seconds_count", readFile));
    assertEquals(3, m.value("callmesh_call_duration_seconds_bucket", Map.of("spoke", "dev1", "operation", "/fs/readFile", "le", "+Inf")));
    assertEquals(3, m.value("callmesh_call_duration_seconds_bucket", Map.of("spoke", "dev1", "operation", "/fs/readFile", "le", "60.0")),
        "every read took less than a minute");
    assertTrue(m.text.contains("callmesh_call_duration_seconds_bucket{operation=\"/fs/readFile\",spoke=\"dev1\",le=\"0.001\"}"), m.text);
    assertEquals(0, m.value("callmesh_calls_pending", Map.of()));
  }

  @Test
  void aCallThatHitsItsDeadlineIsCountedAndAuditedAsTimeout() throws Exception {
    JsonObject sleep = new JsonObject().put("command", "sleep 5");
    assertEquals("TIMEOUT", outcome(client.call("/dev1/bash/run", sleep, 300)));
    PromText m = scrape();
    assertEquals(1, m.value("callmesh_calls_total", Map.of("spoke", "dev1", "operation", "/bash/run", "outcome", "TIMEOUT")),
        m.text);
    double aborted = m.value("callmesh_calls_total", Map.of("spoke", "dev1", "operation", "/bash/run", "outcome", "ABORTED"));
    assertTrue(Double.isNaN(aborted) || aborted == 0, "a deadline is not an abort: " + m.text);
    String audit = mesh.hub.awaitErrLine(l -> l.contains("op=/dev1/bash/run") && !l.contains("outcome=OK"),
        java.time.Duration.ofSeconds(5));
    assertTrue(audit.contains("outcome=TIMEOUT"), audit);
  }

  @Test
  void handshakeFailuresByReason() throws Exception {
    try (RawConn c = new RawConn(mesh.port)) {
      JsonObject ch = WireAndAuthIT.challenge(c);
      c.send("auth.hello", "", new JsonObject().put("signature",
          WireAndAuthIT.sign(stranger, "callmesh-auth-v1:" + ch.getString("hub") + ":" + ch.getString("nonce"))));
      assertEquals("UNAUTHENTICATED", c.recv().getJsonObject("payload").getString("code"));
    }
    try (RawConn c = new RawConn(mesh.port)) {
      WireAndAuthIT.challenge(c);
      c.send("call.requested", "r1", new JsonObject().put("operationId", "/dev1/fs/readFile"));
      assertEquals("PROTOCOL", c.recv().getJsonObject("payload").getString("code"));
    }
    try (RawConn c = new RawConn(mesh.port)) {
      WireAndAuthIT.challenge(c);
      assertTrue(c.closesWithin(10_000), "the hub kept a connection that never said hello");
    }
    PromText m = scrape();
    assertEquals(1, m.value("callmesh_handshake_failures_total", Map.of("reason", "UNAUTHENTICATED")), m.text);
    assertEquals(1, m.value("callmesh_handshake_failures_total", Map.of("reason", "PROTOCOL")), m.text);
    assertEquals(1, m.value("callmesh_handshake_failures_total", Map.of("reason", "timeout")), m.text);
  }

  @Test
  void connectionsSpokesKeysAndBytes() throws Exception {
    // Vert.x reports a connection's bytes in steps of 4 KiB (the rest when it closes): read more than that.
    // (With bash/run, so the counts of fs/readFile that another test checks stay as it made them.)
    assertEquals("ok", outcome(client.call("/dev1/bash/run", new JsonObject().put("command", "head -c 65536 /dev/zero | tr '\\0' x"))));
    // The spoke and the Java client; connections of other tests close within a second of their end.
    await(Map.of("transport", "ws"), 0);
    PromText m = await(Map.of("transport", "tcp"), 2);
    assertEquals(2, m.value("callmesh_connections", Map.of("transport", "tcp")), m.text);
    assertTrue(m.value("callmesh_connections", Map.of("transport", "http")) >= 1, "curl's own connection");
    assertEquals(1, m.value("callmesh_spokes", Map.of("transport", "tcp")), m.text);
    assertEquals(2, m.value("callmesh_authorized_keys", Map.of()), m.text);
    assertTrue(m.value("vertx_net_server_bytes_read_total", Map.of()) >= 64 * 1024, "the output came in from the spoke");
    assertTrue(m.value("vertx_net_server_bytes_written_total", Map.of()) >= 64 * 1024, "and went out to the client");
    assertTrue(m.sum("jvm_memory_used_bytes") > 0, m.text);
  }

  @Test
  void aWebSocketCountsAsWsNotHttp() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CallmeshClient ws = CallmeshClient.connect(vertx, new ConnectOptions()
          .setHubUrl(HubUrl.parse("ws://127.0.0.1:" + mesh.httpPort + "/v1/ws"))
          .setCredentials(Credentials.key(SshKeyPair.load(admin, null)))).await();
      assertEquals("ok", outcome(ws.call("/dev1/fs/stat", new JsonObject().put("path", "README.md"))));
      // Only the scraping curl's own connection is http (earlier curls' may take a moment to be seen closed).
      PromText m = await(Map.of("transport", "http"), 1);
      assertEquals(1, m.value("callmesh_connections", Map.of("transport", "http")), "the upgraded connection still counts as http");
      assertEquals(1, m.value("callmesh_connections", Map.of("transport", "ws")), m.text);
      ws.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
