package dev.callmesh.hub.impl.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.StandardSpecs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document's shape: the fields OpenAPI 3.1 requires, a path per operation (call or stream by its
 * type), unique operation ids, every reference resolving, and the schemas those of the specs.
 */
class OpenApiDocumentTest {

  private static OperationSpec spec(String path, String standard) {
    return StandardSpecs.get(standard).withName(path);
  }

  private static JsonObject doc(List<OperationSpec> specs) {
    JsonObject doc = OpenApiDocument.build(specs, "test hub", "0.1.0");
    checkShape(doc);
    return doc;
  }

  @Test
  void eachOperationIsAPathWithTheSpecsSchemas() {
    OperationSpec read = spec("/dev1/fs/readFile", "/fs/readFile");
    OperationSpec exec = spec("/dev1/bash/exec", "/bash/exec");
    JsonObject paths = doc(List.of(read, exec, spec("/dev1/fs/mkdir", "/fs/mkdir"))).getJsonObject("paths");

    JsonObject post = paths.getJsonObject("/v1/call/dev1/fs/readFile").getJsonObject("post");
    assertEquals("dev1_fs_readFile", post.getString("operationId"));
    JsonObject input = read.inputSchema().copy();
    input.remove("$schema");
    assertEquals(input, post.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
        .getJsonObject("schema"));
    JsonObject output = read.outputSchema().copy();
    output.remove("$schema");
    JsonObject ok = post.getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema");
    assertEquals(output, ok.getJsonObject("properties").getJsonObject("output"));
    assertEquals(new JsonArray().add("output"), ok.getJsonArray("required"));
    for (String status : new String[] {"400", "401", "403", "404", "429", "500", "503", "504"}) {
      assertNotNull(post.getJsonObject("responses").getJsonObject(status), status);
    }
    assertFalse(post.getJsonObject("responses").containsKey("409"), "readFile has no conflict");
    assertTrue(paths.getJsonObject("/v1/call/dev1/fs/mkdir").getJsonObject("post").getJsonObject("responses")
        .containsKey("409"), "mkdir's FILE_EXISTS is 409");

    assertTrue(paths.containsKey("/v1/stream/dev1/bash/exec"), "a subscription is a stream");
    assertFalse(paths.containsKey("/v1/call/dev1/bash/exec"));
    for (String fixed : new String[] {"/v1/services", "/v1/services/schema", "/v1/spokes", "/v1/auth/token", "/healthz",
        "/readyz", "/metrics", "/v1/openapi.json", "/mcp"}) {
      assertTrue(paths.containsKey(fixed), fixed);
    }
  }

  @Test
  void batchFanoutAndJobsAreThereWithTheirHubOperationsSchemas() {
    JsonObject paths = doc(List.of()).getJsonObject("paths");
    JsonObject batch = paths.getJsonObject("/v1/batch").getJsonObject("post");
    JsonObject members = batch.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
        .getJsonObject("schema");
    assertEquals("array", members.getString("type"));
    assertEquals(100, members.getInteger("maxItems"));
    JsonObject fanout = paths.getJsonObject("/v1/fanout/{operation}").getJsonObject("post");
    JsonObject perSpoke = StandardSpecs.get("/hub/fanout").outputSchema().copy();
    perSpoke.remove("$schema");
    assertEquals(perSpoke, fanout.getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items"));
    JsonObject jobs = paths.getJsonObject("/v1/jobs/{path}");
    assertEquals(Set.of("post", "get", "delete"), jobs.fieldNames());
    assertTrue(jobs.getJsonObject("post").getJsonObject("responses").containsKey("202"), "a job starts with 202");
    JsonObject got = StandardSpecs.get("/hub/jobs/get").outputSchema().copy();
    got.remove("$schema");
    assertEquals(got, jobs.getJsonObject("get").getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema"));
    JsonObject state = paths.getJsonObject("/v1/jobs").getJsonObject("get").getJsonArray("parameters").getJsonObject(0);
    assertEquals("state", state.getString("name"));
    assertEquals(StandardSpecs.get("/hub/jobs/list").inputSchema().getJsonObject("properties").getJsonObject("state")
        .getJsonArray("enum"), state.getJsonObject("schema").getJsonArray("enum"));
    assertTrue(paths.getJsonObject("/v1/jobs/{path}/events").getJsonObject("get").getJsonObject("responses")
        .getJsonObject("200").getJsonObject("content").containsKey("text/event-stream"));
  }

  @Test
  void differentRightsMakeDifferentDocuments() {
    Set<String> all = doc(List.of(spec("/dev1/fs/readFile", "/fs/readFile"), spec("/dev1/bash/run", "/bash/run")))
        .getJsonObject("paths").fieldNames();
    Set<String> some = doc(List.of(spec("/dev1/fs/readFile", "/fs/readFile"))).getJsonObject("paths").fieldNames();
    assertTrue(all.contains("/v1/call/dev1/bash/run"));
    assertFalse(some.contains("/v1/call/dev1/bash/run"));
  }

  @Test
  void clashingOperationIdsAreMadeUniqueAndSelfReferringSchemasGetAnId() {
    // /services/register's input refers to its own $defs; two paths that flatten to one id
    JsonObject doc = doc(List.of(spec("/hub/services/register", "/hub/services/register"),
        spec("/a/b-c", "/fs/stat"), spec("/a/b/c", "/fs/stat"), spec("/a/b_c", "/fs/stat")));
    JsonObject register = doc.getJsonObject("paths").getJsonObject("/v1/call/hub/services/register").getJsonObject("post")
        .getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
    assertEquals("urn:callmesh:schema:hub_services_register/input", register.getString("$id"));
  }

  /** Fails unless the document has OpenAPI 3.1's required fields, unique operation ids and resolving references. */
  static void checkShape(JsonObject doc) {
    assertEquals("3.1.0", doc.getString("openapi"));
    assertNotNull(doc.getJsonObject("info").getString("title"));
    assertNotNull(doc.getJsonObject("info").getString("version"));
    assertEquals("http", doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer")
        .getString("type"));
    Set<String> ids = new HashSet<>();
    for (String path : doc.getJsonObject("paths").fieldNames()) {
      assertTrue(path.startsWith("/"), path);
      JsonObject item = doc.getJsonObject("paths").getJsonObject(path);
      for (String method : item.fieldNames()) {
        assertTrue(Set.of("get", "post", "delete").contains(method), method);
        JsonObject op = item.getJsonObject(method);
        assertTrue(ids.add(op.getString("operationId")), "operationId twice: " + op.getString("operationId"));
        assertEquals(templated(path), pathParameters(op), path + " " + method + ": the template's names, each a required path parameter");
        assertFalse(op.getJsonObject("responses").isEmpty(), path);
        for (String status : op.getJsonObject("responses").fieldNames()) {
          JsonObject r = op.getJsonObject("responses").getJsonObject(status);
          assertTrue(r.containsKey("$ref") || r.containsKey("description"), path + " " + status);
        }
      }
    }
    List<String> broken = new ArrayList<>();
    refs(doc, doc, null, broken);
    assertEquals(List.of(), broken, "references that do not resolve");
  }

  private static Set<String> templated(String path) {
    Set<String> names = new HashSet<>();
    Matcher m = Pattern.compile("\\{([^}/]+)}").matcher(path);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Set<String> pathParameters(JsonObject op) {
    Set<String> names = new HashSet<>();
    for (Object p : op.getJsonArray("parameters", new JsonArray())) {
      JsonObject param = (JsonObject) p;
      if ("path".equals(param.getString("in"))) {
        assertEquals(Boolean.TRUE, param.getBoolean("required"), "a path parameter is required: " + param);
        names.add(param.getString("name"));
      }
    }
    return names;
  }

  private static void refs(Object node, JsonObject doc, JsonObject resource, List<String> broken) {
    if (node instanceof JsonObject o) {
      JsonObject base = o.containsKey("$id") ? o : resource;
      if (o.getValue("$ref") instanceof String ref) {
        JsonObject root = ref.startsWith("#/components/") || base == null ? doc : base;
        if (!ref.startsWith("#") || resolve(root, ref.substring(1)) == null) {
          broken.add(ref);
        }
      }
      o.forEach(e -> refs(e.getValue(), doc, base, broken));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> refs(v, doc, resource, broken));
    }
  }

  private static Object resolve(JsonObject root, String pointer) {
    Object at = root;
    for (String token : pointer.split("/")) {
      if (token.isEmpty()) {
        continue;
      }
      token = token.replace("~1", "/").replace("~0", "~");
      at = at instanceof JsonObject o ? o.getValue(token) : null;
    }
    return at;
  }
}
