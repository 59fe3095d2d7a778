package dev.callmesh.hub.impl.openapi;

import dev.callmesh.operations.StandardSpecs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The endpoints of the HTTP API that run other operations, as OpenAPI path items: {@code /v1/batch},
 * {@code /v1/fanout/{operation}} and the jobs ({@code /v1/jobs}). Every caller has them; each operation they
 * run is checked against the caller's rights as a call of its own. Their schemas are those of the hub
 * operations behind them ({@code /hub/fanout}, {@code /hub/jobs/*}).
 */
final class RoutedPaths {

  private RoutedPaths() {
  }

  /** Adds the endpoints to {@code paths}, their operation ids to {@code ids}. */
  static void addTo(JsonObject paths, Set<String> ids) {
    paths.put("/v1/batch", new JsonObject().put("post", new JsonObject()
        .put("operationId", FixedPaths.add(ids, "callBatch"))
        .put("summary", "Up to 100 calls at once, answered together in request order. A subscription is refused as "
            + "its member's INVALID_INPUT; each member is its own call (rights, call rate, audit line).")
        .put("requestBody", new JsonObject().put("required", true).put("content", FixedPaths.json(batchInput())))
        .put("responses", FixedPaths.errors(ok("One result per member, in request order.", batchOutput())))));

    JsonObject fanout = StandardSpecs.get("/hub/fanout").toJson();
    paths.put("/v1/fanout/{operation}", new JsonObject().put("post", new JsonObject()
        .put("operationId", FixedPaths.add(ids, "fanout"))
        .put("summary", "Calls one operation on every connected spoke that matches and that the caller may call "
            + "(the others are skipped, as in /v1/services). With Accept: text/event-stream, one 'responded' event "
            + "per spoke as it answers, then 'completed'.")
        .put("parameters", new JsonArray()
            .add(path("operation", "The spoke-relative operation path, its slashes included: "
                + "POST /v1/fanout/bash/run calls /{spoke}/bash/run."))
            .add(query("spokes", "string", "A glob over spoke names (* and ?)."))
            .add(new JsonObject().put("name", "label").put("in", "query").put("required", false)
                .put("description", "K=V: only spokes with this label; repeat it for several.")
                .put("schema", new JsonObject().put("type", "array").put("items", new JsonObject().put("type", "string")))
                .put("style", "form").put("explode", true))
            .add(query("timeoutMs", "integer", "Each spoke's call's deadline in milliseconds."))
            .add(query("concurrency", "integer", "At most this many spoke calls in flight (default 32).")))
        .put("requestBody", new JsonObject().put("required", false).put("content", FixedPaths.json(
            new JsonObject().put("type", "object").put("description", "The input every spoke is sent."))))
        .put("responses", FixedPaths.errors(ok("Every spoke's result, once all have answered.", results(
            OpenApiDocument.schema(fanout.getJsonObject("outputSchema"), "fanout/result")))))));

    paths.put("/v1/jobs", new JsonObject().put("get", new JsonObject()
        .put("operationId", FixedPaths.add(ids, "listJobs"))
        .put("summary", "The caller's jobs, newest first.")
        .put("parameters", new JsonArray().add(specQuery("/hub/jobs/list", "state")).add(specQuery("/hub/jobs/list", "limit")))
        .put("responses", FixedPaths.errors(ok("The jobs.", output("/hub/jobs/list"))))));
    paths.put("/v1/jobs/{path}", new JsonObject()
        .put("post", new JsonObject()
            .put("operationId", FixedPaths.add(ids, "startJob"))
            .put("summary", "Starts a call as a job that outlives the request: POST /v1/jobs/dev1/bash/run. The job's "
                + "outputs and outcome are kept and can be read, watched or aborted by its id.")
            .put("parameters", new JsonArray()
                .add(path("path", "The operation's full path without its first slash, its slashes included."))
                .add(query("timeoutMs", "integer", "The call's deadline in milliseconds.")))
            .put("requestBody", new JsonObject().put("required", false).put("content", FixedPaths.json(
                new JsonObject().put("type", "object").put("description", "The operation's input."))))
            .put("responses", FixedPaths.errors(new JsonObject().put("202", new JsonObject()
                .put("description", "Started; Location: /v1/jobs/{id}.")
                .put("headers", new JsonObject().put("Location", new JsonObject()
                    .put("schema", new JsonObject().put("type", "string"))))
                .put("content", FixedPaths.json(output("/hub/jobs/start")))))))
        .put("get", jobOp(ids, "getJob", "A job: its state, outputs and outcome.", output("/hub/jobs/get")))
        .put("delete", jobOp(ids, "abortJob", "Aborts a running job.", output("/hub/jobs/abort"))));
    paths.put("/v1/jobs/{path}/events", new JsonObject().put("get", new JsonObject()
        .put("operationId", FixedPaths.add(ids, "watchJob"))
        .put("summary", "A job's outputs as server-sent events (id: is the output's seq), live until it ends; "
            + "Last-Event-ID or from=N starts after output N.")
        .put("parameters", new JsonArray().add(path("path", "The job's id."))
            .add(query("from", "integer", "Start after this output's seq.")))
        .put("responses", FixedPaths.errors(new JsonObject().put("200", new JsonObject()
            .put("description", "The event stream.")
            .put("content", new JsonObject().put("text/event-stream", new JsonObject()
                .put("schema", new JsonObject().put("type", "string")))))))));
  }

  private static JsonObject jobOp(Set<String> ids, String id, String summary, JsonObject output) {
    return new JsonObject().put("operationId", FixedPaths.add(ids, id)).put("summary", summary)
        .put("parameters", new JsonArray().add(path("path", "The job's id.")))
        .put("responses", FixedPaths.errors(ok("The job.", output)));
  }

  private static JsonObject batchInput() {
    JsonObject member = new JsonObject().put("type", "object")
        .put("properties", new JsonObject()
            .put("operation", new JsonObject().put("type", "string").put("description", "A full path, e.g. /dev1/fs/stat"))
            .put("input", new JsonObject().put("type", "object"))
            .put("timeoutMs", new JsonObject().put("type", "integer").put("minimum", 1)))
        .put("required", new JsonArray().add("operation"));
    return new JsonObject().put("type", "array").put("minItems", 1).put("maxItems", 100).put("items", member);
  }

  private static JsonObject batchOutput() {
    return results(new JsonObject().put("type", "object").put("description", "{\"output\":..} or {\"error\":{..}}")
        .put("properties", new JsonObject().put("output", new JsonObject())
            .put("error", new JsonObject().put("$ref", "#/components/schemas/Error"))));
  }

  private static JsonObject results(JsonObject item) {
    return new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("results", new JsonObject().put("type", "array").put("items", item)))
        .put("required", new JsonArray().add("results"));
  }

  private static JsonObject ok(String description, JsonObject schema) {
    return new JsonObject().put("200", new JsonObject().put("description", description)
        .put("content", FixedPaths.json(schema)));
  }

  private static JsonObject output(String operation) {
    return OpenApiDocument.schema(StandardSpecs.get(operation).outputSchema(), operation.substring(1));
  }

  private static JsonObject path(String name, String description) {
    return new JsonObject().put("name", name).put("in", "path").put("required", true)
        .put("description", description).put("schema", new JsonObject().put("type", "string"));
  }

  /** @return a query parameter with the schema and description of a member of a hub operation's input */
  private static JsonObject specQuery(String operation, String member) {
    JsonObject schema = StandardSpecs.get(operation).inputSchema().getJsonObject("properties").getJsonObject(member).copy();
    return new JsonObject().put("name", member).put("in", "query").put("required", false)
        .put("description", schema.remove("description")).put("schema", schema);
  }

  private static JsonObject query(String name, String type, String description) {
    return new JsonObject().put("name", name).put("in", "query").put("required", false)
        .put("description", description).put("schema", new JsonObject().put("type", type));
  }
}
