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
   * @return a future of {@link #SINGLE} or {@link #SUBSCRIPTION} from {@code /services/schema}, or of
   *     {@code null} when the hub does not say (no such operation, not allowed): the call itself then
   *     reports the error
   */
  static Future<String> of(CallmeshClient client, String path) {
    return client.call("/services/schema", new JsonObject().put("name", path))
        .map(spec -> spec instanceof JsonObject o && o.getString("opType") != null
            ? (SUBSCRIPTION.equals(o.getString("opType")) ? SUBSCRIPTION : SINGLE) : null)
        .otherwise((String) null);
  }
}
