package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub and spoke jars with {@code --log-format json}: every log line is a JSON object, and one call's
 * trace id is the same in the hub's {@code callmesh.audit} line and the spoke's {@code callmesh.calls}
 * line, whether the caller gave a W3C traceparent (CLI {@code --traceparent}, HTTP {@code traceparent}
 * header) or not, or gave an invalid one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceLogsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  static Mesh mesh;
  static Path alice;
  static JavaProcess spoke;

  @BeforeAll
  static void start() throws Exception {
    mesh = new Mesh();
    Path spokeKey = mesh.key("dev1");
    alice = mesh.key("alice");
    mesh.authorize("name=\"dev1\",spoke=\"dev1\"", spokeKey);
    mesh.authorize("name=\"alice\",allow=\"/dev1/*\"", alice);
    Path root = mesh.root("dev1");
    Files.writeString(root.resolve("a.txt"), "traced\n");
    mesh.startHub(0, "--log-format", "json");
    spoke = mesh.startSpoke("tcp://127.0.0.1:" + mesh.port, "dev1", spokeKey, root, true, "--log-format", "json");
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  @Test
  void aTraceparentGivenToTheCliShowsInTheHubsAuditAndTheSpokesCallLine() throws Exception {
    String given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Mesh.CliResult r = cli("call", "--traceparent", given, "/dev1/fs/stat", "{\"path\":\"a.txt\"}");
    assertEquals(0, r.exit(), r.err());

    JsonNode audit = awaitLog(mesh.hub, "callmesh.audit", "/dev1/fs/stat");
    JsonNode served = awaitLog(spoke, "callmesh.calls", "/fs/stat");
    assertEquals("0af7651916cd43dd8448eb211c80319c", traceId(audit), audit.toString());
    assertEquals("0af7651916cd43dd8448eb211c80319c", traceId(served), served.toString());
    assertTrue(audit.get("formattedMessage").asText().contains("identity=alice"), audit.toString());
    assertTrue(audit.get("formattedMessage").asText().contains("outcome=OK"), audit.toString());
    assertTrue(served.get("formattedMessage").asText().contains("caller=alice"), served.toString());
  }

  @Test
  void aCallWithoutTraceparentGetsATraceThatTheHubAndSpokeShare() throws Exception {
    Mesh.CliResult r = cli("call", "/dev1/fs/list", "{\"path\":\".\"}");
    assertEquals(0, r.exit(), r.err());

    String trace = traceId(awaitLog(mesh.hub, "callmesh.audit", "/dev1/fs/list"));
    assertTrue(trace.matches("[0-9a-f]{32}") && !trace.matches("0+"), trace);
    assertEquals(trace, traceId(awaitLog(spoke, "callmesh.calls", "/fs/list")));
  }

  @Test
  void anHttpTraceparentIsContinuedAndAnInvalidOneReplaced() throws Exception {
    String token = cli("token").out().trim();
    String given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    post(token, "/v1/call/dev1/fs/readFile", "{\"path\":\"a.txt\"}", given);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", traceId(awaitLog(mesh.hub, "callmesh.audit", "/dev1/fs/readFile")));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", traceId(awaitLog(spoke, "callmesh.calls", "/fs/readFile")));

    String upperCase = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01";
    post(token, "/v1/call/dev1/search/files", "{\"glob\":\"*.txt\"}", upperCase);
    String trace = traceId(awaitLog(mesh.hub, "callmesh.audit", "/dev1/search/files"));
    assertTrue(trace.matches("[0-9a-f]{32}"), trace);
    assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace, "an invalid traceparent starts a new trace");
    assertEquals(trace, traceId(awaitLog(spoke, "callmesh.calls", "/search/files")));
  }

  @Test
  void everyLogLineOfTheHubAndSpokeIsAJsonObject() throws Exception {
    awaitLog(mesh.hub, "dev.callmesh.hub.impl.HubHandshake", null); // the spoke's welcome, at least
    for (JavaProcess p : List.of(mesh.hub, spoke)) {
      List<String> lines = p.stderrLines();
      assertTrue(!lines.isEmpty());
      for (String line : lines) {
        JsonNode node = JSON.readTree(line);
        assertTrue(node.isObject() && node.has("level") && node.has("loggerName") && node.has("mdc"), line);
      }
    }
  }

  // ---- helpers ----

  private static Mesh.CliResult cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", alice.toString()));
    all.addAll(List.of(args));
    return mesh.cli(all.toArray(String[]::new));
  }

  private static void post(String token, String path, String body, String traceparent) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
        .uri(URI.create("http://127.0.0.1:" + mesh.httpPort + path))
        .header("Authorization", "Bearer " + token)
        .header("traceparent", traceparent)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }

  /**
   * @param op the operation in the line's MDC, or {@code null} for any line of the logger
   * @return the first JSON log line of the logger about the operation, checked to carry callId and op
   */
  private static JsonNode awaitLog(JavaProcess p, String logger, String op) throws Exception {
    String line = p.awaitErrLine(l -> {
      JsonNode n = parse(l);
      return n != null && logger.equals(n.path("loggerName").asText())
          && (op == null || op.equals(n.at("/mdc/op").asText()));
    }, WAIT);
    JsonNode node = JSON.readTree(line);
    if (op != null) {
      assertTrue(node.at("/mdc/callId").isTextual() && !node.at("/mdc/callId").asText().isEmpty(), line);
      assertEquals(op, node.at("/mdc/op").asText(), line);
    }
    return node;
  }

  private static String traceId(JsonNode line) {
    JsonNode id = line.at("/mdc/traceId");
    assertTrue(id.isTextual(), "no traceId in " + line);
    assertTrue(line.get("formattedMessage").asText().contains("trace=" + id.asText()), "the readable message names it too");
    return id.asText();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception notJson) {
      return null;
    }
  }
}
