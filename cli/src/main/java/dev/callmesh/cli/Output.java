package dev.callmesh.cli;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;

/** How the CLI prints: results as JSON on stdout (exit 0), errors as JSON on stderr (exit 1). */
final class Output {

  /** Exit code of a failed call. */
  static final int FAILED = 1;
  /** Exit code of a usage error. */
  static final int USAGE = 2;

  private Output() {
  }

  static int result(Object output) {
    PrintStream out = System.out;
    out.println(output == null ? "null" : Json.encodePrettily(output));
    out.flush();
    return 0;
  }

  static int error(Throwable err) {
    Throwable cause = err;
    while (!(cause instanceof CallException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    CallException ce = cause instanceof CallException c ? c
        : CallException.of(ErrorCode.INTERNAL, String.valueOf(err.getMessage()));
    System.err.println(new JsonObject().put("error", ce.toPayload()).encode());
    System.err.flush();
    return FAILED;
  }
}
