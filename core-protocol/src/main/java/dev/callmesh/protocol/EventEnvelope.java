package dev.callmesh.protocol;

import dev.callmesh.protocol.impl.EnvelopeReader;
import dev.callmesh.protocol.impl.EnvelopeWriter;
import dev.callmesh.protocol.impl.PayloadIndex;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One event on the wire: {@code {"type":..,"id":..,"payload":{..}}} (SPEC §2).
 * <p>
 * An envelope read from the wire keeps its payload as bytes with an index of its members: the small
 * header fields ({@link #scalar}) are read at once, the rest is decoded only when {@link #payload()}
 * is asked for, and a relay can pass members on untouched ({@link #raw}, {@link #index}). Not
 * thread-safe: use it on the connection's context.
 */
public final class EventEnvelope {

  private final String type;
  private final String id;
  private final PayloadIndex index;
  private JsonObject payload;

  /**
   * @param type the event type, never {@code null}
   * @param id the correlation key; {@code ""} (or {@code null}) for events that have none
   * @param payload the event's data; {@code null} for none
   */
  public EventEnvelope(String type, String id, JsonObject payload) {
    this(type, id, payload == null ? new JsonObject() : payload, null);
  }

  private EventEnvelope(String type, String id, JsonObject payload, PayloadIndex index) {
    if (type == null) {
      throw new IllegalArgumentException("type is required");
    }
    this.type = type;
    this.id = id == null ? "" : id;
    this.payload = payload;
    this.index = index;
  }

  /** @return an envelope with the given fields */
  public static EventEnvelope of(String type, String id, JsonObject payload) {
    return new EventEnvelope(type, id, payload);
  }

  /** @return an envelope without a correlation id */
  public static EventEnvelope of(String type, JsonObject payload) {
    return new EventEnvelope(type, "", payload);
  }

  /** @return a {@code bye} carrying the code and message */
  public static EventEnvelope bye(ErrorCode code, String message) {
    return of(EventTypes.BYE, new JsonObject().put("code", code.wire()).put("message", message));
  }

  /**
   * Reads one envelope from its JSON text. Unknown top-level fields are ignored. The whole text is
   * checked to be JSON within the read limits; the payload is indexed, not decoded.
   *
   * @param json the UTF-8 JSON of one frame; it must not change while the envelope is in use
   * @return the envelope
   * @throws ProtocolException when the body is not a JSON object, or the type is missing or not a string
   */
  public static EventEnvelope decode(Buffer json) {
    EnvelopeReader.Result r = EnvelopeReader.read(json);
    return r.payload() == null
        ? new EventEnvelope(r.type(), r.id(), new JsonObject(), null)
        : new EventEnvelope(r.type(), r.id(), null, r.payload());
  }

  /**
   * @param obj an envelope as a JSON object
   * @return the envelope
   * @throws ProtocolException when a field has the wrong type or the type is missing
   */
  public static EventEnvelope fromJson(JsonObject obj) {
    Object type = obj.getValue("type");
    if (!(type instanceof String t) || t.isEmpty()) {
      throw new ProtocolException("envelope has no \"type\" string");
    }
    Object id = obj.getValue("id");
    if (id != null && !(id instanceof String)) {
      throw new ProtocolException("envelope \"id\" must be a string");
    }
    Object payload = obj.getValue("payload");
    if (payload != null && !(payload instanceof JsonObject)) {
      throw new ProtocolException("envelope \"payload\" must be an object");
    }
    return new EventEnvelope(t, (String) id, (JsonObject) payload);
  }

  /** @return the event type */
  public String type() {
    return type;
  }

  /** @return the correlation key; {@code ""} for events that have none */
  public String id() {
    return id;
  }

  /**
   * @return the payload, decoded on first use (later calls return the same object)
   * @throws ProtocolException when a value in it breaks a JSON read limit
   */
  public JsonObject payload() {
    if (payload == null) {
      payload = index.decode();
    }
    return payload;
  }

  /**
   * @return a payload member's value when it is a number, boolean or short string (a header field
   *     such as {@code operationId}, {@code timeoutMs} or {@code n}); {@code null} when it is missing or
   *     not a scalar. Does not decode the payload.
   */
  public Object scalar(String name) {
    if (payload == null) {
      return index.scalar(name);
    }
    Object v = payload.getValue(name);
    return v instanceof JsonObject || v instanceof JsonArray ? null : v;
  }

  /** @return whether the payload member is missing, {@code null} or an object; does not decode the payload */
  public boolean objectOrAbsent(String name) {
    if (payload == null) {
      return index.objectOrAbsent(name);
    }
    Object v = payload.getValue(name);
    return v == null || v instanceof JsonObject;
  }

  /**
   * @return the payload member's value as JSON text (for a received envelope, its bytes as they came),
   *     or {@code null} when the payload lacks it
   */
  public RawJson raw(String name) {
    if (payload == null) {
      return index.raw(name);
    }
    return payload.containsKey(name) ? RawJson.encode(payload.getValue(name)) : null;
  }

  /** @return the index of the payload's bytes when the envelope was received and its payload is undecoded */
  public PayloadIndex index() {
    return payload == null ? index : null;
  }

  /** @return the envelope as a JSON object (decodes the payload) */
  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("id", id).put("payload", payload());
  }

  /** @return the UTF-8 JSON text of the envelope, without a length prefix */
  public Buffer encode() {
    if (payload == null) {
      return EnvelopeWriter.rewrite(type, id, index, new String[0], new Object[0]);
    }
    return EnvelopeWriter.write(type, id, payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventEnvelope e && type.equals(e.type) && id.equals(e.id) && payload().equals(e.payload());
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, id, payload());
  }

  @Override
  public String toString() {
    return "EventEnvelope[type=" + type + ", id=" + id + ", payload=" + payload() + "]";
  }
}
