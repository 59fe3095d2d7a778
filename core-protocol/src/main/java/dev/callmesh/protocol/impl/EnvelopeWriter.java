package dev.callmesh.protocol.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Writes envelopes straight into bytes: the fixed parts as constants, values through Jackson's
 * generator, and {@link dev.callmesh.protocol.RawJson} values and received payload members copied as
 * they came. No intermediate objects are built.
 */
public final class EnvelopeWriter {

  private static final byte[] TYPE = "{\"type\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = ",\"id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAYLOAD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OUTPUT = "{\"output\":".getBytes(StandardCharsets.US_ASCII);

  private EnvelopeWriter() {
  }

  /**
   * @param payload a {@link io.vertx.core.json.JsonObject} (or map), or a {@link dev.callmesh.protocol.RawJson} object
   * @return {@code {"type":..,"id":..,"payload":..}}
   */
  public static Buffer write(String type, String id, Object payload) {
    ByteBuf out = start(type, id, 96);
    JsonCodec.appendValue(out, payload);
    return finish(out);
  }

  /** @return {@code {"type":..,"id":..,"payload":{"output":..}}}, the output copied when it is raw */
  public static Buffer output(String type, String id, Object output) {
    int size = output instanceof dev.callmesh.protocol.RawJson raw ? raw.bytes().length() + 64 : 96;
    ByteBuf out = start(type, id, size);
    out.writeBytes(OUTPUT);
    JsonCodec.appendValue(out, output);
    out.writeByte('}');
    return finish(out);
  }

  /**
   * The envelope of a received payload passed on: the named members set to new values, every other
   * member copied byte for byte.
   *
   * @param names the members to set (their old values are dropped)
   * @param values their values, as {@link JsonCodec#encode} takes them, or an object's {@link PayloadIndex}
   */
  public static Buffer rewrite(String type, String id, PayloadIndex payload, String[] names, Object[] values) {
    ByteBuf out = start(type, id, payload.length() + 96);
    out.writeByte('{');
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out.writeByte(',');
      }
      JsonCodec.appendString(out, names[i]);
      out.writeByte(':');
      if (values[i] instanceof PayloadIndex members) {
        members.appendTo(out);
      } else {
        JsonCodec.appendValue(out, values[i]);
      }
    }
    payload.appendMembers(out, names, names.length == 0);
    out.writeByte('}');
    return finish(out);
  }

  private static ByteBuf start(String type, String id, int payloadSize) {
    ByteBuf out = Unpooled.buffer(32 + type.length() + id.length() + payloadSize);
    out.writeBytes(TYPE);
    JsonCodec.appendString(out, type);
    out.writeBytes(ID);
    JsonCodec.appendString(out, id);
    out.writeBytes(PAYLOAD);
    return out;
  }

  private static Buffer finish(ByteBuf out) {
    out.writeByte('}');
    return BufferInternal.buffer(out);
  }
}
