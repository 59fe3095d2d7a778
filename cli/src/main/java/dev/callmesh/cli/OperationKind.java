package dev.callmesh.cli;

import dev.callmesh.client.CallOptions;
import dev.callmesh.client.CallmeshClient;
import dev.callmesh.operations.OperationType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** How an operation answers (query, mutation, subscription), as the hub's schema says. */
final class OperationKind {

  private OperationKind() {
  }

  /**
   * @param request the call's {@code call.requested} payload: its {@code operationId}, and its
   *     {@code metadata} (a given traceparent), which the lookup carries too
   * @return a future of the operation's type from {@code /services/schema}, or of {@code null} when the hub
   *     does not say (no such operation, not allowed): the call itself then reports the error
   */
  static Future<OperationType> of(CallmeshClient client, JsonObject request) {
    String path = request.getString("operationId");
    JsonObject lookup = new JsonObject().put("operationId", "/services/schema")
        .put("input", new JsonObject().put("name", path));
    if (request.getValue("metadata") instanceof JsonObject metadata) {
      lookup.put("metadata", metadata.copy()); // the same trace as the call itself
    }
    return client.call(lookup, new CallOptions().setMaxRetries(0))
        .map(spec -> spec instanceof JsonObject o ? parse(o.getString("opType")) : null)
        .otherwise((OperationType) null);
  }

  /** @return the options of the call itself: its type when known, so that the client need not ask again */
  static CallOptions options(OperationType type) {
    return new CallOptions().setOperationType(type);
  }

  private static OperationType parse(String opType) {
    try {
      return opType == null ? null : OperationType.fromWire(opType);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
