package dev.callmesh.protocol.impl;

import dev.callmesh.protocol.EventEnvelope;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** What both kinds of envelope share: the type and id, equality by decoded payload, the JSON view. */
abstract class AbstractEnvelope implements EventEnvelope {

  private final String type;
  private final String id;

  AbstractEnvelope(String type, String id) {
    if (type == null) {
      throw new IllegalArgumentException("type is required");
    }
    this.type = type;
    this.id = id == null ? "" : id;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final JsonObject toJson() {
    return new JsonObject().put("type", type).put("id", id).put("payload", payload());
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof EventEnvelope e && type.equals(e.type()) && id.equals(e.id()) && payload().equals(e.payload());
  }

  @Override
  public final int hashCode() {
    return Objects.hash(type, id, payload());
  }

  @Override
  public final String toString() {
    return "EventEnvelope[type=" + type + ", id=" + id + ", payload=" + payload() + "]";
  }
}
