package dev.callmesh.protocol.frame;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Splits a byte stream into frames: a socket-free state machine, bytes in, frame bodies out.
 *
 * <pre>
 * +----------------+---------------------------------+
 * | length N       | body: N bytes of UTF-8 JSON     |
 * | uint32, BE     | (one EventEnvelope)             |
 * +----------------+---------------------------------+
 *   1 &lt;= N &lt;= maxFrameBytes
 * </pre>
 *
 * The length is read unsigned, so {@code 0xffffffff} is 4 GiB, not -1. A length of zero is
 * {@link FrameException.Kind#EMPTY corrupt}; a length over the maximum is
 * {@link FrameException.Kind#TOO_LONG too long} and is reported as soon as the four length bytes
 * arrive, before any body byte is buffered. The decoder never holds more than one frame's body, and
 * grows that buffer only as bytes arrive. After an error the decoder is spent: the stream has lost its
 * framing and the connection must close.
 */
public final class FrameDecoder {

  /** The size of the length prefix. */
  public static final int HEADER_BYTES = 4;

  private static final int INITIAL_BODY_CAPACITY = 64 * 1024;

  private final int maxFrameBytes;
  private int headerFill;
  private long length;
  private Buffer body;
  private FrameException failure;

  /**
   * @param maxFrameBytes the largest body accepted, at least 1
   */
  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Feeds the next bytes of the stream.
   *
   * @param chunk the bytes, in stream order
   * @param frames receives each complete frame body, in order
   * @throws FrameException when the stream cannot be framed (also on every later call)
   */
  public void feed(Buffer chunk, Handler<Buffer> frames) {
    if (failure != null) {
      throw failure;
    }
    int pos = 0;
    int end = chunk.length();
    while (pos < end) {
      if (body == null) {
        // Reading the length prefix, possibly across chunks.
        while (headerFill < HEADER_BYTES && pos < end) {
          length = (length << 8) | (chunk.getByte(pos++) & 0xff);
          headerFill++;
        }
        if (headerFill < HEADER_BYTES) {
          return;
        }
        checkLength();
        int whole = (int) length;
        if (end - pos >= whole) {
          // Fast path: the whole body is in this chunk.
          Buffer frame = chunk.getBuffer(pos, pos + whole);
          pos += whole;
          reset();
          frames.handle(frame);
          continue;
        }
        body = Buffer.buffer(Math.min(whole, INITIAL_BODY_CAPACITY));
      }
      int want = (int) length - body.length();
      int take = Math.min(want, end - pos);
      body.appendBuffer(chunk, pos, take);
      pos += take;
      if (body.length() == length) {
        Buffer frame = body;
        reset();
        frames.handle(frame);
      }
    }
  }

  /** @return the bytes of the frame being read so far (header and body), for tests and metrics */
  public int buffered() {
    return body == null ? headerFill : HEADER_BYTES + body.length();
  }

  private void checkLength() {
    if (length == 0) {
      failure = new FrameException(FrameException.Kind.EMPTY, 0, "frame of length 0: a frame carries 1 or more bytes");
      throw failure;
    }
    if (length > maxFrameBytes) {
      failure = new FrameException(FrameException.Kind.TOO_LONG, length,
          "frame of " + length + " bytes is over the limit of " + maxFrameBytes + " bytes");
      throw failure;
    }
  }

  private void reset() {
    headerFill = 0;
    length = 0;
    body = null;
  }
}
