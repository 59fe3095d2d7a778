package dev.callmesh.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A call's failure as it travels in {@code call.error}: a code, a message for a person, whether trying
 * again may help, and optional details.
 */
public class CallException extends RuntimeException {

  private final String code;
  private final boolean retryable;
  private final Object details;

  /**
   * @param code a standard or domain error code
   * @param message what went wrong and what to do, for a person
   * @param retryable whether the same call may succeed when tried again
   * @param details extra JSON data, or {@code null}
   */
  public CallException(String code, String message, boolean retryable, Object details) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }

  /** @return an exception with a standard code, retryable as the code says */
  public static CallException of(ErrorCode code, String message) {
    return new CallException(code.wire(), message, code.retryable(), null);
  }

  /** @return an exception with a standard code and details */
  public static CallException of(ErrorCode code, String message, Object details) {
    return new CallException(code.wire(), message, code.retryable(), details);
  }

  /**
   * @param payload a {@code call.error} payload
   * @return the exception it describes; a payload without a code reads as INTERNAL
   */
  public static CallException fromPayload(JsonObject payload) {
    String code = payload.getValue("code") instanceof String s ? s : ErrorCode.INTERNAL.wire();
    String message = payload.getValue("message") instanceof String s ? s : "(no message)";
    boolean retryable = payload.getValue("retryable") instanceof Boolean b && b;
    return new CallException(code, message, retryable, payload.getValue("details"));
  }

  /** @return the wire string of the code */
  public String code() {
    return code;
  }

  /** @return the standard code, or {@code null} for a domain code */
  public ErrorCode standardCode() {
    return ErrorCode.fromWire(code);
  }

  /** @return whether the code is the given standard code */
  public boolean is(ErrorCode c) {
    return c.wire().equals(code);
  }

  /** @return whether trying again may help */
  public boolean retryable() {
    return retryable;
  }

  /** @return the details, or {@code null} */
  public Object details() {
    return details;
  }

  /** @return the {@code call.error} payload for this failure */
  public JsonObject toPayload() {
    JsonObject p = new JsonObject()
        .put("code", code)
        .put("message", getMessage())
        .put("retryable", retryable);
    if (details != null) {
      p.put("details", details);
    }
    return p;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
