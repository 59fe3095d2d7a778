package dev.callmesh.protocol.call;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.impl.EnvelopeWriter;
import dev.callmesh.protocol.impl.PayloadIndex;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The payload of a {@code call.requested}: either built here from JSON, or received, in which case it
 * can be passed on ({@link #with}) with a few members replaced and every other member (the
 * {@code input} above all) copied byte for byte, never decoded. That is how the hub forwards calls.
 */
public final class CallRequest {

  private static final String[] NONE = new String[0];

  private final JsonObject json;
  private final EventEnvelope received;
  private final String[] names;
  private final Object[] values;

  private CallRequest(JsonObject json, EventEnvelope received, String[] names, Object[] values) {
    this.json = json;
    this.received = received;
    this.names = names;
    this.values = values;
  }

  /**
   * @param payload {@code operationId}, {@code input} and any optional field of SPEC §2.2; used as it is, not copied
   * @return the request
   */
  public static CallRequest of(JsonObject payload) {
    return new CallRequest(payload, null, NONE, new Object[0]);
  }

  /**
   * @param call a {@code call.requested} as it was read from the wire
   * @return its request
   */
  public static CallRequest received(EventEnvelope call) {
    return new CallRequest(null, call, NONE, new Object[0]);
  }

  /**
   * @param name a payload member
   * @param value its new value: a {@link JsonObject}, string, number, boolean or {@link RawJson}
   * @return a request like this one with the member set; this one is unchanged
   */
  public CallRequest with(String name, Object value) {
    if (json != null) {
      return of(json.copy().put(name, value instanceof RawJson raw ? raw.decode() : value));
    }
    int i = Arrays.asList(names).indexOf(name);
    String[] n = i >= 0 ? names : Arrays.copyOf(names, names.length + 1);
    Object[] v = i >= 0 ? values.clone() : Arrays.copyOf(values, values.length + 1);
    n[i >= 0 ? i : names.length] = name;
    v[i >= 0 ? i : values.length] = value;
    return new CallRequest(null, received, n, v);
  }

  /** @return {@code operationId}, or {@code null} when it is missing or not a string */
  public String operationId() {
    return scalar("operationId") instanceof String s ? s : null;
  }

  /** @return {@code timeoutMs}, or {@code null} when it is missing or not a number */
  public Number timeoutMs() {
    return scalar("timeoutMs") instanceof Number n ? n : null;
  }

  /** @return {@code idleTimeoutMs}, or {@code null} when it is missing or not a number */
  public Number idleTimeoutMs() {
    return scalar("idleTimeoutMs") instanceof Number n ? n : null;
  }

  /** @return {@code window}, or {@code null} when it is missing or not a number */
  public Number window() {
    return scalar("window") instanceof Number n ? n : null;
  }

  /** @return {@code parentRequestId}, or {@code null} when it is missing or not a string */
  public String parentRequestId() {
    return scalar("parentRequestId") instanceof String s ? s : null;
  }

  /** @return whether {@code input} is missing, {@code null} or an object (anything else is INVALID_INPUT) */
  public boolean inputIsObject() {
    return json != null ? !(json.getValue("input") != null && !(json.getValue("input") instanceof JsonObject))
        : overridden("input") >= 0 || received.objectOrAbsent("input");
  }

  /**
   * @return the value of a member that is a number, boolean or short string (not {@code input});
   *     {@code null} otherwise. Does not decode a received payload.
   */
  public Object scalar(String name) {
    int i = overridden(name);
    if (i >= 0) {
      return values[i] instanceof RawJson ? null : values[i];
    }
    if (json != null) {
      Object v = json.getValue(name);
      return v instanceof JsonObject || v instanceof io.vertx.core.json.JsonArray ? null : v;
    }
    return received.scalar(name);
  }

  /**
   * @return {@code metadata} when it is an object (for a received request, only that member is decoded;
   *     callers must not change it), else {@code null}
   */
  public JsonObject metadata() {
    int i = overridden("metadata");
    Object value;
    if (i >= 0) {
      value = values[i] instanceof RawJson raw ? raw.decode() : values[i];
    } else if (json != null) {
      value = json.getValue("metadata");
    } else if (received.index() == null) {
      value = received.payload().getValue("metadata");
    } else {
      RawJson raw = received.objectOrAbsent("metadata") ? received.raw("metadata") : null;
      value = raw == null ? null : raw.decode();
    }
    return value instanceof JsonObject m ? m : null;
  }

  /**
   * @return the whole payload, decoded on first use for a received request (with the replaced members
   *     set); callers may change it
   */
  public JsonObject payload() {
    if (json != null) {
      return json;
    }
    JsonObject p = received.payload();
    for (int i = 0; i < names.length; i++) {
      p.put(names[i], values[i] instanceof RawJson raw ? raw.decode() : values[i]);
    }
    return p;
  }

  /**
   * @param id the request id on the connection it is sent on
   * @return the {@code call.requested} envelope's JSON text
   */
  public Buffer encode(String id) {
    PayloadIndex index = received == null ? null : received.index();
    if (index != null) {
      return EnvelopeWriter.rewrite(EventTypes.CALL_REQUESTED, id, index, names, values);
    }
    return EnvelopeWriter.write(EventTypes.CALL_REQUESTED, id, payload());
  }

  private int overridden(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
