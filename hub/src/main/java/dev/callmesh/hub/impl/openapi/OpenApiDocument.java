package dev.callmesh.hub.impl.openapi;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenAPI 3.1 document of the hub's HTTP API as one caller sees it: a path per operation it may call
 * ({@code POST /v1/call/...} for a query or mutation, {@code POST /v1/stream/...} for a subscription), the
 * input schema as the request body, {@code {"output": <output schema>}} as the 200 response, the error object
 * under the status of each error code; plus the fixed endpoints ({@link FixedPaths}), those that run other
 * operations ({@link RoutedPaths}: batch, fan-out, jobs) and the bearer security scheme. Schemas are the
 * specs' own (JSON Schema 2020-12, the document's dialect): one that refers within itself
 * ({@code "$ref":"#/..."}) gets an {@code $id} so its references resolve against itself. Operation ids are
 * unique: the path's segments joined by {@code _}, with a number added on a clash.
 */
public final class OpenApiDocument {

  /** The dialect of every schema. */
  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  /** Where the error responses are. */
  static final String RESPONSES = "#/components/responses/";

  private OpenApiDocument() {
  }

  /**
   * @param specs the operations the caller may call, named by their full paths
   * @param title the document's title, e.g. naming the hub
   * @param version the API's version
   * @return the document
   */
  public static JsonObject build(List<OperationSpec> specs, String title, String version) {
    JsonObject paths = new JsonObject();
    Set<String> ids = new HashSet<>();
    FixedPaths.addTo(paths, ids);
    RoutedPaths.addTo(paths, ids);
    for (OperationSpec spec : specs) {
      boolean stream = spec.opType() == OperationType.SUBSCRIPTION;
      paths.put((stream ? "/v1/stream" : "/v1/call") + spec.name(),
          new JsonObject().put("post", operation(spec, stream, unique(ids, operationId(spec.name())))));
    }
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", title).put("version", version)
            .put("description", "The operations this token may call, as HTTP endpoints. Authenticate with "
                + "Authorization: Bearer (a hub JWT from POST /v1/auth/token or 'callmesh token', or a signed-timestamp "
                + "token from 'callmesh token --offline'). Errors are {\"error\":{code,message,retryable,details}}."))
        .put("jsonSchemaDialect", DIALECT)
        .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
        .put("paths", paths)
        .put("components", components());
  }

  private static JsonObject operation(OperationSpec spec, boolean stream, String id) {
    JsonObject op = new JsonObject()
        .put("operationId", id)
        .put("summary", spec.name())
        .put("description", spec.description())
        .put("tags", new JsonArray().add(spec.name().split("/")[1]))
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "timeoutMs").put("in", "query")
            .put("description", "The call's deadline in milliseconds (default 30000 for a query or mutation, none for a "
                + "subscription).")
            .put("schema", new JsonObject().put("type", "integer").put("minimum", 1))))
        .put("requestBody", new JsonObject().put("required", true).put("content", new JsonObject()
            .put("application/json", new JsonObject().put("schema", schema(spec.inputSchema(), id + "/input")))));
    JsonObject output = schema(spec.outputSchema(), id + "/output");
    JsonObject ok;
    if (stream) {
      ok = new JsonObject().put("description", "Server-sent events: 'responded' with one output as its data, "
              + "then 'completed', or 'error' with the error object. Closing the request aborts the call.")
          .put("content", new JsonObject().put("text/event-stream", new JsonObject()
              .put("schema", new JsonObject().put("type", "string"))
              .put("x-callmesh-event-data", output)));
    } else {
      ok = new JsonObject().put("description", "The output.")
          .put("content", new JsonObject().put("application/json", new JsonObject().put("schema", new JsonObject()
              .put("type", "object").put("properties", new JsonObject().put("output", output))
              .put("required", new JsonArray().add("output")))));
    }
    JsonObject responses = new JsonObject().put("200", ok);
    ErrorStatus.forOperation(spec).forEach((status, name) -> responses.put(status, ref(name)));
    return op.put("responses", responses);
  }

  /** @return the operation id of a path: its segments joined by _, any other character than A-Za-z0-9_ as _ */
  static String operationId(String path) {
    StringBuilder id = new StringBuilder(path.length());
    for (int i = 1; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      id.append(plain ? c : '_');
    }
    return id.toString();
  }

  private static String unique(Set<String> ids, String id) {
    String candidate = id;
    for (int n = 2; !ids.add(candidate); n++) {
      candidate = id + "_" + n;
    }
    return candidate;
  }

  /**
   * @param schema a spec's schema
   * @param name what it is, for its {@code $id} when it needs one
   * @return the schema for the document: without its own {@code $schema} (the document's dialect is the same),
   *     with an {@code $id} when it refers within itself
   */
  static JsonObject schema(JsonObject schema, String name) {
    JsonObject copy = schema.copy();
    copy.remove("$schema");
    if (!copy.containsKey("$id") && refersToItself(copy)) {
      copy.put("$id", "urn:callmesh:schema:" + name);
    }
    return copy;
  }

  private static boolean refersToItself(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("$ref") instanceof String r && r.startsWith("#")) {
        return true;
      }
      for (String k : o.fieldNames()) {
        if (refersToItself(o.getValue(k))) {
          return true;
        }
      }
    } else if (node instanceof JsonArray a) {
      for (Object v : a) {
        if (refersToItself(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /** @return a reference to one of the error responses */
  static JsonObject ref(String response) {
    return new JsonObject().put("$ref", RESPONSES + response);
  }

  private static JsonObject components() {
    JsonObject error = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("code", new JsonObject().put("type", "string").put("description", "INVALID_INPUT, UNAUTHENTICATED, "
                + "FORBIDDEN, NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE, TIMEOUT, INTERNAL, ... or an operation's own code"))
            .put("message", new JsonObject().put("type", "string"))
            .put("retryable", new JsonObject().put("type", "boolean"))
            .put("details", new JsonObject()))
        .put("required", new JsonArray().add("code").add("message").add("retryable"));
    JsonObject body = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("error", new JsonObject().put("$ref", "#/components/schemas/Error")))
        .put("required", new JsonArray().add("error"));
    JsonObject responses = new JsonObject();
    ErrorStatus.ALL.forEach(e -> responses.put(e.name(), new JsonObject().put("description", e.description())
        .put("content", new JsonObject().put("application/json",
            new JsonObject().put("schema", new JsonObject().put("$ref", "#/components/schemas/ErrorResponse"))))));
    return new JsonObject()
        .put("securitySchemes", new JsonObject().put("bearer", new JsonObject().put("type", "http").put("scheme", "bearer")
            .put("description", "A hub JWT, or a signed-timestamp token of an authorized key")))
        .put("schemas", new JsonObject().put("Error", error).put("ErrorResponse", body))
        .put("responses", responses);
  }
}
