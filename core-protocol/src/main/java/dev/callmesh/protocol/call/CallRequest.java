package dev.callmesh.protocol.call;

import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.EventTypes;
import dev.callmesh.protocol.RawJson;
import dev.callmesh.protocol.impl.EnvelopeWriter;
import dev.callmesh.protocol.impl.PayloadIndex;
import dev.callmesh.protocol.impl.ReceivedEnvelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * The payload of a {@code call.requested}, as a value: the payload's JSON text with an index of where
 * each member sits, plus the members set since ({@link #with}). A received request is the frame's bytes;
 * one made from JSON ({@link #of}) is encoded once, when it is made. Header fields ({@link #operationId},
 * {@link #timeoutMs}, ...) are read without decoding anything, and {@link #encode} writes the members set
 * followed by every other member copied byte for byte, never decoded: that is how the hub forwards calls
 * (docs/PROTOCOL.md, "Calls").
 * <p>
 * Immutable but for the decoded copy {@link #payload()} hands out, which does not feed back into it.
 */
public final class CallRequest {

  private static final String[] NONE = new String[0];
  private static final Object[] NO_VALUES = new Object[0];

  private final PayloadIndex index;
  private final String[] names;
  private final Object[] values;
  private JsonObject payload;

  private CallRequest(PayloadIndex index, String[] names, Object[] values) {
    this.index = index;
    this.names = names;
    this.values = values;
  }

  /**
   * @param payload {@code operationId}, {@code input} and any optional member (docs/PROTOCOL.md, "Calls");
   *     encoded now, so later changes to it do not reach the request
   * @return the request
   */
  public static CallRequest of(JsonObject payload) {
    return new CallRequest(PayloadIndex.encode(payload), NONE, NO_VALUES);
  }

  /**
   * @param call a {@code call.requested} as it was read from the wire (or built: then its payload is
   *     encoded now)
   * @return its request, sharing the frame's bytes
   */
  public static CallRequest received(EventEnvelope call) {
    PayloadIndex index = call instanceof ReceivedEnvelope r ? r.index() : PayloadIndex.encode(call.payload());
    return new CallRequest(index, NONE, NO_VALUES);
  }

  /**
   * @param name a payload member
   * @param value its new value: a {@link JsonObject}, string, number, boolean, {@code null} or {@link RawJson};
   *     it must not change afterwards
   * @return a request like this one with the member set; this one is unchanged
   */
  public CallRequest with(String name, Object value) {
    int i = overridden(name);
    String[] n = i >= 0 ? names : Arrays.copyOf(names, names.length + 1);
    Object[] v = i >= 0 ? values.clone() : Arrays.copyOf(values, values.length + 1);
    n[i >= 0 ? i : names.length] = name;
    v[i >= 0 ? i : values.length] = value;
    return new CallRequest(index, n, v);
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
    int i = overridden("input");
    if (i < 0) {
      return index.objectOrAbsent("input");
    }
    Object v = values[i];
    return v == null || v instanceof JsonObject || v instanceof RawJson raw && startsObjectOrNull(raw.bytes());
  }

  private static boolean startsObjectOrNull(Buffer json) {
    for (int i = 0; i < json.length(); i++) {
      byte b = json.getByte(i);
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b == '{' || b == 'n';
      }
    }
    return false;
  }

  /**
   * @return the value of a member that is a number, boolean or short string (not {@code input});
   *     {@code null} otherwise. Decodes nothing.
   */
  public Object scalar(String name) {
    int i = overridden(name);
    if (i < 0) {
      return index.scalar(name);
    }
    Object v = values[i];
    return v instanceof JsonObject || v instanceof JsonArray || v instanceof RawJson || v instanceof PayloadIndex
        ? null : v;
  }

  /**
   * @return {@code metadata} when it is an object, decoded (only that member), else {@code null}; callers
   *     must not change it
   */
  public JsonObject metadata() {
    int i = overridden(PayloadIndex.METADATA);
    Object value;
    if (i >= 0) {
      value = values[i] instanceof RawJson raw ? raw.decode() : values[i] instanceof PayloadIndex m ? m.decode() : values[i];
    } else {
      RawJson raw = index.objectOrAbsent(PayloadIndex.METADATA) ? index.raw(PayloadIndex.METADATA) : null;
      value = raw == null ? null : raw.decode();
    }
    return value instanceof JsonObject m ? m : null;
  }

  /**
   * @param key a member of {@code metadata}
   * @return its value when {@code metadata} is an object and the member a string, else {@code null}; in a
   *     received request it was read with the frame, and nothing is decoded
   */
  public String metadataString(String key) {
    PayloadIndex members = metadataIndex();
    if (members != null) {
      return members.scalar(key) instanceof String s ? s : null;
    }
    JsonObject m = metadata();
    return m != null && m.getValue(key) instanceof String s ? s : null;
  }

  /**
   * @param key a member of {@code metadata}
   * @param value its new value
   * @return a request like this one whose {@code metadata} has the member set and keeps its other members
   *     (metadata that is missing or not an object becomes an object); in a received request they are
   *     copied as their bytes. This one is unchanged.
   */
  public CallRequest withMetadataString(String key, String value) {
    PayloadIndex members = metadataIndex();
    if (members != null) {
      return with(PayloadIndex.METADATA, members.withString(key, value));
    }
    JsonObject m = metadata();
    JsonObject copy = m == null ? new JsonObject() : new JsonObject(new LinkedHashMap<>(m.getMap()));
    return with(PayloadIndex.METADATA, copy.put(key, value));
  }

  /** @return the index of the {@code metadata} object, when it was read with the frame or set as one */
  private PayloadIndex metadataIndex() {
    int i = overridden(PayloadIndex.METADATA);
    return i < 0 ? index.members(PayloadIndex.METADATA) : values[i] instanceof PayloadIndex m ? m : null;
  }

  /**
   * @return the whole payload with the members set, decoded on first use; later calls return the same
   *     object. Callers may change it: the request itself (its members, {@link #encode}) stays as it is.
   * @throws dev.callmesh.protocol.ProtocolException when a value breaks a read limit of the frame it came in
   */
  public JsonObject payload() {
    if (payload == null) {
      JsonObject p = index.decode();
      for (int i = 0; i < names.length; i++) {
        Object v = values[i];
        p.put(names[i], v instanceof RawJson raw ? raw.decode() : v instanceof PayloadIndex m ? m.decode()
            : v instanceof JsonObject o ? o.copy() : v);
      }
      payload = p;
    }
    return payload;
  }

  /**
   * @param id the request id on the connection it is sent on
   * @return the {@code call.requested} envelope's JSON text: the members set, then every other member as
   *     its bytes
   */
  public Buffer encode(String id) {
    return EnvelopeWriter.rewrite(EventTypes.CALL_REQUESTED, id, index, names, values);
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
