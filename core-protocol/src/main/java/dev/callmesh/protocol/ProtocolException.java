package dev.callmesh.protocol;

/** The peer broke the wire protocol; the connection is answered with {@code bye PROTOCOL} and closed. */
public class ProtocolException extends RuntimeException {

  /** @param message what was wrong, for a person */
  public ProtocolException(String message) {
    super(message, null, false, false);
  }
}
