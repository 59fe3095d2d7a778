package dev.callmesh.protocol.frame;

import dev.callmesh.protocol.EventEnvelope;
import io.vertx.core.buffer.Buffer;

/** Writes envelopes as length-prefixed frames (the layout is drawn on {@link FrameDecoder}). */
public final class FrameEncoder {

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
    Buffer out = Buffer.buffer(FrameDecoder.HEADER_BYTES + json.length());
    out.appendInt(json.length());
    out.appendBuffer(json);
    return out;
  }
}
