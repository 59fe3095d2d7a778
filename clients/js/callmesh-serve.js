// Serving operations from this client: the hub forwards calls made to `/<spoke>/<name>` here.

import { CallError, ErrorCode } from "./callmesh-errors.js";

/**
 * The operations a client serves and the calls to them in progress. A handler's result or exception
 * becomes the call's answer; it never affects the connection.
 */
export class Server {
  /**
   * @param {object} serve `{"/ns/name": {spec, handler} | handler}` by spoke-relative name
   * @param {{send: Function, call: Function, stream: Function}} mesh how answers and calls on behalf go out
   *   (call and stream take a 4th/5th argument: the signal and parent call they inherit)
   * @throws {TypeError} for a name not starting with "/" or an entry without a handler function
   */
  constructor(serve, mesh) {
    this._mesh = mesh;
    this._ops = new Map();
    this._calls = new Map();
    for (const [name, entry] of Object.entries(serve || {})) {
      const op = typeof entry === "function" ? { spec: {}, handler: entry } : entry || {};
      if (!name.startsWith("/") || typeof op.handler !== "function") {
        throw new TypeError(`serve["${name}"] needs a name starting with / and a handler function`);
      }
      const spec = { name, namespace: name.split("/")[1] || "", opType: "query", description: "",
        inputSchema: { type: "object" }, outputSchema: {}, ...op.spec, name };
      this._ops.set(name, { spec, handler: op.handler });
    }
  }

  /** @returns {object[]} the OperationSpecs to register in `auth.hello` */
  operations() {
    return [...this._ops.values()].map((op) => op.spec);
  }

  /** @returns {number} calls being served now */
  get size() {
    return this._calls.size;
  }

  /** Serves one `call.requested`. */
  async request(id, p) {
    const op = this._ops.get(p.operationId);
    if (!op || this._calls.has(id)) {
      const error = op ? { code: ErrorCode.PROTOCOL, message: `call id ${id} is already in progress`, retryable: false }
        : { code: ErrorCode.NOT_FOUND, message: `this client serves no ${p.operationId}`, retryable: false };
      this._mesh.send("call.error", id, error);
      return;
    }
    const call = { id, controller: new AbortController(), window: positive(p.window), sent: 0, credit: 0,
      wake: null, timer: null };
    this._calls.set(id, call);
    if (positive(p.timeoutMs)) {
      const timeout = { code: ErrorCode.TIMEOUT, message: `${p.operationId} did not finish within ${p.timeoutMs} ms`,
        retryable: true };
      call.timer = setTimeout(() => this._end(call, "call.error", timeout, "timeout"), p.timeoutMs);
    }
    const ctx = this._context(call, p);
    try {
      const result = op.handler(p.input === undefined ? {} : p.input, ctx);
      if (op.spec.opType === "subscription") {
        await this._pump(call, await result, p.operationId);
      } else {
        const output = await result;
        this._end(call, "call.responded", { output: output === undefined ? null : output });
      }
    } catch (err) {
      this._end(call, "call.error", CallError.from(err).toPayload());
    }
  }

  /** Adds `call.credit` to a subscription being served. */
  credit(id, n) {
    const call = this._calls.get(id);
    if (call && Number.isInteger(n) && n > 0) {
      call.credit += n;
      wake(call);
    }
  }

  /** @returns {boolean} whether a call being served had that id (it is now aborted) */
  abort(id, reason) {
    const call = this._calls.get(id);
    if (!call) return false;
    this._forget(call, reason || "aborted by the caller");
    return true;
  }

  /** Aborts every call being served: the connection is gone. */
  abortAll(reason) {
    for (const call of [...this._calls.values()]) this._forget(call, reason);
  }

  _context(call, p) {
    const parent = { id: call.id, traceparent: p.metadata && p.metadata.traceparent };
    const signal = call.controller.signal;
    return {
      id: call.id,
      operationId: p.operationId,
      caller: p.caller || null,
      metadata: p.metadata && typeof p.metadata === "object" ? p.metadata : {},
      signal,
      get aborted() {
        return signal.aborted;
      },
      // Calls on behalf of this one: the hub links them to it, and they end when it is aborted.
      call: (path, input, options) => this._mesh.call(path, input, options, { signal, parent }),
      stream: (path, input, onOutput, options) => this._mesh.stream(path, input, onOutput, options, { signal, parent }),
    };
  }

  // Sends a subscription's outputs, never more than its window beyond the credits.
  async _pump(call, source, operationId) {
    const iterate = source && (source[Symbol.asyncIterator] || source[Symbol.iterator]);
    if (typeof iterate !== "function") {
      throw new CallError({ code: ErrorCode.INTERNAL, message: `the handler of ${operationId} is a subscription `
        + "and must return an iterable (e.g. be an async generator)", retryable: false });
    }
    const it = iterate.call(source);
    let finished = false;
    try {
      while (this._live(call)) {
        while (call.window && call.sent >= call.window + call.credit && this._live(call)) {
          await new Promise((resolve) => { call.wake = resolve; });
        }
        if (!this._live(call)) break;
        const r = await it.next();
        if (r.done) {
          finished = true;
          break;
        }
        if (!this._live(call)) break;
        call.sent++;
        if (!this._answer(call, "call.responded", { output: r.value === undefined ? null : r.value })) return;
      }
      this._end(call, "call.completed", {});
    } finally {
      // Stopped early (aborted, timed out, connection lost): let the generator run its finally blocks.
      if (!finished && typeof it.return === "function") Promise.resolve().then(() => it.return()).catch(() => {});
    }
  }

  _live(call) {
    return this._calls.get(call.id) === call;
  }

  // Sends one answer of a live call; an output too large to send fails the call instead.
  _answer(call, type, payload) {
    try {
      this._mesh.send(type, call.id, payload);
      return true;
    } catch (err) {
      this._end(call, "call.error", CallError.from(err).toPayload(), err.message);
      return false;
    }
  }

  // The last answer of a call, unless it has already ended.
  _end(call, type, payload, abortReason) {
    if (!this._live(call)) return;
    if (type !== "call.error") {
      if (this._answer(call, type, payload)) this._forget(call, abortReason);
      return;
    }
    this._forget(call, abortReason);
    try {
      this._mesh.send(type, call.id, payload);
    } catch (err) { // details that do not serialize
      this._mesh.send(type, call.id, { code: ErrorCode.INTERNAL, message: `${payload.code}: ${payload.message} `
        + `(its details could not be sent: ${err.message})`, retryable: false });
    }
  }

  _forget(call, abortReason) {
    if (!this._live(call)) return;
    this._calls.delete(call.id);
    clearTimeout(call.timer);
    if (abortReason) call.controller.abort(new CallError({ code: ErrorCode.ABORTED, message: abortReason }));
    wake(call);
  }
}

function positive(n) {
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function wake(call) {
  const w = call.wake;
  call.wake = null;
  if (w) w();
}
