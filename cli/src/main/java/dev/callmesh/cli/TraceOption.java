package dev.callmesh.cli;

import dev.callmesh.protocol.trace.TraceParent;
import dev.callmesh.protocol.util.FlagOrEnv;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

/**
 * {@code --traceparent}: the W3C traceparent a call continues, so a script that is itself traced can
 * join the trace. Without it the call engine starts a new trace for each call.
 */
final class TraceOption {

  @Option(names = "--traceparent", paramLabel = "HEADER",
      description = "W3C traceparent to continue, 00-<trace id>-<parent id>-<flags>"
          + " (env CALLMESH_TRACEPARENT; default a new trace per call)")
  String traceparent;

  /**
   * @param request a {@code call.requested} payload
   * @return the request, with {@code metadata.traceparent} set when a traceparent was given
   * @throws IllegalArgumentException when the given traceparent is not a valid one
   */
  JsonObject applyTo(JsonObject request) {
    String header = FlagOrEnv.string(traceparent, "CALLMESH_TRACEPARENT");
    if (header == null) {
      return request;
    }
    if (!TraceParent.isValid(header)) {
      throw new IllegalArgumentException("--traceparent (or CALLMESH_TRACEPARENT) '" + header
          + "' is not a W3C traceparent such as 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }
    return TraceParent.putHeader(request, header);
  }
}
