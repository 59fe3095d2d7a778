// Reconnecting in Node.js against the real hub jar: the hub is killed (SIGKILL, by pid) and started again
// on the same ports; callers and Node spokes come back by themselves, with backoff.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { Callmesh } from "../callmesh.js";
import { TestMesh, eventually } from "./mesh.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const BACKOFF = { baseMs: 50, maxMs: 500 };
const HUB_ARGS = ["--heartbeat", "1s"]; // the hub pings every second, and the welcome tells the clients to

describe("reconnecting to a hub that went away", { timeout: 90000 }, () => {
  let mesh;
  let tokens;
  const clients = [];

  const connect = async (options) => {
    const c = await Callmesh.connect({ url: mesh.wsUrl, WebSocket, reconnect: BACKOFF, ...options });
    clients.push(c);
    return c;
  };
  const spokeNames = async (c) => (await c.call("/hub/spokes/list", {})).spokes.map((s) => s.name);

  before(async () => {
    mesh = await TestMesh.create();
    const admin = await mesh.authorizedKey("admin", 'name="admin",allow="/node2/*,/hub/*"');
    const node2 = await mesh.authorizedKey("node2", 'name="node2",spoke="node2"');
    const fickle = await mesh.authorizedKey("fickle", 'name="fickle"');
    await mesh.startHub({ args: HUB_ARGS });
    // Hub JWTs: the hub keeps its key (--hub-key), so they stay valid across its restart.
    const [a, n, f] = await Promise.all([mesh.token(admin), mesh.token(node2), mesh.token(fickle)]);
    tokens = { admin: a, node2: n, fickle: f };
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await mesh.close();
  });

  test("calls in progress fail UNAVAILABLE; clients dial again with growing waits; a Node spoke re-registers; close() stops it",
    { timeout: 80000 }, async () => {
      const dials = [];
      class CountingWebSocket extends WebSocket {
        constructor(...args) {
          super(...args);
          dials.push(Date.now());
        }
      }
      const seen = { caller: [], spoke: [], fickle: [] };
      const caller = await connect({ token: tokens.admin, WebSocket: CountingWebSocket,
        onClose: (e) => seen.caller.push(`close ${e.code} ${caller.state}`), onReconnect: () => seen.caller.push("reconnect") });
      let hanging = null;
      const spoke = await connect({ token: tokens.node2, spoke: "node2", serve: {
        "/echo/echo": (input) => ({ echo: input }),
        "/echo/hang": (input, ctx) => new Promise((resolve, reject) => {
          hanging = ctx.signal;
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        }),
      }, onClose: (e) => seen.spoke.push(`close ${e.code}`), onReconnect: () => seen.spoke.push("reconnect") });
      let asked = 0;
      const fickle = await connect({ token: () => (++asked === 1 ? tokens.fickle : "no longer a valid token"),
        onClose: (e) => seen.fickle.push(`close ${e.code} ${fickle.state}`) });

      assert.deepEqual(await caller.call("/node2/echo/echo", { n: 1 }), { echo: { n: 1 } });
      const inProgress = caller.call("/node2/echo/hang", {}, { timeoutMs: 60000 }).then(() => null, (e) => e);
      await eventually(() => hanging, 5000, "the call reached the Node spoke");

      // GIVEN a hub killed at once
      const { port, httpPort } = mesh;
      const dialsBefore = dials.length;
      const down = Date.now();
      await mesh.hub.kill("SIGKILL");

      // THEN what was in progress fails, on both sides, and calls fail fast while it is away
      const failed = await inProgress;
      assert.deepEqual([failed.code, failed.retryable], ["UNAVAILABLE", true], failed.message);
      await eventually(() => hanging.aborted, 5000, "the served call aborted");
      await eventually(() => caller.state === "reconnecting" && spoke.state === "reconnecting", 5000, "reconnecting");
      await assert.rejects(caller.call("/node2/echo/echo", {}), { code: "UNAVAILABLE", retryable: true });
      await sleep(1500);

      // WHEN it is back on the same ports
      await mesh.startHub({ port, httpPort, args: HUB_ARGS });
      const up = Date.now();
      await eventually(() => caller.state === "open" && spoke.state === "open", 15000, "both back");

      // THEN the Node spoke has registered its operations again, and calls work
      assert.deepEqual(await eventually(() => caller.call("/node2/echo/echo", { n: 2 }).catch(() => null), 10000),
        { echo: { n: 2 } });
      assert.deepEqual(seen.caller, ["close UNAVAILABLE reconnecting", "reconnect"]);
      assert.deepEqual(seen.spoke, ["close UNAVAILABLE", "reconnect"]);

      // The waits between failed dials grew from baseMs, doubling, up to maxMs (jitter keeps each in the upper half).
      const attempts = dials.slice(dialsBefore);
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
      assert.ok(attempts.length >= 4, `only ${attempts.length} dials while the hub was away: ${gaps}`);
      gaps.slice(0, 3).forEach((gap, k) => assert.ok(gap >= (BACKOFF.baseMs * 2 ** (k + 1)) / 2 - 5,
        `wait ${k + 1} was ${gap} ms: ${gaps}`));
      assert.ok(attempts.length <= 6 + (up - down) / (BACKOFF.maxMs / 2), `${attempts.length} dials in ${up - down} ms: ${gaps}`);

      // A refusal no attempt can change (its token is now bad) ends reconnecting for good.
      await eventually(() => fickle.state === "closed", 15000, "the client with a bad token gives up");
      assert.deepEqual(seen.fickle, ["close UNAVAILABLE reconnecting", "close UNAUTHENTICATED closed"]);
      assert.ok(asked >= 2, "the token function is asked again for each attempt");

      // close() stops reconnecting: the spoke leaves and does not come back.
      await spoke.close();
      assert.equal(spoke.state, "closed");
      await eventually(async () => !(await spokeNames(caller)).includes("node2"), 5000, "node2 gone");
      await sleep(1000);
      assert.ok(!(await spokeNames(caller)).includes("node2"), "a closed spoke does not reconnect");
      assert.deepEqual(caller.inFlight, { calls: 0, serving: 0 });
    });

  test("a hub that goes silent is dropped after three heartbeats, and dialled again once it answers", { timeout: 40000 },
    async () => {
      const seen = [];
      const c = await connect({ token: tokens.admin, connectTimeoutMs: 1500,
        onClose: (e) => seen.push(`close ${e.code}`), onReconnect: () => seen.push("reconnect") });
      assert.equal(c.welcome.heartbeatMs, 1000);

      // GIVEN a hub that stops answering while its connections stay up (SIGSTOP)
      mesh.hub.signal("SIGSTOP");
      const stopped = Date.now();
      let droppedAfter;
      try {
        await eventually(() => c.state === "reconnecting", 8000, "the silent hub dropped");
        droppedAfter = Date.now() - stopped;
      } finally {
        mesh.hub.signal("SIGCONT");
      }
      // THEN it was dropped after about three periods of silence, not at once
      assert.ok(droppedAfter >= 1500, `dropped ${droppedAfter} ms after the hub stopped`);
      assert.match(seen[0], /^close UNAVAILABLE/);

      // WHEN it answers again THEN the client is back and calls work
      await eventually(() => c.state === "open", 20000, "back after SIGCONT");
      assert.ok(Array.isArray((await c.call("/services/list", {})).operations));
      assert.equal(seen.at(-1), "reconnect");
    });
});
