// The calls this client has made and awaits: each ends exactly once, by its answer, its timer, its
// signal, or the connection's end; whoever removes the entry delivers the outcome.

import { CallError, ErrorCode } from "./callmesh-errors.js";
import { aborted } from "./callmesh-stream.js";
import { traceparent } from "./callmesh-trace.js";

// The hub answers TIMEOUT itself when a call's deadline passes; our own timer waits this much longer.
const DEADLINE_GRACE_MS = 500;

/** Our calls in progress, by id. */
export class PendingCalls {
  /** @param {Function} send (type, id, payload) => boolean, throwing a CallError when it cannot encode */
  constructor(send) {
    this._send = send;
    this._entries = new Map();
    this._nextId = 1;
    /** Answers that came for calls no longer pending. */
    this.orphans = 0;
  }

  /** @returns {number} calls awaiting their answer */
  get size() {
    return this._entries.size;
  }

  /**
   * Sends a `call.requested` and registers its sink (output, complete, fail; `once` for a query or mutation).
   * @param {string} prefix "c" or "s", for the id
   * @param {{timeoutMs?: number, idleTimeoutMs?: number, window?: number, signal?: AbortSignal,
   *   metadata?: object, parent?: {id: string, traceparent?: string}}} o
   * @returns {string} the call's id
   * @throws {CallError} when it cannot be sent (INVALID_INPUT, RESOURCE_EXHAUSTED) or the signal already fired
   */
  request(prefix, path, input, o, sink) {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new CallError({ code: ErrorCode.INVALID_INPUT, message: `an operation path starts with /, got ${path}` });
    }
    if (o.signal && o.signal.aborted) throw aborted(reasonOf(o.signal));
    const id = `${prefix}${this._nextId++}`;
    const metadata = { ...(o.metadata || {}) };
    if (!metadata.traceparent) {
      const tp = traceparent(o.parent && o.parent.traceparent);
      if (tp) metadata.traceparent = tp;
    }
    const payload = { operationId: path, input, metadata };
    if (o.timeoutMs > 0) payload.timeoutMs = o.timeoutMs;
    if (o.idleTimeoutMs > 0) payload.idleTimeoutMs = o.idleTimeoutMs;
    if (o.window > 0) payload.window = o.window;
    if (o.parent) payload.parentRequestId = o.parent.id;
    this._send("call.requested", id, payload);
    const entry = { sink, timer: null, signal: o.signal || null, onAbort: null };
    if (o.timeoutMs > 0) {
      entry.timer = setTimeout(() => {
        if (this.settle(id) !== entry) return;
        this._send("call.aborted", id, { reason: "timeout" });
        sink.fail(new CallError({ code: ErrorCode.TIMEOUT, message: `${path} did not answer within ${o.timeoutMs} ms`,
          retryable: true }));
      }, o.timeoutMs + DEADLINE_GRACE_MS);
    }
    if (entry.signal) {
      entry.onAbort = () => this.abort(id, reasonOf(entry.signal));
      entry.signal.addEventListener("abort", entry.onAbort, { once: true });
    }
    this._entries.set(id, entry);
    return id;
  }

  /** @returns {object|null} the removed entry, its timer and signal released; null when it had ended */
  settle(id) {
    const entry = this._entries.get(id);
    if (!entry) return null;
    this._entries.delete(id);
    clearTimeout(entry.timer);
    if (entry.signal) entry.signal.removeEventListener("abort", entry.onAbort);
    return entry;
  }

  /** Cancels a call: tells the hub, and fails it with ABORTED. No effect once it has ended. */
  abort(id, reason) {
    const entry = this.settle(id);
    if (!entry) return false;
    this._send("call.aborted", id, { reason: String(reason) });
    entry.sink.fail(aborted(reason));
    return true;
  }

  /** Delivers one of `call.responded`, `call.completed`, `call.error`. */
  answer(type, id, p) {
    const entry = type === "call.responded" ? this._entries.get(id) : this.settle(id);
    if (!entry) {
      this.orphans++;
    } else if (type === "call.error") {
      entry.sink.fail(new CallError(p));
    } else if (type === "call.completed") {
      entry.sink.complete();
    } else {
      if (entry.sink.once) this.settle(id);
      entry.sink.output(p.output);
    }
  }

  /** Fails every call in progress with the error: the connection is gone. */
  failAll(err) {
    for (const id of [...this._entries.keys()]) {
      const entry = this.settle(id);
      if (entry) entry.sink.fail(err);
    }
  }
}

function reasonOf(signal) {
  const r = signal.reason;
  return r && r.message ? r.message : r !== undefined ? String(r) : "aborted";
}
