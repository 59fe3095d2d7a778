package dev.callmesh.hub.impl.cluster;

import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A spoke's entry in the cluster's directory: which hub holds it (and that hub's member), and what the
 * spoke is. Stored as JSON text, so that Hazelcast needs no classes of ours.
 *
 * @param info the spoke, with the hub that holds it
 * @param node the Hazelcast member id of that hub
 */
record SpokeEntry(SpokeInfo info, String node) {

  /** @return whether this entry is newer than the other, for the same name: the later connection wins */
  boolean newerThan(SpokeEntry other) {
    int c = info.connectedAt().compareTo(other.info.connectedAt());
    return c != 0 ? c > 0 : info.hub().compareTo(other.info.hub()) > 0;
  }

  /** @return the entry as the directory stores it */
  String encode() {
    JsonArray ops = new JsonArray();
    info.operations().forEach(s -> ops.add(s.toJson()));
    return new JsonObject()
        .put("name", info.name())
        .put("hub", info.hub())
        .put("node", node)
        .put("identity", info.identity())
        .put("connectedAt", info.connectedAt().toString())
        .put("remoteAddress", info.remoteAddress())
        .put("transport", info.transport())
        .put("operations", ops)
        .put("labels", new JsonObject(new java.util.TreeMap<String, Object>(info.labels())))
        .put("pool", info.pool())
        .encode();
  }

  /** @return the entry the directory stored as this text */
  static SpokeEntry decode(String text) {
    JsonObject j = new JsonObject(text);
    List<OperationSpec> ops = j.getJsonArray("operations").stream()
        .map(o -> OperationSpec.fromJson((JsonObject) o)).toList();
    Map<String, String> labels = new TreeMap<>();
    JsonObject l = j.getJsonObject("labels");
    if (l != null) {
      l.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return new SpokeEntry(new SpokeInfo(j.getString("name"), j.getString("identity"),
        Instant.parse(j.getString("connectedAt")), j.getString("remoteAddress"), j.getString("transport"), ops,
        j.getString("hub"), labels, j.getString("pool")), j.getString("node"));
  }
}
