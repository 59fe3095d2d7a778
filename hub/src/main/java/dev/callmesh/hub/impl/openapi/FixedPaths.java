package dev.callmesh.hub.impl.openapi;

import dev.callmesh.operations.StandardSpecs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The endpoints of the HTTP API that every caller has, as OpenAPI path items: discovery ({@code /v1/services},
 * {@code /v1/services/schema}, {@code /v1/spokes}), {@code /v1/auth/token}, this document, health, metrics and
 * the MCP endpoint. Their schemas are those of the hub operations behind them.
 */
final class FixedPaths {

  private FixedPaths() {
  }

  /** Adds the fixed endpoints to {@code paths}, their operation ids to {@code ids}. */
  static void addTo(JsonObject paths, Set<String> ids) {
    paths.put("/v1/services", get(ids, "listServices", "The operations the caller may call.",
        output("/services/list"), query("spoke", "Only this spoke's operations.", false),
        query("prefix", "Only operations whose path starts with this.", false)));
    paths.put("/v1/services/schema", get(ids, "getServiceSchema", "The spec of one operation the caller may call.",
        output("/services/schema"), query("name", "The operation's full path, e.g. /dev1/fs/readFile.", true)));
    paths.put("/v1/spokes", get(ids, "listSpokes", "The connected spokes (needs the right to call /hub/spokes/list).",
        output("/hub/spokes/list")));
    JsonObject token = StandardSpecs.get("/hub/auth/token").toJson();
    paths.put("/v1/auth/token", new JsonObject().put("post", new JsonObject()
        .put("operationId", add(ids, "issueToken"))
        .put("summary", "A hub JWT, for a signed-timestamp token as Bearer (from 'callmesh token --offline').")
        .put("requestBody", new JsonObject().put("required", false).put("content", json(
            OpenApiDocument.schema(token.getJsonObject("inputSchema"), "issueToken/input"))))
        .put("responses", errors(new JsonObject().put("200", new JsonObject().put("description", "The JWT.")
            .put("content", json(OpenApiDocument.schema(token.getJsonObject("outputSchema"), "issueToken/output"))))))));
    paths.put("/v1/openapi.json", get(ids, "getOpenApi", "This document: the paths the caller may call.",
        new JsonObject().put("type", "object")));
    paths.put("/healthz", open(ids, "healthz", "Liveness: 200 while the hub runs.", "application/json"));
    paths.put("/readyz", open(ids, "readyz", "Readiness: 200 when the hub serves, 503 otherwise.", "application/json"));
    paths.put("/metrics", open(ids, "metrics", "Prometheus metrics.", "text/plain"));
    JsonObject mcp = new JsonObject().put("type", "object").put("description", "A JSON-RPC 2.0 message of MCP");
    paths.put("/mcp", new JsonObject()
        .put("post", mcpOp(ids, "mcpPost", "MCP, Streamable HTTP: one JSON-RPC message; initialize opens a session "
            + "(Mcp-Session-Id).").put("requestBody", new JsonObject().put("required", true).put("content", json(mcp))))
        .put("get", mcpOp(ids, "mcpStream", "MCP: the session's server-sent stream (notifications/tools/list_changed)."))
        .put("delete", mcpOp(ids, "mcpEnd", "MCP: ends the session named by Mcp-Session-Id.")));
  }

  private static JsonObject get(Set<String> ids, String id, String summary, JsonObject output, JsonObject... params) {
    JsonObject op = new JsonObject().put("operationId", add(ids, id)).put("summary", summary)
        .put("responses", errors(new JsonObject().put("200", new JsonObject().put("description", "The output.")
            .put("content", json(id.equals("getOpenApi") ? output : new JsonObject().put("type", "object")
                .put("properties", new JsonObject().put("output", output))
                .put("required", new JsonArray().add("output")))))));
    if (params.length > 0) {
      op.put("parameters", new JsonArray(java.util.List.of((Object[]) params)));
    }
    return new JsonObject().put("get", op);
  }

  private static JsonObject open(Set<String> ids, String id, String summary, String type) {
    return new JsonObject().put("get", new JsonObject().put("operationId", add(ids, id)).put("summary", summary)
        .put("security", new JsonArray())
        .put("responses", new JsonObject().put("200", new JsonObject().put("description", "Up.")
            .put("content", new JsonObject().put(type, new JsonObject())))));
  }

  private static JsonObject mcpOp(Set<String> ids, String id, String summary) {
    return new JsonObject().put("operationId", add(ids, id)).put("summary", summary).put("tags", new JsonArray().add("mcp"))
        .put("responses", new JsonObject()
            .put("200", new JsonObject().put("description", "A JSON-RPC response, or a text/event-stream of messages."))
            .put("202", new JsonObject().put("description", "A notification was taken."))
            .put("401", OpenApiDocument.ref(ErrorStatus.Unauthenticated.name()))
            .put("404", new JsonObject().put("description", "No such session (it ended or expired): initialize again.")));
  }

  private static JsonObject output(String operation) {
    return OpenApiDocument.schema(StandardSpecs.get(operation).outputSchema(), operation.substring(1));
  }

  private static JsonObject query(String name, String description, boolean required) {
    return new JsonObject().put("name", name).put("in", "query").put("required", required)
        .put("description", description).put("schema", new JsonObject().put("type", "string"));
  }

  static JsonObject json(JsonObject schema) {
    return new JsonObject().put("application/json", new JsonObject().put("schema", schema));
  }

  static JsonObject errors(JsonObject responses) {
    for (ErrorStatus e : new ErrorStatus[] {ErrorStatus.InvalidInput, ErrorStatus.Unauthenticated, ErrorStatus.Forbidden,
        ErrorStatus.ResourceExhausted, ErrorStatus.Internal, ErrorStatus.Unavailable}) {
      responses.put(String.valueOf(e.status()), OpenApiDocument.ref(e.name()));
    }
    return responses;
  }

  static String add(Set<String> ids, String id) {
    ids.add(id);
    return id;
  }
}
