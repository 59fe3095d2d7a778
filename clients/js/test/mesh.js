// A real hub (and spokes, and CLI runs) from the built jars, on loopback, with keys made by ssh-keygen.
// The jars come from the environment (CALLMESH_TEST_HUB_JAR, ..._SPOKE_JAR, ..._CLI_JAR, as NodeClientIT
// sets them), else from the repository's target folders; java is CALLMESH_TEST_JAVA, else on the PATH.

import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const JARS = {
  hub: process.env.CALLMESH_TEST_HUB_JAR || path.join(repo, "hub", "target", "callmesh-hub.jar"),
  spoke: process.env.CALLMESH_TEST_SPOKE_JAR || path.join(repo, "spoke", "target", "callmesh-spoke.jar"),
  cli: process.env.CALLMESH_TEST_CLI_JAR || path.join(repo, "cli", "target", "callmesh.jar"),
};
const JAVA = process.env.CALLMESH_TEST_JAVA || "java";
const JVM = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"];
const START_MS = 30000;

// Whatever happens to this test process, the JVMs it started do not outlive it.
const running = new Set();
process.on("exit", () => {
  for (const p of running) {
    try { process.kill(p.pid, "SIGKILL"); } catch { /* gone */ }
  }
});
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => process.exit(1)); // runs the "exit" handler

function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CALLMESH_")));
}

/** A jar running as a process; its stdout and stderr lines are kept. */
export class JavaProcess {
  constructor(name, args, cwd) {
    this.name = name;
    this.out = [];
    this.err = [];
    this._waiters = new Set();
    this.child = spawn(JAVA, [...JVM, ...args], { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    this.pid = this.child.pid;
    running.add(this);
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => {
      running.delete(this);
      this.exitCode = code === null ? signal : code;
      this._check();
      resolve(this.exitCode);
    }));
    this._pump(this.child.stdout, this.out);
    this._pump(this.child.stderr, this.err);
  }

  _pump(stream, lines) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop();
      lines.push(...parts);
      this._check();
    });
  }

  _check() {
    for (const w of this._waiters) w();
  }

  /** @returns {Promise<string>} the first stdout line that matches, waiting up to ms */
  awaitLine(match, ms = START_MS) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.out.find(match);
        if (line !== undefined || this.exitCode !== undefined || Date.now() > deadline) {
          this._waiters.delete(check);
          clearTimeout(timer);
          if (line !== undefined) resolve(line);
          else reject(new Error(`${this.name} did not print the line (${this.exitCode === undefined ? "timeout"
            : `exited ${this.exitCode}`})\nstdout: ${this.out.join("\n")}\nstderr: ${this.err.join("\n")}`));
        }
      };
      const deadline = Date.now() + ms;
      const timer = setTimeout(check, ms + 10);
      this._waiters.add(check);
      check();
    });
  }

  /** Sends a signal that does not end it (SIGSTOP, SIGCONT) to its pid. */
  signal(signal) {
    process.kill(this.pid, signal);
  }

  /** Sends the signal to its pid and waits for it to be gone. */
  async kill(signal = "SIGKILL") {
    if (this.exitCode === undefined) {
      try { process.kill(this.pid, signal); } catch { /* gone already */ }
    }
    await this.exited;
  }
}

function portOf(line) {
  return Number(line.slice(line.lastIndexOf(":") + 1).trim());
}

/** Files in a temporary directory, the processes started from them, and the jars' CLI. */
export class TestMesh {
  /** @returns {Promise<TestMesh>} a fresh directory with an empty authorized_keys */
  static async create() {
    for (const [what, jar] of Object.entries(JARS)) {
      if (!existsSync(jar)) throw new Error(`${jar} (the ${what} jar) is missing: build with ./mvnw -B -o package -DskipTests`);
    }
    const m = new TestMesh(await mkdtemp(path.join(tmpdir(), "callmesh-js-")));
    await writeFile(m.keys, "");
    return m;
  }

  constructor(dir) {
    this.dir = dir;
    this.keys = path.join(dir, "authorized_keys");
    this.processes = [];
    this.port = 0;
    this.httpPort = 0;
  }

  /** @returns {string} the hub's WebSocket URL */
  get wsUrl() {
    return `ws://127.0.0.1:${this.httpPort}/v1/ws`;
  }

  /** @returns {string} the hub's TCP URL, for spokes and the CLI */
  get tcpUrl() {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** @returns {Promise<string>} the path of a new ed25519 key made by ssh-keygen (and its .pub) */
  async key(name) {
    const file = path.join(this.dir, name);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${name}@js-test`, "-f", file]);
    return file;
  }

  /** Appends an authorized_keys line: the options, then the key's .pub line. */
  async authorize(options, key) {
    const pub = (await readFile(`${key}.pub`, "utf8")).trim();
    await appendFile(this.keys, `${options ? `${options} ` : ""}${pub}\n`);
  }

  /** @returns {Promise<string>} a new key, authorized with these options */
  async authorizedKey(name, options) {
    const key = await this.key(name);
    await this.authorize(options, key);
    return key;
  }

  /** @returns {Promise<string>} a fresh directory to serve as a spoke's root */
  async root(name) {
    const dir = path.join(this.dir, "roots", name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Starts the hub (on free ports, or the given ones; extra arguments after) and waits until both listeners are up. */
  async startHub({ port = 0, httpPort = 0, args = [] } = {}) {
    const hub = this._start("hub", ["-jar", JARS.hub, "--listen", `127.0.0.1:${port}`, "--http", `127.0.0.1:${httpPort}`,
      "--authorized-keys", this.keys, "--hub-id", "js-hub", "--hub-key", path.join(this.dir, "hub_key"),
      "--data-dir", path.join(this.dir, "data"), ...args]);
    this.port = portOf(await hub.awaitLine((l) => l.includes(" listening on ")));
    this.httpPort = portOf(await hub.awaitLine((l) => l.includes(" HTTP on ")));
    this.hub = hub;
    return hub;
  }

  /** Starts the Java spoke and waits until the hub has welcomed it. */
  async startSpoke(name, key, root) {
    const spoke = this._start(`spoke-${name}`, ["-jar", JARS.spoke, "--hub", this.tcpUrl, "--name", name, "--key", key,
      "--root", root]);
    await spoke.awaitLine((l) => l.includes("connected to"));
    return spoke;
  }

  _start(name, args) {
    const p = new JavaProcess(name, args, this.dir);
    this.processes.push(p);
    return p;
  }

  /** @returns {Promise<{code: number, stdout: string, stderr: string}>} one run of the CLI jar to its end */
  cli(key, ...args) {
    return new Promise((resolve) => {
      execFile(JAVA, [...JVM, "-jar", JARS.cli, "--hub", this.tcpUrl, "--key", key, ...args],
        { cwd: this.dir, env: childEnv(), timeout: 60000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
        });
    });
  }

  /** @returns {Promise<string>} `callmesh token ARGS` for the key (a hub JWT; with --offline a signed-timestamp token) */
  async token(key, ...args) {
    const r = await this.cli(key, "token", ...args);
    if (r.code !== 0) throw new Error(`callmesh token failed (${r.code}): ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Stops every process it started (by pid) and deletes the directory. */
  async close() {
    await Promise.all(this.processes.map(async (p) => {
      if (p.exitCode !== undefined) return;
      const killed = setTimeout(() => p.kill("SIGKILL"), 5000);
      await p.kill("SIGTERM");
      clearTimeout(killed);
    }));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function run(program, args) {
  return new Promise((resolve, reject) => {
    execFile(program, args, (err, stdout, stderr) => {
      if (err) reject(new Error(`${program} ${args.join(" ")} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** @returns {Promise<any>} the first truthy value of fn(), polled every 50 ms for up to ms */
export async function eventually(fn, ms = 10000, what = "the condition") {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms${last ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
