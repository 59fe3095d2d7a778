package dev.callmesh.operations;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Serves one query or mutation. The input has already been validated against the operation's
 * {@code inputSchema}. Fail the future with a {@link dev.callmesh.protocol.CallException} to answer with
 * its code; any other failure (or a thrown exception) is answered as {@code INTERNAL}.
 */
@FunctionalInterface
public interface OperationHandler {

  /**
   * @param ctx the call
   * @param input the validated input
   * @return a future of the output (any JSON value: JsonObject, JsonArray, String, Number, Boolean)
   */
  Future<?> handle(OperationContext ctx, JsonObject input);
}
