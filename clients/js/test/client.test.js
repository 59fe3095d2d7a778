// The client in Node.js (WebSocket from the `ws` package) against the real hub and spoke jars: calls,
// streams and their abort, the error codes a caller sees, and operations served from Node that the Java
// CLI calls.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { Callmesh, CallError } from "../callmesh.js";
import { TestMesh, eventually } from "./mesh.js";

const LIMIT = { timeout: 30000 }; // per test: a stalled stream fails its own test, not the whole file

describe("the JavaScript client in Node.js, through a real hub", { timeout: 90000 }, () => {
  let mesh;
  let root;
  let keys;
  let tokens;
  const clients = [];

  const connect = async (options) => {
    const c = await Callmesh.connect({ url: mesh.wsUrl, WebSocket, ...options });
    clients.push(c);
    return c;
  };

  // Nothing is left pending on either side after a test that made calls.
  const assertIdle = async (c) => {
    assert.deepEqual(c.inFlight, { calls: 0, serving: 0 });
    const spokes = (await admin().call("/hub/spokes/list", {})).spokes;
    assert.equal(spokes.find((s) => s.name === "dev1").inFlight, 0);
  };
  const admin = () => clients[0];

  before(async () => {
    mesh = await TestMesh.create();
    root = await mesh.root("dev1");
    await writeFile(path.join(root, "README.md"), "# read from Node\n");
    keys = {
      dev1: await mesh.authorizedKey("dev1", 'name="dev1",spoke="dev1"'),
      admin: await mesh.authorizedKey("admin", 'name="admin",allow="/dev1/*,/hub/*,/node1/*,/ghost/*"'),
      viewer: await mesh.authorizedKey("viewer", 'name="viewer",allow="/dev1/fs/stat"'),
      node1: await mesh.authorizedKey("node1", 'name="node1",spoke="node1",allow="/dev1/fs/*"'),
    };
    await mesh.startHub();
    await mesh.startSpoke("dev1", keys.dev1, root);
    // A JWT from the CLI; and a signed-timestamp token from the CLI, traded for a JWT over HTTP.
    const [adminJwt, viewerJwt, node1Offline] = await Promise.all([mesh.token(keys.admin), mesh.token(keys.viewer),
      mesh.token(keys.node1, "--offline")]);
    const res = await fetch(`http://127.0.0.1:${mesh.httpPort}/v1/auth/token`, {
      method: "POST", body: "{}",
      headers: { Authorization: `Bearer ${node1Offline}`, "Content-Type": "application/json" } });
    assert.equal(res.status, 200, await res.clone().text());
    tokens = { admin: adminJwt, viewer: viewerJwt, node1Offline, node1: (await res.json()).token };
    await connect({ token: tokens.admin });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await mesh.close();
  });

  test("the hub serves these very files at /callmesh.js and beside it, as JavaScript", LIMIT, async () => {
    const here = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
    const files = (await readdir(here)).filter((f) => /^callmesh.*\.js$/.test(f));
    assert.ok(files.includes("callmesh.js") && files.length > 1, files.join());
    for (const f of files) {
      const res = await fetch(`http://127.0.0.1:${mesh.httpPort}/${f}`);
      assert.equal(res.status, 200, f);
      assert.match(res.headers.get("content-type"), /javascript/, f);
      assert.ok(await res.text() === await readFile(path.join(here, f), "utf8"),
        `the hub's /${f} differs from clients/js/${f}: rebuild the hub jar (./mvnw -B -o package -DskipTests)`);
    }
  });

  test("a call gets its output; the welcome names the identity", LIMIT, async () => {
    const c = admin();
    assert.equal(c.state, "open");
    assert.equal(c.welcome.identity.id, "admin");
    const out = await c.call("/dev1/fs/readFile", { path: "README.md" });
    assert.equal(out.content, "# read from Node\n");
    const listed = (await c.call("/services/list", { spoke: "dev1" })).operations.map((o) => o.name);
    assert.ok(listed.includes("/dev1/fs/readFile"), listed.join());
    await assertIdle(c);
  });

  test("a stream delivers every output to its callback, or to a for-await loop paced by credits", LIMIT, async () => {
    const c = admin();
    const outputs = [];
    await c.stream("/dev1/bash/exec", { command: "echo one; echo two" }, (o) => outputs.push(o)).done;
    assert.equal(outputs.filter((o) => o.stream === "stdout").map((o) => o.data).join(""), "one\ntwo\n");
    assert.deepEqual(outputs.at(-1), { exitCode: 0 });

    // 300 matches through a window of 4: it only completes if the loop's credits reach the spoke.
    await writeFile(path.join(root, "many.txt"), Array.from({ length: 300 }, (_, i) => `needle ${i}`).join("\n"));
    const lines = [];
    const grep = { pattern: "needle", path: "many.txt", regex: false };
    for await (const m of c.stream("/dev1/search/grep", grep, { window: 4 })) {
      lines.push(m.line);
    }
    assert.deepEqual(lines, Array.from({ length: 300 }, (_, i) => i + 1));
    await assertIdle(c);
  });

  test("aborting a stream, or leaving its loop, kills the process on the spoke", LIMIT, async () => {
    const c = admin();
    const loop = (pidFile) => ({ command: `echo $$ > ${pidFile}; while true; do echo tick; sleep 0.05; done` });
    let ticks = 0;
    let stream;
    const three = new Promise((resolve) => {
      stream = c.stream("/dev1/bash/exec", loop("a.pid"), (o) => {
        if (o.stream === "stdout" && ++ticks === 3) resolve();
      });
    });
    await three;
    stream.abort("enough");
    await assert.rejects(stream.done, (e) => e instanceof CallError && e.code === "ABORTED" && e.message === "enough");
    await assertGone(path.join(root, "a.pid"));

    for await (const o of c.stream("/dev1/bash/exec", loop("b.pid"))) {
      if (o.stream === "stdout") break;
    }
    await assertGone(path.join(root, "b.pid"));

    const ac = new AbortController();
    const p = c.call("/dev1/bash/run", { command: "sleep 30" }, { signal: ac.signal });
    setTimeout(() => ac.abort("changed my mind"), 200);
    await assert.rejects(p, { code: "ABORTED", message: "changed my mind" });
    await eventually(async () => assertIdle(c).then(() => true), 5000, "nothing pending");
  });

  test("every failure is a CallError with the hub's code, message, retryable and details", LIMIT, async () => {
    const c = admin();
    await assert.rejects(c.call("/dev1/fs/readFile", { path: "missing.txt" }), { code: "FILE_NOT_FOUND", retryable: false });
    await assert.rejects(c.call("/dev1/fs/nope", {}), { code: "NOT_FOUND", retryable: false });
    await assert.rejects(c.call("/ghost/fs/stat", { path: "." }), { code: "UNAVAILABLE", retryable: true });
    const invalid = await c.call("/dev1/fs/readFile", { path: 7 }).catch((e) => e);
    assert.equal(invalid.code, "INVALID_INPUT", invalid.message);
    assert.equal(invalid.details.path, "/path");
    await assert.rejects(c.call("/dev1/bash/run", { command: "sleep 10" }, { timeoutMs: 300 }),
      { code: "TIMEOUT", retryable: true });
    await assert.rejects(c.call("/dev1/fs/stat", { big: 1n }), { code: "INVALID_INPUT" });

    const viewer = await connect({ token: tokens.viewer });
    assert.equal((await viewer.call("/dev1/fs/stat", { path: "README.md" })).type, "file");
    await assert.rejects(viewer.call("/dev1/fs/readFile", { path: "README.md" }), { code: "FORBIDDEN", retryable: false });
    await viewer.close();
    assert.equal(viewer.state, "closed");
    await assert.rejects(viewer.call("/dev1/fs/stat", { path: "." }), { code: "UNAVAILABLE", retryable: false });

    await assert.rejects(Callmesh.connect({ url: mesh.wsUrl, WebSocket, token: "not-a-token" }),
      (e) => e instanceof CallError && e.code === "UNAUTHENTICATED");
    await assert.rejects(Callmesh.connect({ url: `ws://127.0.0.1:${mesh.port}/v1/ws`, WebSocket, token: tokens.admin }),
      { code: "UNAVAILABLE", retryable: true });
    await eventually(async () => assertIdle(c).then(() => true), 5000, "nothing pending");
  });

  test("operations served from Node are called by the Java CLI and by Node; they call on behalf of their caller", LIMIT, async () => {
    const served = [];
    let produced = 0;
    let waited = null;
    const node1 = await connect({ token: tokens.node1, spoke: "node1", serve: {
      "/echo/echo": { spec: { description: "Answers its input" },
        handler: (input, ctx) => {
          served.push(ctx.metadata.traceparent);
          return { echo: input, caller: ctx.caller.id };
        } },
      "/echo/fail": () => { throw new Error("it broke"); },
      "/echo/exists": () => {
        throw new CallError({ code: "FILE_EXISTS", message: "already there", details: { path: "x" } });
      },
      "/echo/readme": async (input, ctx) => (await ctx.call("/dev1/fs/readFile", { path: "README.md" })).content,
      "/echo/wait": (input, ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener("abort", () => { waited = ctx.signal.reason; resolve(null); });
      }),
      "/count/up": { spec: { opType: "subscription" }, handler: async function* (input) {
        for (let i = 1; i <= input.n; i++) {
          produced = i;
          yield { i };
        }
      } },
    } });
    assert.equal(node1.welcome.spoke, "node1");

    const [echo, stream, fail, services] = await Promise.all([
      mesh.cli(keys.admin, "call", "/node1/echo/echo", '{"x":1}'),
      mesh.cli(keys.admin, "stream", "/node1/count/up", '{"n":3}'),
      mesh.cli(keys.admin, "call", "/node1/echo/fail", "{}"),
      mesh.cli(keys.admin, "services", "--spoke", "node1"),
    ]);
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(JSON.parse(echo.stdout), { echo: { x: 1 }, caller: "admin" });
    assert.match(served[0], /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/, "the hub passes a traceparent on");
    assert.equal(stream.code, 0, stream.stderr);
    assert.deepEqual(stream.stdout.trim().split("\n").map((l) => JSON.parse(l)), [{ i: 1 }, { i: 2 }, { i: 3 }]);
    assert.equal(fail.code, 1, fail.stdout);
    assert.match(fail.stderr, /INTERNAL/);
    assert.match(fail.stderr, /it broke/);
    assert.match(services.stdout, /\/node1\/echo\/echo/);

    const c = admin();
    await assert.rejects(c.call("/node1/echo/exists", {}),
      { code: "FILE_EXISTS", message: "already there", details: { path: "x" } });
    await assert.rejects(c.call("/node1/echo/nope", {}), { code: "NOT_FOUND" });
    assert.equal(await c.call("/node1/echo/readme", {}), "# read from Node\n");
    // A deadline reaches the handler as an aborted signal.
    await assert.rejects(c.call("/node1/echo/wait", {}, { timeoutMs: 300 }), { code: "TIMEOUT", retryable: true });
    await eventually(() => waited, 5000, "the handler's signal aborted");
    assert.equal(waited.code, "ABORTED");
    // A generator served from Node runs no further ahead of a slow reader than the window and credits allow.
    const outputs = c.stream("/node1/count/up", { n: 100 }, { window: 3 })[Symbol.asyncIterator]();
    const counted = [(await outputs.next()).value.i];
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(produced <= 3 + 2, `the generator ran ahead to ${produced}`);
    for await (const o of { [Symbol.asyncIterator]: () => outputs }) counted.push(o.i);
    assert.deepEqual(counted, Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(node1.inFlight, { calls: 0, serving: 0 });
    await assertIdle(c);
  });
});

// The process whose pid the file holds is gone within 5 s.
async function assertGone(pidFile) {
  await eventually(() => existsSync(pidFile), 5000, `${pidFile} written`);
  const pid = Number((await readFile(pidFile, "utf8")).trim());
  await eventually(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 5000, `process ${pid} killed`);
}
