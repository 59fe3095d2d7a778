package dev.callmesh.spoke.bash;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the environment a command runs with: the spoke's own, minus every variable whose name starts
 * with {@value #PRIVATE_PREFIX} (the spoke's configuration, which may hold its key passphrase), plus
 * the variables the caller asked for.
 */
final class BashEnvironment {

  /** Variables of the spoke with this prefix are never passed on to commands. */
  static final String PRIVATE_PREFIX = "CALLMESH_";

  private BashEnvironment() {
  }

  /**
   * @param spokeEnv the spoke's environment, e.g. {@link System#getenv()}
   * @param extra the input's {@code env} (string values), or {@code null}
   * @return a new map: {@code spokeEnv} without the private variables, overlaid with {@code extra}; a
   *     caller may set a {@value #PRIVATE_PREFIX} variable explicitly
   */
  static Map<String, String> build(Map<String, String> spokeEnv, JsonObject extra) {
    Map<String, String> env = new LinkedHashMap<>();
    spokeEnv.forEach((name, value) -> {
      if (!name.startsWith(PRIVATE_PREFIX)) {
        env.put(name, value);
      }
    });
    if (extra != null) {
      extra.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return env;
  }
}
