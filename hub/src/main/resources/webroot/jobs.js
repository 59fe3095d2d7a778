// The dashboard's Jobs panel: the signed-in identity's jobs (refreshed every few seconds), a job's outputs
// on click, Abort for running ones, and "Start as job" for the operation and input of the Call panel.
const REFRESH_MS = 3000;

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function describe(err) {
  return err.code ? `${err.code}: ${err.message}` : String(err);
}

/**
 * Starts the Jobs panel for a signed-in connection.
 * @param mesh the connection (from Callmesh.connect)
 * @param input returns the Call panel's input object, or null when it is not valid (and says so)
 */
export function startJobs(mesh, input) {
  let shown = null; // the id of the job whose outputs are shown

  async function refresh() {
    let out;
    try {
      out = await mesh.call("/hub/jobs/list", { limit: 50 });
    } catch (err) {
      $("jobs-note").textContent = `Jobs are hidden: ${describe(err)}`;
      return;
    }
    $("jobs-note").textContent = out.jobs.length ? "" : "No jobs yet: start one with \"Start as job\".";
    const list = $("jobs");
    list.replaceChildren();
    for (const j of out.jobs) {
      const li = el("li");
      li.dataset.job = j.job;
      const head = el("div");
      head.append(el("span", j.state, `state ${j.state}`), el("span", ` ${j.operationId}`));
      if (j.state === "running") {
        const abort = el("button", "Abort");
        abort.type = "button";
        abort.className = "abort";
        abort.addEventListener("click", async (ev) => {
          ev.stopPropagation();
          try { await mesh.call("/hub/jobs/abort", { job: j.job }); } catch (err) { $("jobs-note").textContent = describe(err); }
          refresh();
        });
        head.append(abort);
      }
      const when = `started ${j.startedAt}` + (j.endedAt ? ` · ended ${j.endedAt}` : "");
      li.append(head, el("div", `${j.job} · ${when}`, "meta"));
      li.addEventListener("click", () => { shown = j.job; detail(); });
      list.append(li);
    }
    $("job-count").textContent = `(${out.jobs.length})`;
    if (shown) detail();
  }

  async function detail() {
    try {
      const job = await mesh.call("/hub/jobs/get", { job: shown });
      $("job-detail").textContent = JSON.stringify(job, null, 2);
      $("job-detail").classList.remove("error");
    } catch (err) {
      $("job-detail").textContent = describe(err);
      $("job-detail").classList.add("error");
    }
  }

  $("job-button").addEventListener("click", async () => {
    const args = input();
    if (!args) return;
    try {
      const out = await mesh.call("/hub/jobs/start", { operationId: $("call-path").value.trim(), input: args });
      shown = out.job;
      refresh();
    } catch (err) {
      $("job-detail").textContent = describe(err);
      $("job-detail").classList.add("error");
    }
  });
  $("job-button").disabled = false;
  refresh();
  setInterval(refresh, REFRESH_MS);
}
