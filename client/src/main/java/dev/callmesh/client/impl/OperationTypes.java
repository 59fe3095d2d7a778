package dev.callmesh.client.impl;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import dev.callmesh.operations.StandardSpecs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * What the client knows of each operation's type (query, mutation, subscription), which decides whether a
 * failed call may be tried again. A path's type comes from, in order: the hub's own operations
 * ({@code /services/*}, {@code /hub/*}: their standard specs); what the hub said before (a cache of at most
 * {@value #MAX_CACHED} paths); the hub's {@code /services/schema}, asked once per path at a time; and when
 * the hub cannot say (the spoke is away, say), the standard spec of the spoke-relative name
 * ({@code /dev1/fs/stat} is a {@code /fs/stat}, a query). Otherwise it is unknown.
 * <p>
 * The pending look-ups are confined to the client's context; the cache may be read from any thread.
 */
final class OperationTypes {

  /** How many paths are cached before the cache starts again. */
  static final int MAX_CACHED = 10_000;

  private static final Map<String, OperationType> STANDARD = standard();

  private final Map<String, OperationType> cache = new ConcurrentHashMap<>();
  private final Map<String, Future<OperationType>> pending = new HashMap<>();
  private final BiFunction<JsonObject, Long, Future<Object>> lookup;

  /**
   * @param lookup makes a call (a {@code call.requested} payload) with a deadline in milliseconds, without
   *     retries; it is how {@code /services/schema} is asked
   */
  OperationTypes(BiFunction<JsonObject, Long, Future<Object>> lookup) {
    this.lookup = lookup;
  }

  private static Map<String, OperationType> standard() {
    Map<String, OperationType> m = new HashMap<>();
    for (OperationSpec spec : StandardSpecs.all()) {
      m.put(spec.name(), spec.opType());
    }
    return Map.copyOf(m);
  }

  /**
   * @param path a full operation path
   * @return its type when known without asking the hub, else {@code null}
   */
  OperationType known(String path) {
    if (path == null) {
      return null;
    }
    if (path.startsWith("/services/") || path.startsWith("/hub/")) {
      return STANDARD.get(path);
    }
    return cache.get(path);
  }

  /**
   * @param path a full operation path
   * @param timeoutMs how long asking the hub may take
   * @return a future of its type, or of {@code null} when it cannot be learnt; never failed. Call on the
   *     client's context.
   */
  Future<OperationType> resolve(String path, long timeoutMs) {
    OperationType type = known(path);
    if (type != null || path == null) {
      return Future.succeededFuture(type);
    }
    Future<OperationType> asked = pending.get(path);
    if (asked == null) {
      JsonObject request = new JsonObject().put("operationId", "/services/schema")
          .put("input", new JsonObject().put("name", path));
      Future<OperationType> f = lookup.apply(request, Math.max(1, timeoutMs))
          .map(spec -> spec instanceof JsonObject o ? parse(o.getString("opType")) : null)
          .otherwise((OperationType) null)
          .map(t -> {
            if (t != null) {
              remember(path, t);
              return t;
            }
            return standardRelative(path);
          });
      pending.put(path, f);
      f.onComplete(ar -> pending.remove(path, f));
      asked = f;
    }
    return asked;
  }

  /** Records a type the caller declared or the hub said. */
  void remember(String path, OperationType type) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(path, type);
  }

  private static OperationType parse(String wire) {
    try {
      return wire == null ? null : OperationType.fromWire(wire);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** @return the type of the standard operation the spoke-relative part of the path names, or {@code null} */
  static OperationType standardRelative(String path) {
    int slash = path.indexOf('/', 1);
    return path.startsWith("/") && slash > 0 ? STANDARD.get(path.substring(slash)) : null;
  }
}
