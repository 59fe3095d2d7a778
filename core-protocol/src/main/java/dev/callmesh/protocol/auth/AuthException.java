package dev.callmesh.protocol.auth;

import dev.callmesh.protocol.ErrorCode;

/**
 * Authentication failed: carries the protocol error code to answer with and a message for a person that
 * says what to do. The message never contains the secret that failed (a token or a signature).
 */
public class AuthException extends Exception {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * @param code the error code to report, usually {@link ErrorCode#UNAUTHENTICATED}
   * @param message what went wrong and what to do, for a person
   */
  public AuthException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** @return the error code this failure is reported with */
  public ErrorCode code() {
    return code;
  }
}
