package dev.callmesh.hub.impl.gateway;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.operations.OperationSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operations a caller may call, with their specs: what {@code /services/list} lists for the caller, made
 * as the caller's own call through the hub's router (so the rights are exactly those of every other call, and
 * the listing is audited and counted like one), each with its spec named by its full path. MCP's
 * {@code tools/list} and the OpenAPI document are built from it.
 */
public final class Catalog {

  private static final AtomicLong IDS = new AtomicLong();

  private Catalog() {
  }

  /**
   * Must run on the context of the HTTP request.
   *
   * @param gateway the hub
   * @param caller who asks
   * @param idPrefix the prefix of the listing call's request id, e.g. {@code mcp}
   * @return a future of the specs, sorted by path; an operation that went away between the listing and the
   *     look-up of its spec is left out. Failed as the listing call failed (e.g. RESOURCE_EXHAUSTED when the
   *     caller is over its call rate).
   */
  public static Future<List<OperationSpec>> of(HttpGateway gateway, HttpGateway.Caller caller, String idPrefix) {
    JsonObject payload = new JsonObject().put("operationId", "/services/list").put("input", new JsonObject());
    CollectedCall[] call = new CollectedCall[1];
    gateway.call(caller, onEnd -> call[0] = new CollectedCall(idPrefix + "-list-" + IDS.incrementAndGet(), payload,
        false, 0, null, onEnd));
    return call[0].result().map(out -> {
      List<OperationSpec> specs = new ArrayList<>();
      Object listing = out.outputs().isEmpty() ? null : out.outputs().get(0);
      JsonArray ops = listing instanceof JsonObject o ? o.getJsonArray("operations", new JsonArray()) : new JsonArray();
      for (int i = 0; i < ops.size(); i++) {
        String name = ops.getJsonObject(i).getString("name");
        OperationSpec spec = name == null ? null : gateway.spec(name);
        if (spec != null) {
          specs.add(spec);
        }
      }
      return specs;
    });
  }
}
