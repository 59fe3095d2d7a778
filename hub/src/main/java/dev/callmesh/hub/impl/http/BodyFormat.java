package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.msgpack.MsgPack;
import io.vertx.core.buffer.Buffer;

/** The formats the HTTP API reads and writes bodies in: JSON, and MessagePack as its binary twin. */
public enum BodyFormat {
  /** {@code application/json}. */
  JSON("application/json"),
  /** {@code application/msgpack}: the same values; JSON strings stay strings, {@code bin} read as base64. */
  MSGPACK("application/msgpack");

  private final String contentType;

  BodyFormat(String contentType) {
    this.contentType = contentType;
  }

  /** @return the {@code Content-Type} of a body in this format */
  public String contentType() {
    return contentType;
  }

  /**
   * @param json a JSON text as the hub writes it
   * @return the same value in this format
   */
  public Buffer encode(Buffer json) {
    return this == JSON ? json : MsgPack.fromJson(json);
  }
}
