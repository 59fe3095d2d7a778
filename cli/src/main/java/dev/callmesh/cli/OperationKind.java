package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Whether an operation answers once (query, mutation) or many times (subscription), as the hub's schema says. */
final class OperationKind {

  /** A query or mutation: one output. */
  static final String SINGLE = "single";
  /** A subscription: outputs, then completed. */
  static final String SUBSCRIPTION = "subscription";

  private OperationKind() {
  }

  /**
   * @param request the call's {@code call.requested} payload: its {@code operationId}, and its
   *     {@code metadata} (a given traceparent), which the lookup carries too
   * @return a future of {@link #SINGLE} or {@link #SUBSCRIPTION} from {@code /services/schema}, or of
   *     {@code null} when the hub does not say (no such operation, not allowed): the call itself then
   *     reports the error
   */
  static Future<String> of(CallmeshClient client, JsonObject request) {
    String path = request.getString("operationId");
    JsonObject lookup = new JsonObject().put("operationId", "/services/schema")
        .put("input", new JsonObject().put("name", path));
    if (request.getValue("metadata") instanceof JsonObject metadata) {
      lookup.put("metadata", metadata.copy()); // the same trace as the call itself
    }
    return client.call(lookup)
        .map(spec -> spec instanceof JsonObject o && o.getString("opType") != null
            ? (SUBSCRIPTION.equals(o.getString("opType")) ? SUBSCRIPTION : SINGLE) : null)
        .otherwise((String) null);
  }
}
