package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.call.CallStream;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fan-out (README, "Labels, pools and fan-out") with the hub and spoke jars: five spokes that claim labels
 * ({@code role=ci, region=us} on ci1..ci4, {@code role=web} on web1), ci2's key pinning {@code region=eu} over
 * what it claims, and a caller whose allow list leaves ci3 out. Which spokes answer is checked through the CLI
 * (NDJSON, summary, exit codes), real curl (JSON and SSE) and the Java client; ci4 has no README.md, so reading
 * it fails there.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FanoutIT {

  static final JsonObject README = new JsonObject().put("path", "README.md");

  static Mesh mesh;
  static Path ops;
  static CallmeshClient client;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    ops = mesh.userKey("ops", "/ci1/*,/ci2/*,/ci4/*,/web1/*,/hub/spokes/*");
    mesh.startHub(0);
    for (String name : List.of("ci1", "ci2", "ci3", "ci4", "web1")) {
      Path key = mesh.key(name);
      mesh.authorize("name=\"" + name + "\",spoke=\"" + name + "\"" + (name.equals("ci2") ? ",labels=\"region=eu\"" : ""), key);
      Path root = mesh.root(name);
      if (!name.equals("ci4")) {
        Files.writeString(root.resolve("README.md"), "I am " + name + "\n");
      }
      List<String> labels = name.startsWith("ci") ? List.of("--label", "role=ci", "--label", "region=us")
          : List.of("--label", "role=web");
      mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, name, key, root, true, labels.toArray(String[]::new));
    }
    client = mesh.client(ops);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @AfterEach
  void nothingPending() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Mesh.inFlight(client).values().stream().anyMatch(n -> n != 0) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Mesh.inFlight(client).forEach((spoke, n) -> assertEquals(0, n, "calls left in flight to " + spoke));
  }

  private static Mesh.CliResult cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", ops.toString()));
    all.addAll(List.of(args));
    return mesh.cli(all.toArray(String[]::new));
  }

  /** @return the NDJSON lines of a fan-out by spoke, checking there is one line per spoke */
  private static Map<String, JsonObject> bySpoke(String ndjson) {
    Map<String, JsonObject> out = new TreeMap<>();
    for (String line : ndjson.lines().filter(l -> !l.isBlank()).toList()) {
      JsonObject e = new JsonObject(line);
      assertNull(out.put(e.getString("spoke"), e), "one line per spoke: " + ndjson);
    }
    return out;
  }

  @Test
  void theCliPrintsOneLinePerSpokeAndExits1WhenOneFailed() throws Exception {
    Mesh.CliResult r = cli("fanout", "--label", "role=ci", "/fs/readFile", README.encode());
    assertEquals(1, r.exit(), r.out() + r.err());
    Map<String, JsonObject> lines = bySpoke(r.out());
    assertEquals(Set.of("ci1", "ci2", "ci4"), lines.keySet(), "ci3 is left out by the allow list, web1 by its label");
    assertEquals("I am ci1\n", lines.get("ci1").getJsonObject("output").getString("content"));
    assertEquals("I am ci2\n", lines.get("ci2").getJsonObject("output").getString("content"));
    JsonObject error = lines.get("ci4").getJsonObject("error");
    assertEquals("FILE_NOT_FOUND", error.getString("code"), r.out());
    assertTrue(error.getValue("retryable") instanceof Boolean && error.getString("message") != null, r.out());
    assertTrue(r.err().contains("fanout: 3 spokes, 2 ok, 1 failed"), r.err());

    // Each spoke's call is audited and counted like a call made to it directly, as the caller.
    mesh.hub.awaitErrLine(l -> l.contains("identity=ops") && l.contains("op=/ci4/fs/readFile")
        && l.contains("outcome=FILE_NOT_FOUND"), Duration.ofSeconds(10));
    PromText m = new PromText(HttpApiIT.curl("http://127.0.0.1:" + mesh.httpPort + "/metrics").body());
    assertTrue(m.value("callmesh_calls_total", Map.of("spoke", "ci4", "operation", "/fs/readFile", "outcome", "FILE_NOT_FOUND")) >= 1,
        m.text);
    assertTrue(m.value("callmesh_calls_total", Map.of("spoke", "ci1", "operation", "/fs/readFile", "outcome", "ok")) >= 1, m.text);
    assertTrue(m.text.lines().noneMatch(l -> l.startsWith("callmesh_calls_total") && l.contains("spoke=\"ci3\"")),
        "ci3 was never called");
  }

  @Test
  void aLabelPinnedByTheKeyBeatsTheOneTheSpokeClaims() throws Exception {
    Mesh.CliResult eu = cli("fanout", "--label", "region=eu", "/fs/readFile", README.encode());
    assertEquals(0, eu.exit(), eu.out() + eu.err());
    assertEquals(Set.of("ci2"), bySpoke(eu.out()).keySet());
    assertTrue(eu.err().contains("fanout: 1 spoke, 1 ok, 0 failed"), eu.err());
    Mesh.CliResult us = cli("fanout", "--label", "region=us", "--label", "role=ci", "/fs/stat", "{\"path\":\".\"}");
    assertEquals(0, us.exit(), us.out() + us.err());
    assertEquals(Set.of("ci1", "ci4"), bySpoke(us.out()).keySet(), "ci2 claims region=us, but its key says eu");

    JsonArray spokes = ((JsonObject) client.call("/hub/spokes/list", new JsonObject()).await()).getJsonArray("spokes");
    Map<String, JsonObject> byName = new TreeMap<>();
    spokes.forEach(s -> byName.put(((JsonObject) s).getString("name"), (JsonObject) s));
    assertEquals(new JsonObject().put("region", "eu").put("role", "ci"), byName.get("ci2").getJsonObject("labels"));
    assertEquals(new JsonObject().put("region", "us").put("role", "ci"), byName.get("ci1").getJsonObject("labels"));
    assertEquals(new JsonObject().put("role", "web"), byName.get("web1").getJsonObject("labels"));
    assertTrue(byName.get("ci1").containsKey("pool") && byName.get("ci1").getValue("pool") == null, byName.get("ci1").encode());

    Mesh.CliResult table = cli("spokes");
    assertEquals(0, table.exit(), table.err());
    List<String> rows = table.out().lines().toList();
    assertTrue(rows.get(0).contains("POOL") && rows.get(0).contains("LABELS"), table.out());
    String ci2 = rows.stream().filter(l -> l.startsWith("ci2 ")).findFirst().orElseThrow();
    assertTrue(ci2.endsWith("-  region=eu,role=ci") || ci2.matches(".*-\\s+region=eu,role=ci$"), table.out());
  }

  @Test
  void aGlobSelectsByNameAndBadGlobsOrLabelsAreRefused() throws Exception {
    Mesh.CliResult ci = cli("fanout", "--spokes", "ci?", "--concurrency", "1", "--timeout", "10s", "/fs/stat",
        "{\"path\":\".\"}");
    assertEquals(0, ci.exit(), ci.out() + ci.err());
    Map<String, JsonObject> lines = bySpoke(ci.out());
    assertEquals(Set.of("ci1", "ci2", "ci4"), lines.keySet());
    assertEquals("directory", lines.get("ci4").getJsonObject("output").getString("type"));
    Mesh.CliResult none = cli("fanout", "--spokes", "db-*", "/fs/stat", "{\"path\":\".\"}");
    assertEquals(0, none.exit(), none.err());
    assertEquals("", none.out().trim(), "a fan-out that matches nothing prints nothing");
    assertTrue(none.err().contains("fanout: 0 spokes"), none.err());

    Mesh.CliResult badGlob = cli("fanout", "--spokes", "CI*", "/fs/stat");
    assertEquals(2, badGlob.exit(), badGlob.err());
    assertTrue(badGlob.err().contains("spoke glob 'CI*'"), badGlob.err());
    Mesh.CliResult badLabel = cli("fanout", "--label", "role", "/fs/stat");
    assertEquals(2, badLabel.exit(), badLabel.err());

    CallException glob = fanoutFails(new JsonObject().put("target", new JsonObject().put("spokes", "ci/*"))
        .put("operation", "/fs/stat"));
    assertEquals("INVALID_INPUT", glob.code());
    assertTrue(glob.getMessage().contains("target.spokes"), glob.getMessage());
    CallException label = fanoutFails(new JsonObject().put("target", new JsonObject()
        .put("labels", new JsonObject().put("role", "c i"))).put("operation", "/fs/stat"));
    assertEquals("INVALID_INPUT", label.code());
    assertTrue(label.getMessage().contains("label value 'c i' of role"), label.getMessage());
    CallException subscription = fanoutFails(new JsonObject().put("operation", "/bash/exec")
        .put("input", new JsonObject().put("command", "true")));
    assertTrue(subscription.getMessage().contains("subscription"), subscription.getMessage());
  }

  @Test
  void theJavaClientGetsOneOutputPerSpokeAndACommandsExitCodeIsAnOutput() {
    Map<String, JsonObject> out = fanout(new JsonObject().put("target", new JsonObject().put("spokes", "*1"))
        .put("operation", "/bash/run").put("input", new JsonObject().put("command", "echo $((40+2)); exit 3")));
    assertEquals(Set.of("ci1", "web1"), out.keySet());
    for (JsonObject e : out.values()) {
      assertEquals(3, e.getJsonObject("output").getInteger("exitCode"), e.encode());
      assertEquals("42\n", e.getJsonObject("output").getString("stdout"), e.encode());
    }
  }

  @Test
  void curlGetsTheResultsAsOneJsonBodyOrAsServerSentEvents() throws Exception {
    String token = cli("token", "--offline").out().trim();
    String url = "http://127.0.0.1:" + mesh.httpPort + "/v1/fanout/fs/readFile?label=role=ci&concurrency=2";
    HttpApiIT.Http json = HttpApiIT.curl("-H", "Authorization: Bearer " + token, "-d", README.encode(), url);
    assertEquals(200, json.status(), json.body());
    Map<String, JsonObject> results = new TreeMap<>();
    json.json().getJsonArray("results").forEach(e -> results.put(((JsonObject) e).getString("spoke"), (JsonObject) e));
    assertEquals(Set.of("ci1", "ci2", "ci4"), results.keySet(), json.body());
    assertEquals("I am ci2\n", results.get("ci2").getJsonObject("output").getString("content"));
    assertEquals("FILE_NOT_FOUND", results.get("ci4").getJsonObject("error").getString("code"));

    HttpApiIT.Http sse = HttpApiIT.curl("-N", "-H", "Authorization: Bearer " + token, "-H", "Accept: text/event-stream",
        "-d", README.encode(), url + "&label=region=eu");
    assertEquals(200, sse.status(), sse.body());
    List<String> events = sse.body().lines().filter(l -> l.startsWith("event: ")).toList();
    assertEquals(List.of("event: responded", "event: completed"), events, sse.body());
    String data = sse.body().lines().filter(l -> l.startsWith("data: {\"spoke\"")).findFirst().orElseThrow();
    assertEquals("I am ci2\n", new JsonObject(data.substring(6)).getJsonObject("output").getString("content"));

    for (String bad : List.of("?label=role", "?label=role=c%20i", "?spokes=CI*", "?concurrency=999", "?timeoutMs=soon")) {
      HttpApiIT.Http r = HttpApiIT.curl("-g", "-H", "Authorization: Bearer " + token, "-d", "{}",
          "http://127.0.0.1:" + mesh.httpPort + "/v1/fanout/fs/stat" + bad);
      assertEquals(400, r.status(), bad + ": " + r.body());
      assertEquals("INVALID_INPUT", r.json().getJsonObject("error").getString("code"), r.body());
    }
    HttpApiIT.Http anonymous = HttpApiIT.curl("-d", "{}", "http://127.0.0.1:" + mesh.httpPort + "/v1/fanout/fs/stat");
    assertEquals(401, anonymous.status(), anonymous.body());
  }

  private static Map<String, JsonObject> fanout(JsonObject input) {
    CallStream stream = client.subscribe(new JsonObject().put("operationId", "/hub/fanout").put("input", input), 16);
    Map<String, JsonObject> out = new TreeMap<>();
    Promise<Void> end = Promise.promise();
    // the end first: a stream that has already ended ends when its handler is set
    stream.endHandler(end::tryComplete);
    stream.exceptionHandler(end::tryFail);
    stream.handler(e -> out.put(((JsonObject) e).getString("spoke"), (JsonObject) e));
    end.future().await(); // the class's @Timeout bounds it
    return out;
  }

  private static CallException fanoutFails(JsonObject input) {
    try {
      fanout(input);
    } catch (CallException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a CallException", e);
    }
    throw new AssertionError("the fan-out should have failed: " + input.encode());
  }
}
