// The callmesh dashboard: plain DOM, no framework; everything goes through /callmesh.js.
import { Callmesh } from "./callmesh.js";
import { startJobs } from "./jobs.js";

const $ = (id) => document.getElementById(id);
let mesh = null;
let running = null;       // the stream in progress, if any
let operations = [];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function show(value, isError = false) {
  $("result").textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  $("result").classList.toggle("error", isError);
}

function describe(err) {
  return err.code ? `${err.code}: ${err.message}` : String(err);
}

function status(text, on) {
  $("status").textContent = text;
  $("status").className = on ? "status on" : "status";
}

async function signIn(token) {
  $("signin-error").textContent = "";
  try {
    // A hub that restarts is dialled again (with backoff); what the page shows is then loaded afresh.
    mesh = await Callmesh.connect({ token, reconnect: true,
      onClose: (err) => status(mesh.state === "reconnecting" ? "reconnecting…" : `disconnected: ${describe(err)}`, false),
      onReconnect: () => {
        status(`signed in as ${mesh.welcome.identity.id}`, true);
        spokes.clear();
        loadOperations().catch((err) => show(describe(err), true));
        watchSpokes();
      } });
  } catch (err) {
    $("signin-error").textContent = `Could not sign in: ${describe(err)}`;
    return;
  }
  sessionStorage.setItem("callmesh-token", token);
  status(`signed in as ${mesh.welcome.identity.id}`, true);
  $("signin").hidden = true;
  $("app").hidden = false;
  startJobs(mesh, input);
  await Promise.all([loadOperations(), watchSpokes()]);
}

async function loadOperations() {
  const out = await mesh.call("/services/list", {});
  operations = out.operations;
  renderOperations();
}

function renderOperations() {
  const filter = $("op-filter").value.trim();
  const list = $("operations");
  list.replaceChildren();
  const shown = operations.filter((o) => !filter || o.name.includes(filter));
  for (const op of shown) {
    const li = el("li");
    li.append(el("div", op.name), el("div", `${op.opType} — ${op.description || ""}`, "meta"));
    li.dataset.name = op.name;
    li.addEventListener("click", () => pick(op));
    list.append(li);
  }
  $("op-count").textContent = `(${shown.length})`;
}

async function pick(op) {
  $("call-path").value = op.name;
  $("stream-button").classList.toggle("primary", op.opType === "subscription");
  try {
    const spec = await mesh.call("/services/schema", { name: op.name });
    $("schema").textContent = JSON.stringify(spec, null, 2);
    const required = (spec.inputSchema && spec.inputSchema.required) || [];
    const example = Object.fromEntries(required.map((k) => [k, ""]));
    $("call-input").value = JSON.stringify(example, null, 2);
    $("schema-box").open = true;
  } catch (err) {
    $("schema").textContent = describe(err);
  }
}

const spokes = new Map();
function renderSpokes() {
  const list = $("spokes");
  list.replaceChildren();
  for (const s of [...spokes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const li = el("li");
    const where = s.hub ? `on hub ${s.hub}` : "";
    li.append(el("div", s.name), el("div", [s.identity, s.transport, s.remoteAddress, where].filter(Boolean).join(" · "), "meta"));
    // pool and labels: what fan-out targets (--label) and pooled calls (/POOL/...) go by
    const tags = [s.pool ? `pool ${s.pool}` : "", ...Object.entries(s.labels || {}).map(([k, v]) => `${k}=${v}`)];
    if (tags.some(Boolean)) li.append(el("div", tags.filter(Boolean).join(" · "), "meta labels"));
    list.append(li);
  }
  $("spoke-count").textContent = `(${spokes.size})`;
}

async function watchSpokes() {
  try {
    const out = await mesh.call("/hub/spokes/list", {});
    for (const s of out.spokes) spokes.set(s.name, s);
    renderSpokes();
  } catch (err) {
    $("spokes-note").textContent = `Spokes are hidden: ${describe(err)}`;
    return;
  }
  mesh.stream("/hub/spokes/watch", {}, (ev) => {
    if (ev.event === "joined") {
      spokes.set(ev.spoke, { name: ev.spoke, identity: "", transport: "", remoteAddress: `joined ${ev.at}`, hub: ev.hub });
      mesh.call("/hub/spokes/list", {}).then((out) => { // its labels and pool
        const now = out.spokes.find((x) => x.name === ev.spoke);
        if (now && spokes.has(ev.spoke)) { spokes.set(ev.spoke, now); renderSpokes(); }
      }).catch(() => {});
    } else spokes.delete(ev.spoke);
    renderSpokes();
    loadOperations();
  }).done.catch(() => {});
}

function input() {
  if (!mesh) {
    show("Sign in first.", true);
    return null;
  }
  try {
    return JSON.parse($("call-input").value || "{}");
  } catch (err) {
    show(`The input is not JSON: ${err.message}`, true);
    return null;
  }
}

$("call-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const args = input();
  if (!args) return;
  show("…");
  try {
    show(await mesh.call($("call-path").value.trim(), args));
  } catch (err) {
    show(describe(err), true);
  }
});

$("stream-button").addEventListener("click", () => {
  const args = input();
  if (!args) return;
  const lines = [];
  show("");
  running = mesh.stream($("call-path").value.trim(), args, (o) => {
    lines.push(JSON.stringify(o));
    show(lines.join("\n"));
  });
  $("abort-button").disabled = false;
  running.done
    .then(() => show(lines.concat("— completed").join("\n")))
    .catch((err) => show(lines.concat(`— ${describe(err)}`).join("\n"), err.code !== "ABORTED"))
    .finally(() => { running = null; $("abort-button").disabled = true; });
});

$("abort-button").addEventListener("click", () => running && running.abort("aborted from the dashboard"));
$("op-filter").addEventListener("input", renderOperations);
$("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("token").value.trim()); });

// A token in the URL fragment (never sent to the server) or from this tab's session signs in at once.
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) history.replaceState(null, "", location.pathname);
const saved = fromHash || sessionStorage.getItem("callmesh-token");
if (saved) signIn(saved);
