package dev.callmesh.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One event on the wire: {@code {"type":..,"id":..,"payload":{..}}} (SPEC §2).
 *
 * @param type the event type, never {@code null}
 * @param id the correlation key; {@code ""} for events that have none
 * @param payload the event's data, never {@code null}
 */
public record EventEnvelope(String type, String id, JsonObject payload) {

  public EventEnvelope {
    if (type == null) {
      throw new IllegalArgumentException("type is required");
    }
    id = id == null ? "" : id;
    payload = payload == null ? new JsonObject() : payload;
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
   * Parses one envelope from its JSON text. Unknown top-level fields are ignored.
   *
   * @param json the UTF-8 JSON of one frame
   * @return the envelope
   * @throws ProtocolException when the body is not a JSON object, or the type is missing or not a string
   */
  public static EventEnvelope decode(Buffer json) {
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.CODEC.fromBuffer(json, Object.class);
    } catch (RuntimeException e) {
      throw new ProtocolException("frame is not valid JSON: " + firstLine(e.getMessage()));
    }
    JsonObject obj;
    if (parsed instanceof JsonObject o) {
      obj = o;
    } else if (parsed instanceof java.util.Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> m = (java.util.Map<String, Object>) map;
      obj = new JsonObject(m);
    } else {
      throw new ProtocolException("frame is not a JSON object");
    }
    return fromJson(obj);
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

  /** @return the envelope as a JSON object */
  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("id", id).put("payload", payload);
  }

  /** @return the UTF-8 JSON text of the envelope, without a length prefix */
  public Buffer encode() {
    return toJson().toBuffer();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
