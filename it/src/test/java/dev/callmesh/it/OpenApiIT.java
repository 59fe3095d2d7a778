package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /v1/openapi.json} from the real hub jar with curl: each identity's document has the paths it may
 * call, with the schemas of the operations' specs as the hub serves them; without a token it is 401.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenApiIT {

  static Mesh mesh;
  static Path operator;
  static Path reader;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("curl");
    mesh = new Mesh();
    Path spokeKey = mesh.spokeKey("dev1");
    operator = mesh.userKey("operator", "/dev1/*");
    reader = mesh.userKey("reader", "/*/fs/read*,/*/fs/stat");
    mesh.startHub(0);
    mesh.startSpoke("dev1", spokeKey, mesh.root("dev1"));
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  private static String token(Path key) throws Exception {
    Mesh.CliResult r = mesh.cli("--hub", "tcp://127.0.0.1:" + mesh.port, "--key", key.toString(), "token", "--offline");
    assertEquals(0, r.exit(), r.err());
    return r.out().trim();
  }

  private static McpHttp get(String path, String... args) throws Exception {
    return McpHttp.send("GET", "http://127.0.0.1:" + mesh.httpPort + path, null, args);
  }

  @Test
  void eachIdentitySeesThePathsItMayCallWithTheSpecsSchemas() throws Exception {
    String operatorToken = token(operator);
    McpHttp mine = get("/v1/openapi.json", "-H", "Authorization: Bearer " + operatorToken);
    assertEquals(200, mine.status(), mine.body());
    assertTrue(mine.header("content-type").startsWith("application/json"), mine.headers());
    JsonObject doc = mine.json();
    assertEquals("3.1.0", doc.getString("openapi"));
    Set<String> operatorPaths = doc.getJsonObject("paths").fieldNames();
    assertTrue(operatorPaths.containsAll(List.of("/v1/call/dev1/fs/readFile", "/v1/call/dev1/bash/run",
        "/v1/stream/dev1/bash/exec", "/v1/call/services/list", "/v1/services", "/v1/auth/token")), operatorPaths.toString());
    assertFalse(operatorPaths.contains("/v1/call/dev1/bash/exec"), "a subscription is only a stream");

    McpHttp theirs = get("/v1/openapi.json", "-H", "Authorization: Bearer " + token(reader));
    Set<String> readerPaths = theirs.json().getJsonObject("paths").fieldNames();
    assertTrue(readerPaths.containsAll(List.of("/v1/call/dev1/fs/readFile", "/v1/call/dev1/fs/stat")), readerPaths.toString());
    assertFalse(readerPaths.contains("/v1/call/dev1/bash/run"), readerPaths.toString());
    assertFalse(readerPaths.contains("/v1/call/dev1/fs/writeFile"), readerPaths.toString());

    // The schemas are the spec's, as /v1/services/schema serves it.
    JsonObject spec = get("/v1/services/schema?name=/dev1/fs/readFile", "-H", "Authorization: Bearer " + operatorToken)
        .json().getJsonObject("output");
    JsonObject read = doc.getJsonObject("paths").getJsonObject("/v1/call/dev1/fs/readFile").getJsonObject("post");
    JsonObject input = spec.getJsonObject("inputSchema").copy();
    input.remove("$schema");
    assertEquals(input, read.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
        .getJsonObject("schema"));
    JsonObject output = spec.getJsonObject("outputSchema").copy();
    output.remove("$schema");
    assertEquals(output, read.getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema").getJsonObject("properties").getJsonObject("output"));
    assertEquals("#/components/responses/Forbidden",
        read.getJsonObject("responses").getJsonObject("403").getString("$ref"));
    assertTrue(doc.getJsonObject("components").getJsonObject("responses").containsKey("Forbidden"));

    Set<String> ids = new HashSet<>();
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(m ->
        assertTrue(ids.add(((JsonObject) m.getValue()).getString("operationId")), "operationId twice: " + m)));
  }

  @Test
  void withoutATokenItIs401() throws Exception {
    McpHttp none = get("/v1/openapi.json");
    assertEquals(401, none.status(), none.body());
    assertEquals("UNAUTHENTICATED", none.json().getJsonObject("error").getString("code"));
    assertTrue(none.header("www-authenticate").startsWith("Bearer"), none.headers());
  }
}
