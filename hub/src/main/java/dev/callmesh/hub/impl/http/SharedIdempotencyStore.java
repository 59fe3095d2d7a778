package dev.callmesh.hub.impl.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * An {@link IdempotencyStore} in Vert.x's shared data map {@value IdempotencyStore#SHARED_MAP}: on a clustered
 * Vert.x that is the cluster manager's map (a Hazelcast IMap), so every hub of the cluster sees the same keys,
 * and no Hazelcast class is named here. A key's value is a JSON text: {@code {"fp"}} while its first request runs
 * (put only if absent, so two hubs never both start it), then {@code {"fp","response"}}, each with its time to
 * live. Answers larger than {@code maxEntryBytes} are not kept; how many keys the map holds is the cluster's
 * map configuration (the hub's is in {@code ClusterVertx}: a bounded heap per member, least recently used first).
 */
final class SharedIdempotencyStore implements IdempotencyStore {

  private final Future<AsyncMap<String, String>> map;
  private final int maxEntryBytes;

  SharedIdempotencyStore(Vertx vertx, int maxEntryBytes) {
    this.map = vertx.sharedData().getAsyncMap(SHARED_MAP);
    this.maxEntryBytes = maxEntryBytes;
  }

  private static String running(String fingerprint) {
    return new JsonObject().put("fp", fingerprint).encode();
  }

  @Override
  public Future<Begin> begin(String key, String fingerprint) {
    return map.compose(m -> m.putIfAbsent(key, running(fingerprint), RUNNING_TTL_MS)).map(existing -> {
      if (existing == null) {
        return new Begin(Kind.STARTED, null);
      }
      JsonObject e = new JsonObject(existing);
      if (!fingerprint.equals(e.getString("fp"))) {
        return new Begin(Kind.MISMATCH, null);
      }
      JsonObject response = e.getJsonObject("response");
      return response == null ? new Begin(Kind.RUNNING, null) : new Begin(Kind.REPLAY, StoredResponse.fromJson(response));
    });
  }

  @Override
  public Future<Void> finish(String key, String fingerprint, StoredResponse response) {
    if (key.length() + response.size() > maxEntryBytes) {
      return release(key, fingerprint);
    }
    String done = new JsonObject().put("fp", fingerprint).put("response", response.toJson()).encode();
    return map.compose(m -> m.put(key, done, TTL_MS));
  }

  @Override
  public Future<Void> release(String key, String fingerprint) {
    return map.compose(m -> m.removeIfPresent(key, running(fingerprint))).mapEmpty();
  }
}
