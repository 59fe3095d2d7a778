package dev.callmesh.operations.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.List;

/**
 * Checks one operation's input against its JSON Schema (draft 2020-12) with vertx-json-schema, after a
 * {@link QuickSchema} check that lets the inputs that plainly fit through at the cost of a few lookups.
 */
public final class InputValidator {

  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT202012)
      .setBaseUri("https://callmesh.dev/")
      .setOutputFormat(OutputFormat.Basic);

  private final String operation;
  private final Validator validator;
  private final QuickSchema quick;

  /**
   * @param operation the operation's name, for messages
   * @param schema its input schema
   * @throws IllegalArgumentException when the schema does not compile
   */
  public InputValidator(String operation, JsonObject schema) {
    this.operation = operation;
    try {
      // vertx-json-schema annotates the object it compiles (__absolute_uri__): give it a copy, so the
      // spec served by /services/schema stays as written.
      this.validator = Validator.create(JsonSchema.of(schema.copy()), OPTIONS);
      this.quick = QuickSchema.compile(schema);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the input schema of " + operation + " does not compile: " + e.getMessage(), e);
    }
  }

  /**
   * @param input the call's input
   * @throws CallException INVALID_INPUT naming the failing path when the input does not fit
   */
  public void check(JsonObject input) {
    if (quick != null && quick.fits(input)) {
      return;
    }
    OutputUnit result;
    try {
      result = validator.validate(input);
    } catch (RuntimeException e) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "the input of " + operation + " could not be checked: " + e.getMessage());
    }
    if (Boolean.TRUE.equals(result.getValid())) {
      return;
    }
    JsonArray errors = new JsonArray();
    List<OutputUnit> units = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    OutputUnit deepest = units.get(0);
    for (OutputUnit u : units) {
      errors.add(new JsonObject().put("path", pointer(u.getInstanceLocation())).put("message", u.getError()));
      if (length(u.getKeywordLocation()) > length(deepest.getKeywordLocation())) {
        deepest = u;
      }
    }
    // The deepest keyword says most precisely what is wrong ("expected string" rather than "does not match").
    String firstPath = pointer(deepest.getInstanceLocation());
    String firstMessage = deepest.getError();
    throw CallException.of(ErrorCode.INVALID_INPUT,
        "input of " + operation + " is invalid at " + (firstPath.isEmpty() ? "the top level" : firstPath) + ": "
            + firstMessage + "; /services/schema shows what it takes",
        new JsonObject().put("path", firstPath).put("errors", errors));
  }

  /** @return the JSON Pointer of an instance location ("#/a/b" becomes "/a/b", the whole input "") */
  private static String pointer(String location) {
    if (location == null) {
      return "";
    }
    return location.startsWith("#") ? location.substring(1) : location;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
