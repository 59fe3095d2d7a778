package dev.callmesh.protocol.frame;

import dev.callmesh.protocol.ProtocolException;

/** The byte stream cannot be framed: the connection must be answered with {@code bye PROTOCOL} and closed. */
public final class FrameException extends ProtocolException {

  /** Why the stream cannot be framed. */
  public enum Kind {
    /** A length of zero: a frame must carry at least one byte. */
    EMPTY,
    /** A length over the receiver's maximum frame size. */
    TOO_LONG
  }

  private final Kind kind;
  private final long length;

  FrameException(Kind kind, long length, String message) {
    super(message);
    this.kind = kind;
    this.length = length;
  }

  /** @return why the stream cannot be framed */
  public Kind kind() {
    return kind;
  }

  /** @return the announced length, read unsigned */
  public long length() {
    return length;
  }
}
