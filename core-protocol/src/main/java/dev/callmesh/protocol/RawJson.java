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
  private final JsonLimits limits;

  private RawJson(Buffer bytes, JsonLimits limits) {
    this.bytes = bytes;
    this.limits = limits;
  }

  /**
   * @param bytes the UTF-8 text of exactly one well-formed JSON value; not copied, so it must not change
   * @return the value, decoded (if ever) within {@link JsonLimits#DEFAULTS}
   */
  public static RawJson of(Buffer bytes) {
    return of(bytes, JsonLimits.DEFAULTS);
  }

  /**
   * @param bytes the UTF-8 text of one JSON value; not copied, so it must not change
   * @param limits the bounds it must keep within when decoded (those of the peer it came from)
   * @return the value
   */
  public static RawJson of(Buffer bytes, JsonLimits limits) {
    return new RawJson(bytes, java.util.Objects.requireNonNull(limits, "limits"));
  }

  /** @return the encoding of a decoded value ({@link io.vertx.core.json.JsonObject}, a string, ...) */
  public static RawJson encode(Object value) {
    return new RawJson(JsonCodec.encode(value), JsonLimits.DEFAULTS);
  }

  /** @return the UTF-8 text of the value */
  public Buffer bytes() {
    return bytes;
  }

  /**
   * @return the value decoded: a {@link io.vertx.core.json.JsonObject}, {@link io.vertx.core.json.JsonArray},
   *     string, number, boolean or {@code null}
   * @throws ProtocolException when the bytes are not JSON or break a read limit
   */
  public Object decode() {
    return JsonCodec.decodeValue(bytes, limits);
  }

  @Override
  public String toString() {
    return bytes.toString();
  }
}
