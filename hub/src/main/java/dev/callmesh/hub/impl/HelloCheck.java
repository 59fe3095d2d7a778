package dev.callmesh.hub.impl;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.AuthException;
import dev.callmesh.protocol.auth.AuthorizedKey;
import dev.callmesh.protocol.labels.Labels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Checks the parts of {@code auth.hello} and {@code /hub/services/register} that are not cryptography. */
final class HelloCheck {

  /** Spoke names: 1 to 63 of a-z, 0-9 and -, starting and ending with a letter or digit; not hub or services. */
  static final Pattern SPOKE_NAME = dev.callmesh.protocol.labels.SpokeNames.NAME;
  /** The most operations one spoke may register. */
  static final int MAX_OPERATIONS = 1000;

  private HelloCheck() {
  }

  /** @return the spoke name of the hello, or {@code null} when it registers none */
  static String spokeName(JsonObject hello) throws AuthException {
    Object v = hello.getValue("spoke");
    if (v == null) {
      return null;
    }
    if (!(v instanceof String name) || !SPOKE_NAME.matcher(name).matches()) {
      throw new AuthException(ErrorCode.PROTOCOL, "spoke name must be 1-63 of a-z, 0-9 and '-', "
          + "starting and ending with a letter or digit");
    }
    if (name.equals("hub") || name.equals("services")) {
      throw new AuthException(ErrorCode.FORBIDDEN, "'" + name + "' is reserved for the hub; pick another spoke name");
    }
    return name;
  }

  /**
   * @param hello the hello of a spoke
   * @param key its key, whose {@code labels=} win over what the hello claims
   * @return the spoke's labels
   */
  static Map<String, String> labels(JsonObject hello, AuthorizedKey key) throws AuthException {
    Object v = hello.getValue("labels");
    Map<String, String> claimed = new TreeMap<>();
    if (v != null) {
      if (!(v instanceof JsonObject json)) {
        throw new AuthException(ErrorCode.PROTOCOL, "\"labels\" must be an object of KEY: VALUE strings");
      }
      if (json.size() > Labels.MAX) {
        throw new AuthException(ErrorCode.RESOURCE_EXHAUSTED, "at most " + Labels.MAX + " labels per spoke");
      }
      for (Map.Entry<String, Object> e : json) {
        try {
          Labels.check(e.getKey(), e.getValue() instanceof String value ? value : null);
        } catch (IllegalArgumentException ex) {
          throw new AuthException(ErrorCode.PROTOCOL, ex.getMessage());
        }
        claimed.put(e.getKey(), (String) e.getValue());
      }
    }
    return Labels.merge(claimed, key.labels());
  }

  /**
   * @param hello the hello of a spoke
   * @param spoke its name
   * @param key its key, which must be granted the pool name in {@code spoke=}
   * @return the pool the spoke also serves as, or {@code null}
   */
  static String pool(JsonObject hello, String spoke, AuthorizedKey key) throws AuthException {
    Object v = hello.getValue("pool");
    if (v == null) {
      return null;
    }
    if (spoke == null) {
      throw new AuthException(ErrorCode.PROTOCOL, "\"pool\" needs a spoke name: only spokes join pools");
    }
    if (!(v instanceof String pool) || !SPOKE_NAME.matcher(pool).matches()) {
      throw new AuthException(ErrorCode.PROTOCOL, "pool name must be 1-63 of a-z, 0-9 and '-', "
          + "starting and ending with a letter or digit");
    }
    if (pool.equals("hub") || pool.equals("services") || pool.equals(spoke)) {
      throw new AuthException(ErrorCode.FORBIDDEN, "'" + pool + "' cannot be a pool name here: it is reserved for the hub "
          + "or is the spoke's own name; pick another");
    }
    if (!key.maySpoke(pool)) {
      throw new AuthException(ErrorCode.FORBIDDEN, "identity " + key.id() + " may not join pool '" + pool
          + "'; grant it with spoke=\"" + pool + "\" on its authorized_keys line");
    }
    return pool;
  }

  /**
   * @param value the {@code operations} array, or {@code null}
   * @return the specs, with spoke-relative names
   */
  static List<OperationSpec> operations(Object value) throws AuthException {
    List<OperationSpec> specs = new ArrayList<>();
    if (value == null) {
      return specs;
    }
    if (!(value instanceof JsonArray array)) {
      throw new AuthException(ErrorCode.PROTOCOL, "\"operations\" must be an array of OperationSpecs");
    }
    if (array.size() > MAX_OPERATIONS) {
      throw new AuthException(ErrorCode.RESOURCE_EXHAUSTED, "at most " + MAX_OPERATIONS + " operations per spoke");
    }
    for (Object o : array) {
      if (!(o instanceof JsonObject json)) {
        throw new AuthException(ErrorCode.PROTOCOL, "each operation must be an OperationSpec object");
      }
      try {
        specs.add(OperationSpec.fromJson(json));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new AuthException(ErrorCode.PROTOCOL, "bad OperationSpec " + json.getValue("name") + ": " + e.getMessage());
      }
    }
    return specs;
  }
}
