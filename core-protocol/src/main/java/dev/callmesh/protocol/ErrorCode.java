package dev.callmesh.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The error codes of the callmesh protocol (docs/PROTOCOL.md, "Error codes"), with their wire strings.
 * <p>
 * Operations may define further domain codes (for example the fs codes); those travel as plain strings
 * in {@link CallException#code()} and are declared next to the operations that raise them.
 */
public enum ErrorCode {
  /** No such operation. */
  NOT_FOUND(false),
  /** No spoke of that name is connected, or it went away. */
  UNAVAILABLE(true),
  /** The input fails the operation's schema. */
  INVALID_INPUT(false),
  /** The caller could not be authenticated. */
  UNAUTHENTICATED(false),
  /** The caller is authenticated but not allowed to do this. */
  FORBIDDEN(false),
  /** A deadline expired. */
  TIMEOUT(true),
  /** The call was cancelled. */
  ABORTED(false),
  /** A limit was hit. */
  RESOURCE_EXHAUSTED(true),
  /** The peer broke the wire protocol. */
  PROTOCOL(false),
  /** Anything else: a bug or an unexpected failure. */
  INTERNAL(false);

  private static final Map<String, ErrorCode> BY_WIRE = new HashMap<>();

  static {
    for (ErrorCode c : values()) {
      BY_WIRE.put(c.wire(), c);
    }
  }

  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** @return the string that stands for this code on the wire */
  public String wire() {
    return name();
  }

  /** @return whether a call failing with this code may succeed when tried again */
  public boolean retryable() {
    return retryable;
  }

  /**
   * @param wire a code as read from the wire
   * @return the standard code, or {@code null} for a domain code or an unknown string
   */
  public static ErrorCode fromWire(String wire) {
    return wire == null ? null : BY_WIRE.get(wire);
  }
}
