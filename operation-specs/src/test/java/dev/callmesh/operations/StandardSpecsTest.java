package dev.callmesh.operations;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies the standard OperationSpec resources: they load, agree with their files, and their schemas work. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StandardSpecsTest {

  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT202012)
      .setBaseUri("https://callmesh.dev/")
      .setOutputFormat(OutputFormat.Basic);

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static Validator validator(JsonObject schema) {
    return Validator.create(JsonSchema.of(schema), OPTIONS);
  }

  private static boolean valid(JsonObject schema, Object instance) {
    return validator(schema).validate(instance).getValid();
  }

  private static JsonObject resource(String file) throws Exception {
    try (InputStream in = StandardSpecs.class.getClassLoader().getResourceAsStream(StandardSpecs.BASE + file)) {
      assertNotNull(in, "missing resource " + file);
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyIndexedFileLoadsAndMatchesItsSpec() throws Exception {
    JsonArray files = resource("index.json").getJsonArray("specs");
    Set<String> names = new HashSet<>();
    for (Object f : files) {
      String file = (String) f;
      JsonObject json = resource(file);
      OperationSpec spec = StandardSpecs.get(json.getString("name"));
      assertEquals(json.getString("namespace"), spec.namespace(), file);
      assertTrue(file.startsWith(spec.namespace() + "/"), file + " lies in the folder of its namespace");
      assertEquals(file.substring(0, file.indexOf('/')), spec.name().split("/")[1], file + " matches first segment");
      assertFalse(spec.description().isBlank(), file + " has a description");
      assertTrue(names.add(spec.name()), "unique name " + spec.name());
    }
    assertEquals(files.size(), StandardSpecs.all().size());
  }

  @Test
  void namespacesHoldTheExpectedOperations() {
    assertEquals(List.of("/fs/readFile", "/fs/writeFile", "/fs/stat", "/fs/list", "/fs/mkdir", "/fs/remove",
        "/fs/move", "/fs/watch"), StandardSpecs.namespace("fs").stream().map(OperationSpec::name).toList());
    assertEquals(Set.of("/bash/exec", "/bash/run"), names("bash"));
    assertEquals(Set.of("/search/grep", "/search/files"), names("search"));
    assertEquals(Set.of("/services/list", "/services/schema"), names("services"));
    assertEquals(Set.of("/hub/services/register", "/hub/spokes/list", "/hub/spokes/watch", "/hub/auth/token",
        "/hub/cluster/members", "/hub/fanout", "/hub/jobs/start", "/hub/jobs/get", "/hub/jobs/watch", "/hub/jobs/list",
        "/hub/jobs/abort"), names("hub"));
    assertEquals(OperationType.SUBSCRIPTION, StandardSpecs.get("/hub/jobs/watch").opType());
    assertTrue(StandardSpecs.namespace("nope").isEmpty());
    assertEquals(OperationType.SUBSCRIPTION, StandardSpecs.get("/fs/watch").opType());
    assertEquals(OperationType.SUBSCRIPTION, StandardSpecs.get("/bash/exec").opType());
    assertEquals(OperationType.MUTATION, StandardSpecs.get("/bash/run").opType());
    assertEquals(OperationType.QUERY, StandardSpecs.get("/search/files").opType());
    assertEquals(OperationType.SUBSCRIPTION, StandardSpecs.get("/search/grep").opType());
    assertEquals(OperationType.SUBSCRIPTION, StandardSpecs.get("/hub/fanout").opType());
    assertEquals(StandardSpecs.get("/fs/stat").toJson(), StandardSpecs.get("/fs/stat").toJson());
  }

  @Test
  void eachCallerGetsItsOwnCopySoNoCallerCanChangeAnothersSpec() {
    OperationSpec mine = StandardSpecs.get("/fs/stat");
    mine.inputSchema().put("__absolute_uri__", "https://example/");
    mine.inputSchema().getJsonObject("properties").remove("path");
    OperationSpec theirs = StandardSpecs.get("/fs/stat");
    assertTrue(!theirs.inputSchema().containsKey("__absolute_uri__"));
    assertTrue(theirs.inputSchema().getJsonObject("properties").containsKey("path"));
  }

  private static Set<String> names(String ns) {
    Set<String> out = new HashSet<>();
    StandardSpecs.namespace(ns).forEach(s -> out.add(s.name()));
    return out;
  }

  @Test
  void unknownNameIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> StandardSpecs.get("/fs/nope"));
  }

  @Test
  void everySchemaIsDraft202012AndValidAgainstTheMetaSchema() {
    SchemaRepository repo = SchemaRepository.create(OPTIONS).preloadMetaSchema(vertx.fileSystem());
    Validator meta = repo.validator("https://json-schema.org/draft/2020-12/schema");
    for (OperationSpec spec : StandardSpecs.all()) {
      for (JsonObject schema : List.of(spec.inputSchema(), spec.outputSchema())) {
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.getString("$schema"), spec.name());
        OutputUnit out = meta.validate(schema);
        assertTrue(out.getValid(), spec.name() + ": " + out.toJson().encode());
        // compiles and runs
        validator(schema).validate(new JsonObject());
      }
      JsonObject in = spec.inputSchema();
      assertEquals("object", in.getString("type"), spec.name());
      assertEquals(Boolean.FALSE, in.getValue("additionalProperties"), spec.name() + " input is closed");
      for (Object e : spec.errors()) {
        JsonObject err = (JsonObject) e;
        assertFalse(err.getString("code").isBlank());
        assertFalse(err.getString("description").isBlank());
      }
    }
  }

  @Test
  void readFileInputValidatesAsDocumented() {
    JsonObject s = StandardSpecs.get("/fs/readFile").inputSchema();
    assertFalse(valid(s, new JsonObject()), "path is required");
    assertTrue(valid(s, new JsonObject().put("path", "a")));
    assertFalse(valid(s, new JsonObject().put("path", "a").put("bogus", 1)), "unknown fields are rejected");
    assertFalse(valid(s, new JsonObject().put("path", "")), "empty path");
    assertFalse(valid(s, new JsonObject().put("path", "a").put("encoding", "latin1")));
    assertFalse(valid(s, new JsonObject().put("path", "a").put("offset", -1)));
    assertTrue(valid(s, new JsonObject().put("path", "a").put("encoding", "base64").put("offset", 3).put("length", 0)));
  }

  @Test
  void otherInputsValidateAsDocumented() {
    JsonObject list = StandardSpecs.get("/fs/list").inputSchema();
    assertTrue(valid(list, new JsonObject().put("path", ".").put("depth", 32)));
    assertFalse(valid(list, new JsonObject().put("path", ".").put("depth", 0)));
    assertFalse(valid(list, new JsonObject().put("path", ".").put("depth", 33)));

    JsonObject run = StandardSpecs.get("/bash/run").inputSchema();
    assertTrue(valid(run, new JsonObject().put("command", "ls").put("env", new JsonObject().put("A_B", "x"))));
    assertFalse(valid(run, new JsonObject().put("command", "ls").put("env", new JsonObject().put("A", 1))));
    assertFalse(valid(run, new JsonObject().put("command", "ls").put("env", new JsonObject().put("1A", "x"))));
    assertFalse(valid(run, new JsonObject().put("command", "ls").put("timeoutMs", 0)));

    JsonObject grep = StandardSpecs.get("/search/grep").inputSchema();
    assertTrue(valid(grep, new JsonObject().put("pattern", "x").put("maxResults", 100000)));
    assertFalse(valid(grep, new JsonObject().put("pattern", "x").put("maxResults", 100001)));

    JsonObject spokes = StandardSpecs.get("/hub/spokes/list").inputSchema();
    assertTrue(valid(spokes, new JsonObject()));
    assertFalse(valid(spokes, new JsonObject().put("x", 1)));

    JsonObject register = StandardSpecs.get("/hub/services/register").inputSchema();
    JsonArray ops = new JsonArray().add(StandardSpecs.get("/fs/stat").toJson());
    assertTrue(valid(register, new JsonObject().put("operations", ops)));
    assertFalse(valid(register, new JsonObject().put("operations", new JsonArray().add(new JsonObject().put("name", "x")))));
  }

  @Test
  void outputsValidateAsDocumented() {
    JsonObject exec = StandardSpecs.get("/bash/exec").outputSchema();
    assertTrue(valid(exec, new JsonObject().put("stream", "stdout").put("data", "hi")));
    assertTrue(valid(exec, new JsonObject().put("exitCode", 0)));
    assertFalse(valid(exec, new JsonObject().put("stream", "stdin").put("data", "hi")));
    assertFalse(valid(exec, new JsonObject()));

    JsonObject schema = StandardSpecs.get("/services/schema").outputSchema();
    for (OperationSpec spec : StandardSpecs.all()) {
      assertTrue(valid(schema, spec.toJson()), spec.name() + " is a valid /services/schema output");
    }

    JsonObject list = StandardSpecs.get("/services/list").outputSchema();
    assertTrue(valid(list, new JsonObject().put("operations", new JsonArray().add(new JsonObject()
        .put("name", "/services/list").put("namespace", "services").put("opType", "query")
        .putNull("spoke").put("description", "d")))));
  }
}
