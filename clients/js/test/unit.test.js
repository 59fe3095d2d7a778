// The parts of the client that need no hub: backoff, errors, options, envelopes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Callmesh, CallError, ErrorCode } from "../callmesh.js";
import { Backoff, isFinal } from "../callmesh-reconnect.js";
import { encode, parse } from "../callmesh-wire.js";
import { traceparent } from "../callmesh-trace.js";

describe("Backoff", () => {
  test("waits grow exponentially from baseMs, jittered within the upper half, capped at maxMs; reset starts over", () => {
    const b = Backoff.from({ baseMs: 100, maxMs: 1000 });
    const ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
    for (let round = 0; round < 50; round++) {
      b.reset();
      for (const ceiling of ceilings) {
        const wait = b.next();
        assert.ok(wait >= ceiling / 2 && wait <= ceiling, `wait ${wait} outside [${ceiling / 2}, ${ceiling}]`);
      }
    }
    const waits = new Set();
    for (let i = 0; i < 20; i++) {
      b.reset();
      waits.add(b.next());
    }
    assert.ok(waits.size > 1, "the waits are jittered");
  });

  test("reconnect: false gives no policy, true the defaults; bad waits are refused", () => {
    assert.equal(Backoff.from(undefined), null);
    assert.equal(Backoff.from(false), null);
    assert.deepEqual([Backoff.from(true).baseMs, Backoff.from(true).maxMs], [200, 10000]);
    assert.throws(() => Backoff.from({ baseMs: 0 }), TypeError);
    assert.throws(() => Backoff.from({ baseMs: 500, maxMs: 100 }), TypeError);
  });

  test("refusals another attempt cannot change are final; a lost or shutting-down hub is not", () => {
    assert.ok(isFinal(new CallError({ code: "UNAUTHENTICATED", message: "bad token" })));
    assert.ok(isFinal(new CallError({ code: "ABORTED", message: "replaced by a newer connection" })));
    assert.ok(!isFinal(new CallError({ code: "UNAVAILABLE", message: "the hub is shutting down" })));
    assert.ok(!isFinal(new CallError({ code: "PROTOCOL", message: "?" })));
  });
});

describe("CallError", () => {
  test("carries the wire code, message, retryable (from the code unless given) and details", () => {
    const e = new CallError({ code: "INVALID_INPUT", message: "no path", details: { path: "/path" } });
    assert.ok(e instanceof Error);
    assert.deepEqual([e.code, e.message, e.retryable, e.details], ["INVALID_INPUT", "no path", false, { path: "/path" }]);
    assert.equal(new CallError({ code: "TIMEOUT" }).retryable, true);
    assert.equal(new CallError({ code: "TIMEOUT", retryable: false }).retryable, false);
    assert.equal(new CallError(null).code, "INTERNAL");
  });

  test("from() keeps a callmesh code a handler threw, and makes anything else INTERNAL", () => {
    assert.equal(CallError.from(Object.assign(new Error("exists"), { code: ErrorCode.FILE_EXISTS })).code, "FILE_EXISTS");
    const sys = CallError.from(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    assert.deepEqual([sys.code, sys.message], ["INTERNAL", "connect ECONNREFUSED"]);
    assert.equal(CallError.from("plain").message, "plain");
  });
});

describe("options", () => {
  test("Node has no page: connect without url is refused, saying what to pass", async () => {
    await assert.rejects(Callmesh.connect({ token: "t", WebSocket: class {} }), /pass url/);
  });

  test("Node 20 has no global WebSocket: connect without one is refused, naming the ws package", async () => {
    const saved = globalThis.WebSocket;
    delete globalThis.WebSocket;
    try {
      await assert.rejects(Callmesh.connect({ token: "t", url: "ws://127.0.0.1:1/v1/ws" }), /"ws"/);
    } finally {
      if (saved) globalThis.WebSocket = saved;
    }
  });

  test("a token is required; serve entries need a handler", async () => {
    await assert.rejects(Callmesh.connect({ url: "ws://x/v1/ws", WebSocket: class {} }), /needs a token/);
    await assert.rejects(Callmesh.connect({ url: "ws://x/v1/ws", token: "t", WebSocket: class {},
      serve: { "/a/b": {} } }), /handler/);
  });
});

describe("envelopes", () => {
  test("encode refuses what is not JSON (INVALID_INPUT) and what is over the frame limit (RESOURCE_EXHAUSTED)", () => {
    assert.throws(() => encode("call.requested", "c1", { input: 1n }), { code: "INVALID_INPUT" });
    assert.throws(() => encode("call.requested", "c1", { input: "é".repeat(600) }, 1000), { code: "RESOURCE_EXHAUSTED" });
    assert.equal(encode("ping", "", { t: 1 }, 1000), '{"type":"ping","id":"","payload":{"t":1}}');
  });

  test("parse takes a text envelope and nothing else", () => {
    assert.deepEqual(parse('{"type":"ping","payload":{"t":1}}'), { type: "ping", id: "", payload: { t: 1 } });
    assert.equal(parse("[1]"), null);
    assert.equal(parse('{"id":"x"}'), null);
    assert.equal(parse("{"), null);
    assert.equal(parse(new Uint8Array([123, 125])), null);
  });

  test("traceparent: a new trace, or a child of a valid parent's trace", () => {
    const tp = traceparent();
    assert.match(tp, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const child = traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    assert.match(child, /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    assert.notEqual(child.split("-")[2], "00f067aa0ba902b7");
    assert.notEqual(traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").split("-")[1], "0".repeat(32));
  });
});
