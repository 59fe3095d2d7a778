// callmesh browser client: one ES module, no build step.
//
//   import { Callmesh } from "/callmesh.js";
//   const mesh = await Callmesh.connect({ token });                 // ws(s)://<this host>/v1/ws
//   const out = await mesh.call("/dev1/fs/readFile", { path: "README.md" });
//   const s = mesh.stream("/dev1/bash/exec", { command: "ls" }, o => console.log(o));
//   await s.done;                                                    // s.abort() cancels
//   // A browser spoke: serve operations of your own (the token's key needs spoke="browser-*").
//   const me = await Callmesh.connect({ token, spoke: "browser-1", serve: {
//     "/notify/alert": { spec: { opType: "mutation", description: "Shows an alert" },
//                        handler: input => { alert(input.text); return { shown: true }; } } } });

/** A call's failure, as the hub or a spoke reported it. */
export class CallError extends Error {
  constructor(payload) {
    super(payload.message || payload.code);
    this.code = payload.code;
    this.retryable = !!payload.retryable;
    this.details = payload.details;
  }
}

const DEFAULT_TIMEOUT_MS = 30000;
const STREAM_WINDOW = 64;

export class Callmesh {
  /**
   * Connects and authenticates with a token (a hub JWT or a signed-timestamp token).
   * @param {{token: string, url?: string, spoke?: string, serve?: object, onClose?: Function}} options
   * @returns {Promise<Callmesh>} once the hub has welcomed us
   */
  static connect(options) {
    const mesh = new Callmesh(options);
    return mesh._open();
  }

  constructor(options) {
    if (!options || !options.token) throw new Error("Callmesh.connect needs a token");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = options.url || `${scheme}//${location.host}/v1/ws`;
    this.token = options.token;
    this.spoke = options.spoke || null;
    this.serving = options.serve || {};
    this.onClose = options.onClose || (() => {});
    this.pending = new Map();   // our calls, by id
    this.inbound = new Map();   // calls made to us, by id
    this.nextId = 1;
    this.welcome = null;
  }

  _open() {
    return new Promise((resolve, reject) => {
      // The token also goes in the hello; the URL form is for proxies that drop the first message.
      const ws = new WebSocket(`${this.url}?token=${encodeURIComponent(this.token)}`);
      this.ws = ws;
      let welcomed = false;
      ws.onmessage = (m) => {
        let e;
        try { e = JSON.parse(m.data); } catch { ws.close(); return; }
        if (!welcomed) {
          if (e.type === "auth.challenge") {
            const operations = Object.entries(this.serving).map(([name, op]) => ({
              name, namespace: name.split("/")[1] || "", opType: "query", description: "",
              inputSchema: { type: "object" }, outputSchema: {}, ...op.spec, name }));
            this._send("auth.hello", "", { token: this.token, client: { name: "callmesh.js", version: "0.1.0" },
              ...(this.spoke ? { spoke: this.spoke, operations } : {}) });
          } else if (e.type === "auth.welcome") {
            welcomed = true;
            this.welcome = e.payload;
            resolve(this);
          } else if (e.type === "auth.denied" || e.type === "bye") {
            reject(new CallError(e.payload));
          }
          return;
        }
        this._dispatch(e);
      };
      ws.onclose = () => {
        const gone = new CallError({ code: "UNAVAILABLE", message: "the connection to the hub closed", retryable: true });
        for (const p of this.pending.values()) p.fail(gone);
        this.pending.clear();
        for (const c of this.inbound.values()) c.aborted = true;
        this.inbound.clear();
        if (!welcomed) reject(gone);
        this.onClose();
      };
      ws.onerror = () => { if (!welcomed) reject(new CallError({ code: "UNAVAILABLE", message: `cannot reach ${this.url}` })); };
    });
  }

  _send(type, id, payload) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type, id, payload }));
  }

  _dispatch(e) {
    const p = this.pending.get(e.id);
    switch (e.type) {
      case "call.responded": if (p) p.output(e.payload.output); break;
      case "call.completed": if (p) { this.pending.delete(e.id); p.complete(); } break;
      case "call.error": if (p) { this.pending.delete(e.id); p.fail(new CallError(e.payload)); } break;
      case "call.requested": this._serve(e); break;
      case "call.aborted": { const c = this.inbound.get(e.id); if (c) { c.aborted = true; this.inbound.delete(e.id); } break; }
      case "ping": this._send("pong", "", e.payload); break;
      case "bye": this.ws.close(); break;
      default: break;
    }
  }

  /** Calls a query or mutation. @returns {Promise<any>} its output */
  call(path, input = {}, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) {
          this._send("call.aborted", id, { reason: "timeout" });
          reject(new CallError({ code: "TIMEOUT", message: `${path} did not answer within ${timeoutMs} ms`, retryable: true }));
        }
      }, timeoutMs);
      const done = (f) => (v) => { clearTimeout(timer); f(v); };
      this.pending.set(id, { output: (o) => { this.pending.delete(id); done(resolve)(o); }, complete: done(() => resolve(null)), fail: done(reject) });
      this._send("call.requested", id, { operationId: path, input, timeoutMs });
    });
  }

  /**
   * Streams a subscription: onOutput runs for each output, as it arrives.
   * @returns {{abort: Function, done: Promise<void>}} done settles when the stream ends
   */
  stream(path, input = {}, onOutput = () => {}) {
    const id = `s${this.nextId++}`;
    let consumed = 0;
    const done = new Promise((resolve, reject) => {
      this.pending.set(id, {
        output: (o) => {
          onOutput(o);
          if (++consumed >= STREAM_WINDOW / 2) { this._send("call.credit", id, { n: consumed }); consumed = 0; }
        },
        complete: resolve,
        fail: reject,
      });
    });
    this._send("call.requested", id, { operationId: path, input, window: STREAM_WINDOW });
    return {
      done,
      abort: (reason = "aborted") => {
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          this._send("call.aborted", id, { reason });
          p.fail(new CallError({ code: "ABORTED", message: reason }));
        }
      },
    };
  }

  async _serve(e) {
    const op = this.serving[e.payload.operationId];
    if (!op) {
      this._send("call.error", e.id, { code: "NOT_FOUND", message: `this browser serves no ${e.payload.operationId}`, retryable: false });
      return;
    }
    const call = { aborted: false, caller: e.payload.caller, id: e.id };
    this.inbound.set(e.id, call);
    try {
      const output = await op.handler(e.payload.input || {}, call);
      if (!call.aborted) this._send("call.responded", e.id, { output: output === undefined ? null : output });
    } catch (err) {
      if (!call.aborted) this._send("call.error", e.id, { code: err.code || "INTERNAL", message: String(err.message || err), retryable: false });
    } finally {
      this.inbound.delete(e.id);
    }
  }

  /** Says bye and closes. */
  close() {
    this._send("bye", "", { code: "ABORTED", message: "closing" });
    this.ws.close();
  }
}
