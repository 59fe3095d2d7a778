package dev.callmesh.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;

/** Reads the JSON argument of a command; a bad one is a usage error (exit 2). */
final class CliInput {

  private CliInput() {
  }

  static JsonObject object(CommandLine.Model.CommandSpec spec, String json) {
    if (json == null || json.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "JSON input must be an object such as '{\"path\":\"README.md\"}': " + e.getMessage());
    }
  }
}
