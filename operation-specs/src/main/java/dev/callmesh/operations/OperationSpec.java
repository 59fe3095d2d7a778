package dev.callmesh.operations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The description of one operation (docs/PROTOCOL.md): its path, namespace, type, schemas and domain errors.
 *
 * @param name the operation path, e.g. {@code /fs/readFile}
 * @param namespace the group it belongs to, e.g. {@code fs}
 * @param opType how it answers
 * @param description one or two sentences for a person
 * @param inputSchema the JSON Schema of the input
 * @param outputSchema the JSON Schema of each output
 * @param errors {@code [{"code","description"}]} of its domain errors; may be empty
 */
public record OperationSpec(String name, String namespace, OperationType opType, String description,
                            JsonObject inputSchema, JsonObject outputSchema, JsonArray errors) {

  public OperationSpec {
    if (name == null || !name.startsWith("/") || name.length() < 2) {
      throw new IllegalArgumentException("operation name must be a path starting with /: " + name);
    }
    if (opType == null) {
      throw new IllegalArgumentException("opType is required for " + name);
    }
    namespace = namespace == null ? "" : namespace;
    description = description == null ? "" : description;
    inputSchema = inputSchema == null ? new JsonObject().put("type", "object") : inputSchema;
    outputSchema = outputSchema == null ? new JsonObject() : outputSchema;
    errors = errors == null ? new JsonArray() : errors;
  }

  /**
   * @param json an OperationSpec as JSON
   * @return the spec
   * @throws IllegalArgumentException when a field is missing or has the wrong type
   */
  public static OperationSpec fromJson(JsonObject json) {
    try {
      return new OperationSpec(json.getString("name"), json.getString("namespace"),
          OperationType.fromWire(json.getString("opType")), json.getString("description"),
          json.getJsonObject("inputSchema"), json.getJsonObject("outputSchema"), json.getJsonArray("errors"));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("malformed OperationSpec: " + e.getMessage());
    }
  }

  /** @return the spec as JSON */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put("namespace", namespace)
        .put("opType", opType.wire())
        .put("description", description)
        .put("inputSchema", inputSchema)
        .put("outputSchema", outputSchema);
    if (!errors.isEmpty()) {
      json.put("errors", errors);
    }
    return json;
  }

  /** @return the same spec under another path (the hub prefixes a spoke's name) */
  public OperationSpec withName(String newName) {
    return new OperationSpec(newName, namespace, opType, description, inputSchema, outputSchema, errors);
  }
}
