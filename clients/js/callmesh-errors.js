// callmesh errors: every failure a caller sees is a CallError with the hub's code.

/**
 * The error codes of the callmesh protocol, as they travel on the wire. Spokes may add domain codes
 * of their own (the standard spoke's FILE_NOT_FOUND, ...); a CallError carries whatever code came.
 */
export const ErrorCode = Object.freeze({
  NOT_FOUND: "NOT_FOUND",
  UNAVAILABLE: "UNAVAILABLE",
  INVALID_INPUT: "INVALID_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  TIMEOUT: "TIMEOUT",
  ABORTED: "ABORTED",
  RESOURCE_EXHAUSTED: "RESOURCE_EXHAUSTED",
  PROTOCOL: "PROTOCOL",
  INTERNAL: "INTERNAL",
  FILE_NOT_FOUND: "FILE_NOT_FOUND",
  FILE_EXISTS: "FILE_EXISTS",
  NOT_A_DIRECTORY: "NOT_A_DIRECTORY",
  IS_A_DIRECTORY: "IS_A_DIRECTORY",
});

const RETRYABLE = new Set([ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.RESOURCE_EXHAUSTED]);

/**
 * A call's failure, as the hub or a spoke reported it, or as this client saw it (a lost connection is
 * UNAVAILABLE, a call past its timeout TIMEOUT). `code` is the wire code, `retryable` whether the same
 * call may succeed later, `details` what the code adds (INVALID_INPUT: `details.path`, a JSON Pointer).
 */
export class CallError extends Error {
  /**
   * @param {{code: string, message?: string, retryable?: boolean, details?: object}} payload a
   *   `call.error` payload; `retryable` defaults to what the code implies
   */
  constructor(payload) {
    const p = payload && typeof payload === "object" ? payload : {};
    const code = typeof p.code === "string" && p.code ? p.code : ErrorCode.INTERNAL;
    super(typeof p.message === "string" && p.message ? p.message : code);
    this.name = "CallError";
    this.code = code;
    this.retryable = typeof p.retryable === "boolean" ? p.retryable : RETRYABLE.has(code);
    this.details = p.details === undefined ? null : p.details;
  }

  /** @returns {object} the `call.error` payload that says this error on the wire */
  toPayload() {
    return { code: this.code, message: this.message, retryable: this.retryable,
      ...(this.details == null ? {} : { details: this.details }) };
  }

  /**
   * @param {*} err anything a handler threw
   * @returns {CallError} it, when it is one; an error with its `code`, `retryable` and `details` when its
   *   code is one of ErrorCode's; else INTERNAL with its message (a Node `ECONNREFUSED` is not a callmesh code)
   */
  static from(err) {
    if (err instanceof CallError) return err;
    if (err && typeof err.code === "string" && Object.hasOwn(ErrorCode, err.code)) {
      return new CallError({ code: err.code, message: String(err.message || err.code), retryable: err.retryable,
        details: err.details });
    }
    return new CallError({ code: ErrorCode.INTERNAL, message: String((err && err.message) || err), retryable: false });
  }
}

/** @returns {CallError} UNAVAILABLE (retryable): the call could not reach, or lost, the hub */
export function unavailable(message) {
  return new CallError({ code: ErrorCode.UNAVAILABLE, message, retryable: true });
}
