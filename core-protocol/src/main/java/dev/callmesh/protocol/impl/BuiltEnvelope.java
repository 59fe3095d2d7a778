package dev.callmesh.protocol.impl;

import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** An envelope made here: its payload is the {@link JsonObject} it was given, encoded when sent. */
public final class BuiltEnvelope extends AbstractEnvelope {

  private final JsonObject payload;

  /**
   * @param type the event type, never {@code null}
   * @param id the correlation key; {@code ""} (or {@code null}) for events that have none
   * @param payload the event's data, used as it is; {@code null} for none
   */
  public BuiltEnvelope(String type, String id, JsonObject payload) {
    super(type, id);
    this.payload = payload == null ? new JsonObject() : payload;
  }

  @Override
  public JsonObject payload() {
    return payload;
  }

  @Override
  public Object scalar(String name) {
    Object v = payload.getValue(name);
    return v instanceof JsonObject || v instanceof JsonArray || v instanceof RawJson ? null : v;
  }

  @Override
  public boolean objectOrAbsent(String name) {
    Object v = payload.getValue(name);
    return v == null || v instanceof JsonObject;
  }

  @Override
  public RawJson raw(String name) {
    return payload.containsKey(name) ? RawJson.encode(payload.getValue(name)) : null;
  }

  @Override
  public Buffer encode() {
    return EnvelopeWriter.write(type(), id(), payload);
  }
}
