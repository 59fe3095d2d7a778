package dev.callmesh.hub.impl;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

/** The HTTP status of each error code (README, HTTP API). */
public final class HttpStatus {

  private HttpStatus() {
  }

  /**
   * @return 400, 401, 403, 404, 429, 503, 504 for the standard codes that have one; 404, 409 or 400 for the fs
   *     codes ({@code FILE_NOT_FOUND}, {@code FILE_EXISTS}, {@code NOT_A_DIRECTORY}, {@code IS_A_DIRECTORY});
   *     500 for every other code
   */
  public static int of(CallException e) {
    ErrorCode code = e.standardCode();
    if (code == null) {
      return switch (e.code()) {
        case "FILE_NOT_FOUND" -> 404;
        case "FILE_EXISTS" -> 409;
        case "NOT_A_DIRECTORY", "IS_A_DIRECTORY" -> 400;
        default -> 500;
      };
    }
    return switch (code) {
      case INVALID_INPUT -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case RESOURCE_EXHAUSTED -> 429;
      case UNAVAILABLE -> 503;
      case TIMEOUT -> 504;
      default -> 500;
    };
  }
}
