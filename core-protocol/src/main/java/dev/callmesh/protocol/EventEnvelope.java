package dev.callmesh.protocol;

import dev.callmesh.protocol.impl.BuiltEnvelope;
import dev.callmesh.protocol.impl.ReceivedEnvelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One event on the wire: {@code {"type":..,"id":..,"payload":{..}}} (docs/PROTOCOL.md, "Envelopes").
 * <p>
 * An envelope is either built here from a {@link JsonObject} ({@link #of}), or read from a frame
 * ({@link #decode}). A read one keeps its payload as the bytes it came in: the small header members
 * ({@link #scalar}) are read with the frame, a member can be passed on as it came ({@link #raw}), and
 * the rest is decoded only when {@link #payload()} is asked for. Its members, {@link #encode()} and
 * equality come from those bytes, which must not change while it is in use. Two envelopes are equal
 * when their type, id and decoded payload are. Not thread-safe: use it on the connection's context.
 */
public interface EventEnvelope {

  /** @return an envelope with the given fields; the payload ({@code null} for none) is used as it is, not copied */
  static EventEnvelope of(String type, String id, JsonObject payload) {
    return new BuiltEnvelope(type, id, payload);
  }

  /** @return an envelope without a correlation id */
  static EventEnvelope of(String type, JsonObject payload) {
    return of(type, "", payload);
  }

  /** @return a {@code bye} carrying the code and message */
  static EventEnvelope bye(ErrorCode code, String message) {
    return of(EventTypes.BYE, new JsonObject().put("code", code.wire()).put("message", message));
  }

  /**
   * Reads one envelope from its JSON text. Unknown top-level fields are ignored. The whole text is
   * checked to be JSON within the limits; the payload is indexed, not decoded.
   *
   * @param json the UTF-8 JSON of one frame; it must not change while the envelope is in use
   * @param limits the bounds the frame must keep within, and its payload when decoded later
   * @return the envelope
   * @throws ProtocolException when the body is not a JSON object, breaks a limit, or the type is missing
   *     or not a string
   */
  static EventEnvelope decode(Buffer json, JsonLimits limits) {
    return ReceivedEnvelope.read(json, limits);
  }

  /** @return {@link #decode(Buffer, JsonLimits)} with {@link JsonLimits#DEFAULTS} */
  static EventEnvelope decode(Buffer json) {
    return decode(json, JsonLimits.DEFAULTS);
  }

  /**
   * @param obj an envelope as a JSON object
   * @return the envelope
   * @throws ProtocolException when a field has the wrong type or the type is missing
   */
  static EventEnvelope fromJson(JsonObject obj) {
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
    return of(t, (String) id, (JsonObject) payload);
  }

  /** @return the event type */
  String type();

  /** @return the correlation key; {@code ""} for events that have none */
  String id();

  /**
   * @return the payload. For a received envelope it is decoded on first use and later calls return the
   *     same object, which callers must not change (the envelope's bytes would no longer match it).
   * @throws ProtocolException when a value in it breaks a JSON read limit
   */
  JsonObject payload();

  /**
   * @return a payload member's value when it is a number, boolean or short string (a header field
   *     such as {@code operationId}, {@code timeoutMs} or {@code n}); {@code null} when it is missing or
   *     not a scalar. Does not decode the payload.
   */
  Object scalar(String name);

  /** @return whether the payload member is missing, {@code null} or an object; does not decode the payload */
  boolean objectOrAbsent(String name);

  /**
   * @return the payload member's value as JSON text (for a received envelope, its bytes as they came),
   *     or {@code null} when the payload lacks it
   */
  RawJson raw(String name);

  /** @return the envelope as a JSON object (decodes the payload) */
  JsonObject toJson();

  /** @return the UTF-8 JSON text of the envelope, without a length prefix */
  Buffer encode();
}
