package dev.callmesh.hub.impl.mcp;

import dev.callmesh.hub.impl.gateway.CollectedCall;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * How operations look as MCP tools, and their outcomes as tool results:
 * <ul>
 *   <li>a tool per operation: its name from {@link ToolNames}, the spec's description, its input schema, and
 *       its output schema where that is an object schema (as MCP requires); a subscription's tool returns
 *       {@code {"outputs":[...]}}, and says so in its schema and description; a query is marked read-only;</li>
 *   <li>a result: {@code structuredContent} is the output (when it is a JSON object), plus one text content
 *       with it as JSON;</li>
 *   <li>an error: {@code isError: true}, one text content {@code CODE: message}, and the error's code,
 *       retryability and details in {@code _meta["dev.callmesh/error"]}.</li>
 * </ul>
 */
final class McpTools {

  /** The {@code _meta} key of a failed tool call's error object. */
  static final String ERROR_META = "dev.callmesh/error";
  /** The {@code _meta} key of a tool call's deadline in milliseconds. */
  static final String TIMEOUT_META = "dev.callmesh/timeoutMs";

  private McpTools() {
  }

  /** @return the tool of the operation, named by its full path */
  static McpSchema.Tool tool(OperationSpec spec, long maxStreamBytes) {
    JsonObject input = spec.inputSchema().copy();
    if (!input.containsKey("type")) {
      input.put("type", "object"); // MCP wants an object schema; an input is always an object
    }
    boolean stream = spec.opType() == OperationType.SUBSCRIPTION;
    JsonObject output = stream ? collected(spec.outputSchema())
        : "object".equals(spec.outputSchema().getValue("type")) ? spec.outputSchema().copy() : null;
    String description = spec.description();
    if (stream) {
      description = (description.isEmpty() ? "" : description + " ") + "Its outputs are collected (at most "
          + maxStreamBytes / 1024 + " KiB) and returned together as {\"outputs\":[...]}.";
    }
    McpSchema.ToolAnnotations hints = new McpSchema.ToolAnnotations(null, spec.opType() == OperationType.QUERY,
        null, null, null, null);
    return McpSchema.Tool.builder()
        .name(ToolNames.toolName(spec.name()))
        .description(description)
        .inputSchema(plain(input))
        .outputSchema(output == null ? null : plain(output))
        .annotations(hints)
        .build();
  }

  /** @return the schema of a subscription's collected outputs: {@code {"outputs":[<output>...]}} */
  static JsonObject collected(JsonObject outputSchema) {
    JsonObject items = outputSchema.copy();
    Object dialect = items.remove("$schema");
    JsonObject schema = new JsonObject();
    if (dialect != null) {
      schema.put("$schema", dialect);
    }
    return schema.put("type", "object")
        .put("properties", new JsonObject().put("outputs", new JsonObject().put("type", "array").put("items", items)))
        .put("required", new JsonArray().add("outputs"));
  }

  /**
   * @param stream whether the operation is a subscription
   * @param outputs what the call produced
   * @return the tool result
   */
  static McpSchema.CallToolResult result(boolean stream, CollectedCall.Outputs outputs) {
    Object value = stream ? new JsonObject().put("outputs", new JsonArray(outputs.outputs()))
        : outputs.outputs().isEmpty() ? null : outputs.outputs().get(0);
    Object structured = value instanceof JsonObject o ? o : null;
    return new McpSchema.CallToolResult(List.of(new McpSchema.TextContent(Json.encode(value))), false, structured,
        null);
  }

  /** @return the tool result of a call that failed */
  static McpSchema.CallToolResult error(CallException e) {
    JsonObject error = e.toPayload();
    error.remove("message");
    return new McpSchema.CallToolResult(List.of(new McpSchema.TextContent(e.code() + ": " + e.getMessage())), true,
        null, Map.of(ERROR_META, error));
  }

  /** @return the object as a map of plain values, for the SDK's {@code Map<String, Object>} fields */
  @SuppressWarnings("unchecked")
  static Map<String, Object> plain(JsonObject json) {
    return (Map<String, Object>) Json.decodeValue(json.encode(), Map.class);
  }
}
