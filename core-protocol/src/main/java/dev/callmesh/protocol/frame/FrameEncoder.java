package dev.callmesh.protocol.frame;

import dev.callmesh.protocol.EventEnvelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Writes envelopes as length-prefixed frames (the layout is drawn on {@link FrameDecoder}). */
public final class FrameEncoder {

  /** Bodies smaller than this are copied behind their prefix; larger ones are not copied. */
  private static final int COPY_BELOW = 4096;

  private FrameEncoder() {
  }

  /**
   * @param envelope the event
   * @return its frame: a 4-byte big-endian length, then the JSON body
   */
  public static Buffer encode(EventEnvelope envelope) {
    return frame(envelope.encode());
  }

  /**
   * @param json the body
   * @return the body behind its length prefix
   */
  public static Buffer frame(Buffer json) {
    if (json.length() >= COPY_BELOW) {
      // A large body is not copied: the prefix and the body go out as one composite buffer.
      ByteBuf header = Unpooled.buffer(FrameDecoder.HEADER_BYTES).writeInt(json.length());
      return BufferInternal.buffer(Unpooled.wrappedBuffer(header, ((BufferInternal) json).getByteBuf()));
    }
    Buffer out = Buffer.buffer(FrameDecoder.HEADER_BYTES + json.length());
    out.appendInt(json.length());
    out.appendBuffer(json);
    return out;
  }
}
