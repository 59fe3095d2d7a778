// One subscription this client called: outputs to a callback, or to a `for await` loop that paces the
// producer through the call's window and credits.

import { CallError, ErrorCode } from "./callmesh-errors.js";

/**
 * A subscription in progress, as `Callmesh.stream` returns it. Its outputs go to the `onOutput`
 * callback when one was given (credited as they arrive), otherwise to whoever iterates it with
 * `for await`: then an output is credited only once the loop has taken it, so a slow loop holds the
 * producer back instead of filling memory. Breaking out of the loop aborts the call.
 */
export class Stream {
  /**
   * @param {string} id the call's id
   * @param {number} window outputs the producer may send ahead of the credits
   * @param {Function|null} onOutput the callback, or null to be iterated
   * @param {{credit: Function, abort: Function}} mesh sends `call.credit` and aborts the call
   */
  constructor(id, window, onOutput, mesh) {
    this.id = id;
    this._window = window;
    this._onOutput = onOutput;
    this._mesh = mesh;
    this._queue = [];
    this._consumed = 0;
    this._ended = false;
    this._error = null;
    this._wake = null;
    /** Settles when the stream ends: fulfilled on `call.completed`, rejected with a CallError otherwise. */
    this.done = new Promise((resolve, reject) => {
      this._resolve = resolve;
      this._reject = reject;
    });
    this.done.catch(() => {}); // a stream one only iterates, or aborts, is no unhandled rejection
    this.abort = this.abort.bind(this);
  }

  /**
   * Cancels the call: the hub and the producer stop, `done` rejects with ABORTED. No effect once ended.
   * @param {string} [reason] said to the producer and in the error
   */
  abort(reason = "aborted") {
    this._mesh.abort(this.id, reason);
  }

  /** @returns {boolean} whether the stream has ended (completed, failed or aborted) */
  get ended() {
    return this._ended;
  }

  output(o) {
    if (!this._onOutput) {
      this._queue.push(o);
      this._notify();
      return;
    }
    try {
      this._onOutput(o);
    } catch (err) {
      this.abort(`onOutput threw: ${err && err.message ? err.message : err}`);
      return;
    }
    this._took();
  }

  complete() {
    this._ended = true;
    this._resolve();
    this._notify();
  }

  fail(err) {
    this._ended = true;
    this._error = err;
    this._reject(err);
    this._notify();
  }

  _notify() {
    const wake = this._wake;
    this._wake = null;
    if (wake) wake();
  }

  // One output taken by the reader: credit them back in batches of half the window.
  _took() {
    if (this._ended || !this._window) return;
    if (++this._consumed >= Math.max(1, Math.floor(this._window / 2))) {
      this._mesh.credit(this.id, this._consumed);
      this._consumed = 0;
    }
  }

  /** @returns {AsyncIterator<any>} the outputs in order; throws the CallError the stream failed with */
  [Symbol.asyncIterator]() {
    if (this._onOutput) {
      throw new TypeError("this stream delivers to its onOutput callback; iterate a stream made without one");
    }
    return {
      next: async () => {
        for (;;) {
          if (this._queue.length) {
            const value = this._queue.shift();
            this._took();
            return { value, done: false };
          }
          if (this._error) {
            const err = this._error;
            this._error = null;
            throw err;
          }
          if (this._ended) return { value: undefined, done: true };
          await new Promise((wake) => { this._wake = wake; });
        }
      },
      return: async () => {
        this.abort("the reader stopped");
        this._queue.length = 0;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

/** @returns {CallError} the ABORTED error a stream or call cancelled for the reason fails with */
export function aborted(reason) {
  return new CallError({ code: ErrorCode.ABORTED, message: String(reason), retryable: false });
}
