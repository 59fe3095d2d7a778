package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.labels.Labels;
import dev.callmesh.protocol.labels.SpokeGlob;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input of {@code /hub/fanout}, checked: which spokes ({@code target.spokes}, a {@link SpokeGlob};
 * {@code target.labels}, per {@link Labels#check}), which operation (a spoke-relative path), its input, each
 * spoke's deadline and how many calls may be open at once. {@link #parse} names the first bad member in its
 * INVALID_INPUT message, so the HTTP API answers 400 with the same words as the operation.
 *
 * @param spokes the names to match
 * @param labels the labels a spoke must all have, sorted by key (unmodifiable)
 * @param operation the spoke-relative operation path, e.g. {@code /bash/run}
 * @param input what each spoke is sent
 * @param timeoutMs each spoke's deadline, or {@code null} for the hub's default call timeout
 * @param concurrency the most calls open at once
 */
record FanoutRequest(SpokeGlob spokes, Map<String, String> labels, String operation, JsonObject input, Long timeoutMs,
                     int concurrency) {

  /** The calls open at once when the input does not say. */
  static final int DEFAULT_CONCURRENCY = 32;
  /** The most calls one fan-out may keep open. */
  static final int MAX_CONCURRENCY = 256;
  /** The longest deadline a spoke's call may have: a day. */
  static final long MAX_TIMEOUT_MS = 86_400_000L;
  /** The longest operation path: the router's limit on a full path, less room for the spoke name. */
  static final int MAX_OPERATION_LENGTH = 1024 - 64;

  /**
   * @param in the input of {@code /hub/fanout}
   * @return the request
   * @throws CallException INVALID_INPUT naming what is wrong: the target, a glob character, a label key or
   *     value, the operation path, the input, the timeout or the concurrency
   */
  static FanoutRequest parse(JsonObject in) {
    Object t = in.getValue("target");
    if (t != null && !(t instanceof JsonObject)) {
      throw invalid("\"target\" must be an object such as {\"spokes\":\"dev*\",\"labels\":{\"role\":\"ci\"}}");
    }
    JsonObject target = t == null ? new JsonObject() : (JsonObject) t;
    SpokeGlob glob = glob(target.getValue("spokes"));
    Map<String, String> labels = labels(target.getValue("labels"));
    String operation = operation(in.getValue("operation"));
    Object input = in.getValue("input");
    if (input != null && !(input instanceof JsonObject)) {
      throw invalid("\"input\" must be an object: the input every spoke is sent");
    }
    Long timeout = in.getValue("timeoutMs") == null ? null
        : whole(in.getValue("timeoutMs"), "timeoutMs", 1, MAX_TIMEOUT_MS, "a spoke's deadline in milliseconds");
    int concurrency = in.getValue("concurrency") == null ? DEFAULT_CONCURRENCY
        : (int) whole(in.getValue("concurrency"), "concurrency", 1, MAX_CONCURRENCY, "the calls open at once");
    return new FanoutRequest(glob, labels, operation, input == null ? new JsonObject() : (JsonObject) input, timeout,
        concurrency);
  }

  /** @return the request as the input of {@code /hub/fanout}, which {@link #parse} reads back as it is */
  JsonObject toJson() {
    JsonObject target = new JsonObject().put("spokes", spokes.toString());
    if (!labels.isEmpty()) {
      target.put("labels", new JsonObject(new TreeMap<String, Object>(labels)));
    }
    JsonObject json = new JsonObject().put("target", target).put("operation", operation).put("input", input)
        .put("concurrency", concurrency);
    if (timeoutMs != null) {
      json.put("timeoutMs", timeoutMs);
    }
    return json;
  }

  private static SpokeGlob glob(Object value) {
    if (value == null) {
      return SpokeGlob.ALL;
    }
    if (!(value instanceof String s)) {
      throw invalid("\"target.spokes\" must be a string: a glob over spoke names such as \"dev*\"");
    }
    try {
      return SpokeGlob.parse(s);
    } catch (IllegalArgumentException e) {
      throw invalid("target.spokes: " + e.getMessage());
    }
  }

  private static Map<String, String> labels(Object value) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject json)) {
      throw invalid("\"target.labels\" must be an object of KEY: VALUE strings such as {\"role\":\"ci\"}");
    }
    if (json.size() > Labels.MAX) {
      throw invalid("target.labels: at most " + Labels.MAX + " labels");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, Object> e : json) {
      try {
        Labels.check(e.getKey(), e.getValue() instanceof String v ? v : null);
      } catch (IllegalArgumentException ex) {
        throw invalid("target.labels: " + ex.getMessage());
      }
      out.put(e.getKey(), (String) e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static String operation(Object value) {
    if (!(value instanceof String op)) {
      throw invalid("\"operation\" is required: the spoke-relative path of a query or mutation, such as /bash/run");
    }
    if (op.length() > MAX_OPERATION_LENGTH || !HubRouter.isOperationPath(op)) {
      String shown = op.length() > 64 ? op.substring(0, 64) + "..." : op;
      throw invalid("operation '" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not a spoke-relative operation path;"
          + " paths look like /bash/run or /fs/stat (the spoke name is not part of it)");
    }
    return op;
  }

  private static long whole(Object value, String name, long min, long max, String what) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.longValue();
    }
    String shown = String.valueOf(value);
    shown = shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
    throw invalid("\"" + name + "\" must be a whole number from " + min + " to " + max + " (" + what + "), not "
        + shown.replaceAll("\\p{Cntrl}", "?"));
  }

  private static CallException invalid(String message) {
    return CallException.of(ErrorCode.INVALID_INPUT, message);
  }
}
