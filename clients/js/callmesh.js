// callmesh client for browsers and Node.js 20+: one ES module (and the few it imports), no build step,
// no dependencies. The hub serves these same files at /callmesh.js; their source is clients/js/.
//
//   import { Callmesh } from "/callmesh.js";                      // Node: from "callmesh"
//   const mesh = await Callmesh.connect({ token });               // browser: ws(s)://<this host>/v1/ws
//   // Node: Callmesh.connect({ url: "ws://127.0.0.1:7480/v1/ws", token, WebSocket })  (WebSocket from "ws")
//   const out = await mesh.call("/dev1/fs/readFile", { path: "README.md" });
//   const s = mesh.stream("/dev1/bash/exec", { command: "ls" }, o => console.log(o));
//   await s.done;                                                  // s.abort() cancels
//   for await (const o of mesh.stream("/dev1/bash/exec", { command: "ls" })) { ... }  // paced by the loop
//   // Serve operations of your own (the token's key needs spoke="browser-*"):
//   const me = await Callmesh.connect({ token, spoke: "browser-1", reconnect: true, serve: {
//     "/notify/alert": { spec: { opType: "mutation", description: "Shows an alert" },
//                        handler: (input, ctx) => { alert(input.text); return { shown: true }; } } } });

import { PendingCalls } from "./callmesh-calls.js";
import { CallError, ErrorCode, unavailable } from "./callmesh-errors.js";
import { Backoff, isFinal } from "./callmesh-reconnect.js";
import { Server } from "./callmesh-serve.js";
import { Stream, aborted } from "./callmesh-stream.js";
import { OPEN, defaultUrl, encode, hardClose, notify, parse } from "./callmesh-wire.js";

export { CallError, ErrorCode, Stream };
export { DEFAULT_RECONNECT_BASE_MS, DEFAULT_RECONNECT_MAX_MS } from "./callmesh-reconnect.js";

/** Default timeout of a query or mutation, in ms (subscriptions have none unless asked). */
export const DEFAULT_TIMEOUT_MS = 30000;
/** Default time a connection has to be welcomed by the hub, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15000;
/** Outputs a stream's producer may send ahead of the credits, unless `window` says otherwise. */
export const DEFAULT_STREAM_WINDOW = 64;
const VERSION = "0.1.0";

/**
 * A connection to a callmesh hub over WebSocket: call, stream, and serve operations of your own.
 * `state` is "connecting", "open", "reconnecting" or "closed".
 */
export class Callmesh {
  /**
   * Connects and authenticates with a token (a hub JWT or a signed-timestamp token).
   * @param {object} options
   * @param {string|Function} options.token the token, or a function returning one (or a promise of one),
   *   asked again for every connection so that reconnecting can use a fresh token
   * @param {string} [options.url] the hub's WebSocket URL; in browsers ws(s)://<this page's host>/v1/ws,
   *   required where there is no `location` (Node.js), e.g. ws://127.0.0.1:7480/v1/ws
   * @param {Function} [options.WebSocket] a WebSocket class (Node.js 20: the `ws` package's);
   *   default globalThis.WebSocket
   * @param {string} [options.spoke] register as this spoke (the key must be granted the name)
   * @param {object} [options.serve] operations to serve: {"/ns/name": {spec, handler} | handler}
   * @param {boolean|{baseMs?: number, maxMs?: number}} [options.reconnect] dial again when the connection is
   *   lost, waiting with exponential backoff and jitter; default false
   * @param {number} [options.timeoutMs] default timeout of calls (30 s)
   * @param {number} [options.connectTimeoutMs] how long a connection may take to be welcomed (15 s)
   * @param {Function} [options.onClose] (error) => ..., each time an open connection ends, and when
   *   reconnecting gives up; `state` then says whether another attempt follows
   * @param {Function} [options.onReconnect] (mesh) => ..., each time a lost connection is back
   * @returns {Promise<Callmesh>} fulfilled once the hub has welcomed us; rejected with a CallError
   *   (UNAVAILABLE when the hub cannot be reached, the hub's code when it refuses), never retried
   */
  static connect(options) {
    let mesh;
    try {
      mesh = new Callmesh(options);
    } catch (err) {
      return Promise.reject(err);
    }
    return mesh._dial().then(() => mesh, (err) => {
      mesh.state = "closed";
      throw err;
    });
  }

  constructor(options) {
    const o = options || {};
    if (!o.token || (typeof o.token !== "string" && typeof o.token !== "function")) {
      throw new TypeError("Callmesh.connect needs a token: a string, or a function returning one");
    }
    this.url = o.url || defaultUrl();
    this._WebSocket = o.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== "function") {
      throw new TypeError("this runtime has no WebSocket: pass one, e.g. import WebSocket from \"ws\"; "
        + "Callmesh.connect({ url, token, WebSocket })");
    }
    this._token = o.token;
    this.spoke = o.spoke || null;
    this._server = new Server(o.serve, { send: (t, id, p) => this._send(t, id, p),
      call: (...a) => this._call(...a), stream: (...a) => this._stream(...a) });
    this._backoff = Backoff.from(o.reconnect);
    this.timeoutMs = o.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : o.timeoutMs;
    this.connectTimeoutMs = o.connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS;
    this.onClose = o.onClose || (() => {});
    this.onReconnect = o.onReconnect || (() => {});
    this.state = "connecting";
    this.welcome = null;
    this.pending = new PendingCalls((t, id, p) => this._send(t, id, p));
    this.ws = null;
  }

  /** @returns {{calls: number, serving: number}} our calls in progress, and calls to us being served */
  get inFlight() {
    return { calls: this.pending.size, serving: this._server.size };
  }

  /**
   * Calls a query or mutation.
   * @param {string} path e.g. "/dev1/fs/readFile"
   * @param {*} [input] its input, {} by default
   * @param {{timeoutMs?: number, signal?: AbortSignal, metadata?: object}} [options]
   * @returns {Promise<any>} its output; rejected with a CallError (the hub's or spoke's code; TIMEOUT;
   *   UNAVAILABLE when the connection is lost or not open; ABORTED when the signal fires)
   */
  call(path, input = {}, options = {}) {
    return this._call(path, input, options, null);
  }

  _call(path, input = {}, options = {}, inherited = null) {
    const o = { timeoutMs: this.timeoutMs, ...(inherited || {}), ...(options || {}) };
    return new Promise((resolve, reject) => {
      const sink = { output: resolve, complete: () => resolve(null), fail: reject, once: true };
      try {
        this._request("c", path, input, o, sink);
      } catch (err) {
        reject(err);
      }
    });
  }

  /**
   * Streams a subscription. With `onOutput`, each output goes to it as it arrives; without, iterate the
   * returned stream with `for await`, which credits outputs only as the loop takes them.
   * @param {string} path e.g. "/dev1/bash/exec"
   * @param {*} [input] its input
   * @param {Function|null} [onOutput] (output) => ...
   * @param {{window?: number, timeoutMs?: number, idleTimeoutMs?: number, signal?: AbortSignal,
   *   metadata?: object}} [options] (may come third, in place of onOutput)
   * @returns {Stream} `done` settles when it ends, `abort()` cancels it; when it could not start,
   *   `done` is already rejected with the CallError
   */
  stream(path, input = {}, onOutput = null, options = {}) {
    return this._stream(path, input, onOutput, options, null);
  }

  _stream(path, input = {}, onOutput = null, options = {}, inherited = null) {
    if (onOutput && typeof onOutput === "object") {
      options = onOutput;
      onOutput = null;
    }
    const o = { ...(inherited || {}), ...(options || {}) };
    const window = o.window === undefined ? DEFAULT_STREAM_WINDOW : o.window;
    const stream = new Stream("", window, typeof onOutput === "function" ? onOutput : null, {
      credit: (id, n) => this._send("call.credit", id, { n }),
      abort: (id, reason) => this.pending.abort(id, reason),
    });
    try {
      stream.id = this._request("s", path, input, { ...o, window }, stream);
    } catch (err) {
      stream.fail(err);
    }
    return stream;
  }

  // Sends a call.requested once connected; throws a CallError when it cannot.
  _request(prefix, path, input, o, sink) {
    if (this.state !== "open" && !(o.signal && o.signal.aborted)) {
      throw this.state === "closed" ? new CallError({ code: ErrorCode.UNAVAILABLE, message: "this client is closed",
        retryable: false }) : unavailable(`not connected to ${this.url} (${this.state})`);
    }
    return this.pending.request(prefix, path, input, o, sink);
  }

  // Sends one envelope when the connection is open; throws a CallError when it cannot be encoded
  // (INVALID_INPUT) or is over the hub's frame limit (RESOURCE_EXHAUSTED).
  _send(type, id, payload) {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(encode(type, id, payload, this.welcome && this.welcome.maxFrameBytes));
    return true;
  }

  /**
   * Says bye and closes; stops reconnecting. Calls in progress fail with ABORTED.
   * @returns {Promise<void>} settled once the socket has closed (at most about a second)
   */
  close() {
    if (this.state === "closed") return Promise.resolve();
    const wasOpen = this.state === "open";
    const ws = this.ws;
    try {
      this._send("bye", "", { code: ErrorCode.ABORTED, message: "closing" });
    } catch { /* never: a bye always encodes */ }
    this.state = "closed";
    clearTimeout(this._reconnectTimer);
    const reason = new CallError({ code: ErrorCode.ABORTED, message: "the client was closed", retryable: false });
    this._teardown(reason, reason);
    if (wasOpen) notify(this.onClose, reason);
    if (!ws) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { hardClose(ws); resolve(); }, 1000);
      ws.onclose = () => { clearTimeout(timer); resolve(); };
      try { ws.close(); } catch { hardClose(ws); }
    });
  }

  // Forgets the socket and everything in progress on it.
  _teardown(reason, callError) {
    const ws = this.ws;
    this.ws = null;
    clearInterval(this._heartbeat);
    if (ws) {
      ws.onmessage = null;
      ws.onerror = () => {}; // `ws` throws an error event nobody listens to
      ws.onclose = null;
      if (this._dialFailed) this._dialFailed(reason);
    }
    this.pending.failAll(callError);
    this._server.abortAll(`the connection to the hub ended: ${reason.message}`);
  }

  // An open connection ended: fail what was in progress, then dial again or give up.
  _lost(reason) {
    this._teardown(reason, unavailable(`the connection to the hub was lost: ${reason.message}`));
    const final = !this._backoff || isFinal(reason);
    this.state = final ? "closed" : "reconnecting";
    notify(this.onClose, reason);
    if (!final) this._scheduleReconnect();
  }

  _scheduleReconnect() {
    this._reconnectTimer = setTimeout(() => {
      if (this.state !== "reconnecting") return;
      this._dial().then(() => {
        this._backoff.reset();
        notify(this.onReconnect, this);
      }, (err) => {
        if (this.state !== "reconnecting") return;
        if (isFinal(err)) {
          this.state = "closed";
          notify(this.onClose, err);
        } else {
          this._scheduleReconnect();
        }
      });
    }, this._backoff.next());
  }

  // One connection attempt: fulfilled when welcomed, rejected with why not.
  async _dial() {
    let token = this._token;
    if (typeof token === "function") {
      try {
        token = await token();
      } catch (err) {
        throw new CallError({ code: ErrorCode.UNAUTHENTICATED, retryable: true,
          message: `no token: ${err && err.message ? err.message : err}` });
      }
    }
    if (this.state === "closed") throw aborted("the client was closed");
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new this._WebSocket(this.url);
      } catch (err) {
        reject(unavailable(`cannot open ${this.url}: ${err.message}`));
        return;
      }
      this.ws = ws;
      let refusal = null;
      const slow = `${this.url} did not welcome us within ${this.connectTimeoutMs} ms`;
      const timer = setTimeout(() => drop(unavailable(slow)), this.connectTimeoutMs);
      this._dialFailed = (reason) => { clearTimeout(timer); this._dialFailed = null; reject(reason); };
      const drop = (reason) => { this._teardown(reason, reason); hardClose(ws); };
      let failure = "";
      ws.onerror = (ev) => { failure = ev && ev.message ? `: ${ev.message}` : ""; }; // onclose follows
      ws.onclose = () => {
        const reason = refusal || unavailable(this.state === "open" ? `the connection to ${this.url} closed`
          : `cannot reach ${this.url}${failure}`);
        if (this.state === "open") this._lost(reason); else this._teardown(reason, reason);
      };
      ws.onmessage = (m) => {
        const e = parse(m.data);
        if (!e) {
          this._send("bye", "", { code: ErrorCode.PROTOCOL, message: "expected a text message of one JSON envelope" });
          const reason = new CallError({ code: ErrorCode.PROTOCOL,
            message: "the hub sent a message that is not an envelope" });
          if (this.state === "open") { this.ws = null; hardClose(ws); this._lost(reason); } else drop(reason);
          return;
        }
        this._lastSeen = Date.now();
        if (this.state === "open") {
          this._dispatch(e);
        } else if (e.type === "auth.challenge") {
          this._send("auth.hello", "", { token, client: { name: "callmesh.js", version: VERSION },
            ...(this.spoke ? { spoke: this.spoke, operations: this._server.operations() } : {}) });
        } else if (e.type === "auth.welcome") {
          clearTimeout(timer);
          this._dialFailed = null;
          this.welcome = e.payload;
          this.state = "open";
          this._startHeartbeat(ws);
          resolve();
        } else if (e.type === "auth.denied" || e.type === "bye") {
          refusal = new CallError(e.payload);
        }
      };
    });
  }

  // Pings every heartbeatMs; a hub silent for three periods is dropped like a closed connection.
  _startHeartbeat(ws) {
    const period = (this.welcome && this.welcome.heartbeatMs) || 15000;
    this._lastSeen = Date.now();
    this._heartbeat = setInterval(() => {
      if (Date.now() - this._lastSeen <= 3 * period) {
        this._send("ping", "", { t: Date.now() });
        return;
      }
      this.ws = null;
      hardClose(ws);
      this._lost(unavailable(`the hub was silent for ${3 * period} ms`));
    }, period);
  }

  _dispatch(e) {
    const p = e.payload;
    switch (e.type) {
      case "call.responded":
      case "call.completed":
      case "call.error": this.pending.answer(e.type, e.id, p); break;
      case "call.requested": this._server.request(e.id, p); break;
      case "call.credit": this._server.credit(e.id, p.n); break;
      case "call.aborted":
        if (!this._server.abort(e.id, p.reason)) {
          const entry = this.pending.settle(e.id);
          if (entry) entry.sink.fail(aborted(p.reason || "aborted by the hub"));
        }
        break;
      case "ping": this._send("pong", "", p); break;
      case "bye": {
        const ws = this.ws;
        this.ws = null;
        hardClose(ws);
        this._lost(new CallError(p));
        break;
      }
      default: break; // pong, and types this client does not know
    }
  }
}
