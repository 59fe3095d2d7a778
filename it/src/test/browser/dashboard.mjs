// Drives the dashboard and /callmesh.js in a real Chromium; prints one JSON line of results.
// Env: HUB_HTTP (http://127.0.0.1:PORT), ADMIN_TOKEN, BROWSER_TOKEN (a key granted spoke="browser-*"),
//      CHROMIUM (path), SHOT (where to save a screenshot).
import { chromium } from "playwright-core";

const base = process.env.HUB_HTTP;
const results = {};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));

  // 0. Signed out (a page of its own: the dashboard reads #token= only when it loads): only the sign-in
  //    box shows; submitting the call form (it is hidden) throws nothing.
  const out = await browser.newPage();
  out.on("pageerror", (e) => pageErrors.push(String(e)));
  await out.goto(`${base}/`);
  await out.waitForSelector("#signin-form");
  results.signedOut = {
    appVisible: await out.isVisible("#app"),
    callVisible: await out.isVisible("#call-button"),
    signinVisible: await out.isVisible("#signin"),
  };
  await out.evaluate(() => {
    document.getElementById("call-path").value = "/dev1/fs/readFile";
    document.getElementById("call-form").requestSubmit();
    document.getElementById("stream-button").click();
  });
  await out.waitForTimeout(300);
  results.signedOut.errors = pageErrors.splice(0);
  await out.close();

  // 1. The dashboard, opened signed in with #token=.
  await page.goto(`${base}/#token=${encodeURIComponent(process.env.ADMIN_TOKEN)}`);
  await page.waitForSelector("#status.on");
  results.status = await page.textContent("#status");
  results.urlAfterSignIn = page.url();
  await page.waitForSelector('#operations li[data-name="/dev1/fs/readFile"]');
  await page.waitForSelector("#spokes li");
  results.spokes = await page.$$eval("#spokes li", (lis) => lis.map((li) => li.firstChild.textContent));
  results.spokeLabels = await page.$$eval("#spokes li .labels", (els) => els.map((e) => e.textContent));
  await page.click('#operations li[data-name="/dev1/fs/readFile"]');
  await page.waitForFunction(() => document.getElementById("schema").textContent.includes("inputSchema"));
  await page.fill("#call-input", JSON.stringify({ path: "README.md" }));
  await page.click("#call-button");
  await page.waitForFunction(() => document.getElementById("result").textContent.includes("content"));
  results.callResult = JSON.parse(await page.textContent("#result"));
  results.schema = JSON.parse(await page.textContent("#schema"));

  // 1b. Jobs: the Call panel's operation and input started as a job, listed with its state, its outputs shown;
  //     then a running job aborted with its Abort button.
  await page.click("#job-button");
  await page.waitForSelector("#jobs li .state.completed");
  results.jobList = await page.$$eval("#jobs li", (lis) => lis.map((li) => li.firstChild.textContent));
  await page.click("#jobs li");
  await page.waitForFunction(() => document.getElementById("job-detail").textContent.includes("\"outputs\""));
  results.jobDetail = JSON.parse(await page.textContent("#job-detail"));
  await page.fill("#call-path", "/dev1/bash/exec");
  await page.fill("#call-input", JSON.stringify({ command: "sleep 30" }));
  await page.click("#job-button");
  await page.click("#jobs li button.abort");
  await page.waitForSelector("#jobs li .state.aborted");
  results.jobStates = await page.$$eval("#jobs li .state", (s) => s.map((e) => e.textContent));
  results.pageErrors = pageErrors;
  if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT, fullPage: true });

  // 2. The module on its own: a stream, and a browser spoke that another connection calls through the hub.
  results.module = await page.evaluate(async ({ admin, spokeToken }) => {
    const { Callmesh } = await import("/callmesh.js");
    const caller = await Callmesh.connect({ token: admin });
    const outputs = [];
    await caller.stream("/dev1/bash/exec", { command: "echo one; echo two" }, (o) => outputs.push(o)).done;
    window.alerts = [];
    const spoke = await Callmesh.connect({
      token: spokeToken, spoke: "browser-1",
      serve: { "/notify/alert": { spec: { opType: "mutation", description: "Shows an alert" },
        handler: (input) => { window.alerts.push(input.text); return { shown: true }; } } },
    });
    const listed = (await caller.call("/services/list", { spoke: "browser-1" })).operations.map((o) => o.name);
    const answer = await caller.call("/browser-1/notify/alert", { text: "hello browser" });
    let missing = null;
    try { await caller.call("/browser-1/notify/nope", {}); } catch (e) { missing = e.code; }
    spoke.close();
    caller.close();
    return { outputs, listed, answer, alerts: window.alerts, missing };
  }, { admin: process.env.ADMIN_TOKEN, spokeToken: process.env.BROWSER_TOKEN });

  // 3. JSON-RPC 2.0 from the page's own WebSocket (same origin): auth first, a call, a subscription, a close.
  results.jsonrpc = await page.evaluate(async (token) => {
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/v1/jsonrpc`);
    const inbox = [];
    let wake = null;
    ws.onmessage = (m) => { inbox.push(JSON.parse(m.data)); if (wake) wake(); };
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
    const next = async () => { while (!inbox.length) await new Promise((r) => { wake = r; }); return inbox.shift(); };
    const send = (o) => ws.send(JSON.stringify({ jsonrpc: "2.0", ...o }));
    send({ id: 1, method: "/dev1/fs/stat", params: { path: "README.md" } });
    const before = await next();
    send({ id: 2, method: "auth.authenticate", params: { token } });
    const auth = await next();
    send({ id: 3, method: "/dev1/fs/readFile", params: { path: "README.md" } });
    const read = await next();
    send({ id: 4, method: "/dev1/bash/exec", params: { command: "echo one; echo two" } });
    const sub = await next();
    const outputs = [];
    let end;
    for (;;) {
      const n = await next();
      if (n.method === "subscription") outputs.push(n.params.output); else { end = n; break; }
    }
    send({ id: 5, method: "/dev1/fs/writeFile", params: { path: "big.txt", content: "x".repeat(200000) } });
    const big = await next(); // one message of 200 kB, sent as the browser sends it
    send({ id: 6, method: "/dev1/fs/readFile", params: { path: "big.txt" } });
    const bigRead = await next();
    const closed = new Promise((r) => { ws.onclose = (e) => r(e.code); });
    ws.close(1000);
    return { before: before.error.data.code, identity: auth.result.identity.id, content: read.result.content,
      subscription: sub.result.subscription, outputs, end: end.method, sameSubscription: end.params.subscription
        === sub.result.subscription, bigWritten: big.result.size, bigRead: bigRead.result.content.length,
      closeCode: await closed };
  }, process.env.ADMIN_TOKEN);
} catch (err) {
  results.error = String(err && err.stack || err);
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
