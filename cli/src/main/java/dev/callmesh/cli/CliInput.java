package dev.callmesh.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * Reads the JSON argument of a command; a bad one is a usage error (exit 2) told in one line: where the JSON
 * is wrong (line and column) and what was expected there.
 */
final class CliInput {

  private static final JsonFactory JSON = new JsonFactory();

  private CliInput() {
  }

  /**
   * @return the object, {} when {@code json} is null or blank
   * @throws IllegalArgumentException (a usage error) saying where the JSON is wrong, or that it is not an object
   */
  static JsonObject object(String json) {
    if (json == null || json.isBlank()) {
      return new JsonObject();
    }
    try (JsonParser parser = JSON.createParser(json)) {
      while (parser.nextToken() != null) {
        // reads to the end: any syntax error throws, with its location
      }
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new IllegalArgumentException("the JSON input is not valid at line " + at.getLineNr() + ", column "
          + at.getColumnNr() + ": " + what(e.getOriginalMessage()) + " (an object, e.g. '{\"path\":\"README.md\"}')");
    } catch (IOException e) {
      throw new IllegalArgumentException("the JSON input cannot be read: " + e.getMessage());
    }
    Object value = io.vertx.core.json.Json.decodeValue(json);
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException("the JSON input must be an object, e.g. '{\"path\":\"README.md\"}', not "
          + json.strip());
    }
    return o;
  }

  /** @return the parser's message without its codes and source excerpts */
  private static String what(String message) {
    String m = message == null ? "unexpected input" : message;
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.replaceAll(" \\(code \\d+\\)", "")
        .replaceAll("\\s*\\(start marker at \\[Source.*", "")
        .replaceAll(" at \\[Source.*", "")
        .strip();
  }
}
