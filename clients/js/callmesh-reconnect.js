// When and how soon a lost connection is dialled again.

import { ErrorCode } from "./callmesh-errors.js";

/** Default first wait before dialling again, in ms. */
export const DEFAULT_RECONNECT_BASE_MS = 200;
/** Default longest wait between two attempts, in ms. */
export const DEFAULT_RECONNECT_MAX_MS = 10000;

// Refusals that another attempt cannot change: a bad or expired token, a spoke name the key may not take,
// or this spoke replaced by a newer connection of the same name (dialling again would take it back).
const FINAL = new Set([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.ABORTED]);

/**
 * @param {import("./callmesh-errors.js").CallError} reason why a connection ended or an attempt failed
 * @returns {boolean} whether dialling again is pointless
 */
export function isFinal(reason) {
  return FINAL.has(reason.code) && !reason.retryable;
}

/**
 * Exponential backoff with jitter: the n-th wait is a random time between half and all of
 * min(maxMs, baseMs * 2^n), so many clients that lost the same hub do not come back in step.
 */
export class Backoff {
  /**
   * @param {boolean|{baseMs?: number, maxMs?: number}|undefined} option the `reconnect` option
   * @returns {Backoff|null} the policy it asks for, or null when reconnecting is off
   * @throws {TypeError} for waits that are not positive numbers, or maxMs below baseMs
   */
  static from(option) {
    if (!option) return null;
    const o = option === true ? {} : option;
    const base = o.baseMs === undefined ? DEFAULT_RECONNECT_BASE_MS : o.baseMs;
    const max = o.maxMs === undefined ? Math.max(DEFAULT_RECONNECT_MAX_MS, base) : o.maxMs;
    if (!(base > 0) || !(max >= base) || !Number.isFinite(max)) {
      throw new TypeError(`reconnect needs 0 < baseMs <= maxMs, got baseMs=${base}, maxMs=${max}`);
    }
    return new Backoff(base, max);
  }

  constructor(baseMs, maxMs) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.attempt = 0;
  }

  /** @returns {number} how long to wait before the next attempt, in ms; each call grows the next */
  next() {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
  }

  /** Starts again from baseMs, after a connection that got in. */
  reset() {
    this.attempt = 0;
  }
}
