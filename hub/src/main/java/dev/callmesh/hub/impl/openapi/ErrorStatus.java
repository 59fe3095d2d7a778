package dev.callmesh.hub.impl.openapi;

import dev.callmesh.hub.impl.HttpGateway;
import dev.callmesh.operations.OperationSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The error responses of the HTTP API, one per status, each the error object: 400 INVALID_INPUT, 401, 403, 404
 * NOT_FOUND, 409, 429 RESOURCE_EXHAUSTED, 500, 503 UNAVAILABLE, 504 TIMEOUT. An operation's document lists
 * those every call may get, plus those its own error codes map to (an fs operation's FILE_EXISTS is 409).
 */
enum ErrorStatus {
  InvalidInput(400, "INVALID_INPUT: the input fails the operation's schema (details.path says where)"),
  Unauthenticated(401, "UNAUTHENTICATED: no token, or one the hub does not accept"),
  Forbidden(403, "FORBIDDEN: the token may not call this"),
  NotFound(404, "NOT_FOUND: no such operation"),
  Conflict(409, "an operation's own conflict code"),
  ResourceExhausted(429, "RESOURCE_EXHAUSTED: a limit was hit (e.g. the identity's calls per second); retryable"),
  Internal(500, "INTERNAL, or another code without a status of its own"),
  Unavailable(503, "UNAVAILABLE: no spoke of that name is connected, or it went away; retryable"),
  Timeout(504, "TIMEOUT: the call's deadline passed; retryable");

  /** Every error response, for the document's components. */
  static final List<ErrorStatus> ALL = List.of(values());
  private static final List<ErrorStatus> EVERY_CALL = List.of(InvalidInput, Unauthenticated, Forbidden, NotFound,
      ResourceExhausted, Internal, Unavailable, Timeout);

  private final int status;
  private final String description;

  ErrorStatus(int status, String description) {
    this.status = status;
    this.description = description;
  }

  /** @return the HTTP status */
  int status() {
    return status;
  }

  /** @return what the response means */
  String description() {
    return description;
  }

  /**
   * @return the error responses of the operation, by status: those of every call and those of its own codes
   *     (named in their description)
   */
  static Map<String, String> forOperation(OperationSpec spec) {
    Map<String, String> out = new TreeMap<>();
    EVERY_CALL.forEach(e -> out.put(String.valueOf(e.status), e.name()));
    for (Object o : spec.errors()) {
      String code = o instanceof JsonObject e ? e.getString("code") : null;
      int status = code == null ? 0 : HttpGateway.status(code);
      for (ErrorStatus e : ALL) {
        if (e.status == status) {
          out.put(String.valueOf(status), e.name());
        }
      }
    }
    return out;
  }
}
