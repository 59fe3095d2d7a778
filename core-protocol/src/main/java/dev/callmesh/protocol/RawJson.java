package dev.callmesh.protocol;

import dev.callmesh.protocol.impl.JsonCodec;
import io.vertx.core.buffer.Buffer;

/**
 * One JSON value kept as the UTF-8 bytes it arrived in, so that a relay can pass it on without
 * decoding and encoding it again. {@link dev.callmesh.protocol.call.InboundCall#reply} and
 * {@code emit} write a {@code RawJson} output byte for byte.
 */
public final class RawJson {

  private final Buffer bytes;

  private RawJson(Buffer bytes) {
    this.bytes = bytes;
  }

  /**
   * @param bytes the UTF-8 text of exactly one well-formed JSON value; not copied, so it must not change
   * @return the value
   */
  public static RawJson of(Buffer bytes) {
    return new RawJson(bytes);
  }

  /** @return the encoding of a decoded value ({@link io.vertx.core.json.JsonObject}, a string, ...) */
  public static RawJson encode(Object value) {
    return new RawJson(JsonCodec.encode(value));
  }

  /** @return the UTF-8 text of the value */
  public Buffer bytes() {
    return bytes;
  }

  /**
   * @return the value decoded: a {@link io.vertx.core.json.JsonObject}, {@link io.vertx.core.json.JsonArray},
   *     string, number, boolean or {@code null}
   * @throws ProtocolException when the bytes break a JSON read limit
   */
  public Object decode() {
    return JsonCodec.decodeValue(bytes);
  }

  @Override
  public String toString() {
    return bytes.toString();
  }
}
