#!/usr/bin/env python3
"""Python endpoints through the callmesh hub vs through nats-server: sequential 100 B round trips, p50/p99.

    bench/python.sh [--quick] [--reps N] [--kinds pkg,raw,...] [--pace 0,5] [--hub NAME=JAR[@ENV=VALUE]]

One run starts the hub (the built jar, with the Java benchmark's flags) and nats-server once, one responder
process per (system, endpoint kind), and a "direct" responder that callers reach with nothing in the middle.
Every target first gets a JIT warm-up of back-to-back calls. Then, for each repetition, each pace and each
target (taking turns going first), a fresh caller process warms up back to back and measures sequential round
trips: back to back (pace 0), or with PACE ms between calls (a low, steady load). Figures are medians over the
repetitions of each measurement's p50 and p99. It also measures the first 2 s of calls to freshly started hubs
(no warm-up). Writes bench/results/python-latest.json and .md and prints the table.

``--hub NAME=JAR[@ENV=VALUE]`` adds another hub as system ``callmesh-NAME``: a build from other sources, or the
same jar with an environment variable (``quiet=hub/target/callmesh-hub.jar@CALLMESH_LOG_LEVEL=WARN``).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import report  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Proc:
    """A child process (its own session) logging to a file we can wait on."""

    def __init__(self, args, log, ready=None, env=None):
        self.log = log
        self.out = open(log, "ab")
        self.p = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True, env=env)
        if ready:
            self.wait_line(ready)

    def wait_line(self, needle, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log, "rb") as f:
                for line in f.read().decode("utf-8", "replace").splitlines():
                    if needle in line:
                        return line
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("%s: no %r:\n%s" % (self.log, needle, open(self.log).read()[-2000:]))

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
        self.out.close()


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="callmesh-pybench-")
        self.procs = []
        self.hubs = {}
        print("work directory:", self.work, flush=True)
        lines = []
        for name, options in (("caller", 'name="caller",allow="*"'), ("spoke", 'name="spoke",spoke="*"')):
            path = os.path.join(self.work, name)
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path], check=True)
            lines.append(options + " " + open(path + ".pub").read())
        with open(os.path.join(self.work, "authorized_keys"), "w") as f:
            f.writelines(lines)

    def start(self, args, name, ready=None, env=None):
        p = Proc(args, os.path.join(self.work, name + ".log"), ready, env)
        self.procs.append(p)
        return p

    def hub(self, name, jar, env=None):
        """Starts a hub as the Java benchmark does (no HTTP, no call-rate limit); returns (proc, url)."""
        data = os.path.join(self.work, name + "-data")
        os.makedirs(data, exist_ok=True)
        p = self.start(["java", "-jar", jar, "--listen", "127.0.0.1:0", "--http", "off",
                        "--authorized-keys", os.path.join(self.work, "authorized_keys"), "--hub-id", name,
                        "--hub-key", os.path.join(self.work, "hub_key"), "--data-dir", data,
                        "--max-calls-per-second", "0"], name, env=env)
        line = p.wait_line(" listening on ")
        return p, "tcp://127.0.0.1:%d" % int(line.rsplit(":", 1)[1].split()[0])

    def py(self, *args):
        return [sys.executable, os.path.join(HERE, "pybench.py")] + [str(a) for a in args]

    def responder(self, system, kind):
        """Starts the responder of one target; returns what its caller needs: (where, name)."""
        if system == "direct":
            port_file = os.path.join(self.work, "direct.port")
            self.start(self.py("responder", "direct", kind, port_file, "", ""), "direct-responder", ready="ready")
            return int(open(port_file).read()), ""
        if system.startswith("callmesh"):
            spoke = "e-%s" % kind
            self.start(self.py("responder", "callmesh", kind, self.hubs[system], os.path.join(self.work, "spoke"),
                               spoke), "%s-%s-responder" % (system, kind), ready="ready")
            return self.hubs[system], spoke
        self.start(self.py("responder", "nats", kind, self.nats_port, "", "echo." + kind),
                   "nats-%s-responder" % kind, ready="ready")
        return self.nats_port, "echo." + kind

    def caller(self, system, kind, target, warmup, measure, pace=0.0):
        where, name = target
        args = self.py("caller", "callmesh" if system.startswith("callmesh") else system, kind, where,
                       os.path.join(self.work, "caller"), name, self.args.size, warmup, measure, pace)
        r = subprocess.run(args, capture_output=True, text=True, timeout=warmup + measure + 120)
        if r.returncode != 0:
            raise RuntimeError("caller %s/%s failed: %s" % (system, kind, r.stderr[-1500:]))
        return json.loads(r.stdout.strip().splitlines()[-1])

    def run(self):
        a = self.args
        jar = os.path.join(ROOT, "hub", "target", "callmesh-hub.jar")
        self.hubs["callmesh"] = self.hub("hub", jar)[1]
        for spec in a.hub:
            name, path = spec.split("=", 1)
            env = None
            if "@" in path:
                path, kv = path.split("@", 1)
                env = dict(os.environ, **dict([kv.split("=", 1)]))
            self.hubs["callmesh-" + name] = self.hub("hub-" + name, path, env)[1]
        self.nats_port = free_port()
        self.start(["nats-server", "-a", "127.0.0.1", "-p", str(self.nats_port)], "nats-server",
                   ready="Server is ready")
        targets = {(s, k): self.responder(s, k) for s in list(self.hubs) + ["nats"] for k in a.kinds}
        targets[("direct", "raw")] = self.responder("direct", "raw")
        warmup, measure = (1.0, 2.5) if a.quick else (3.0, 8.0)
        for (system, kind), t in targets.items():  # the JIT warm-up, before anything counts
            self.caller(system, kind, t, 0.0, 4.0 if a.quick else 10.0)
        results = {}
        order = list(targets)
        for rep in range(a.reps):
            for pace in a.pace:
                turn = order[rep % len(order):] + order[:rep % len(order)]
                for system, kind in turn:
                    r = self.caller(system, kind, targets[(system, kind)], warmup, measure, pace)
                    results.setdefault((system, kind, pace), []).append(r)
                    print("rep %d pace %-4g %-22s %-6s p50 %8.1f us  p99 %8.1f us  (%d calls)"
                          % (rep + 1, pace, system, kind, r["p50_us"], r["p99_us"], r["n"]), flush=True)
        return results, self.cold(jar)

    def cold(self, jar):
        """The first 2 s of calls to a hub just started (pkg endpoints): what a short run without warm-up sees."""
        out = []
        for i in range(3):
            p, url = self.hub("cold%d" % i, jar)
            self.hubs["cold"] = url
            self.start(self.py("responder", "callmesh", "pkg", url, os.path.join(self.work, "spoke"), "c-pkg"),
                       "cold%d-responder" % i, ready="ready")
            r = self.caller("callmesh", "pkg", (url, "c-pkg"), 0.0, 2.0)
            out.append(r)
            print("cold hub %d: first %d calls p50 %.1f us p99 %.1f us" % (i, r["n"], r["p50_us"], r["p99_us"]))
            p.stop()
        return out

    def close(self):
        for p in reversed(self.procs):
            p.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def child(argv):
    """``responder SYSTEM KIND WHERE KEY NAME`` or ``caller SYSTEM KIND WHERE KEY NAME SIZE WARMUP MEASURE PACE``."""
    import endpoints as ep
    role, system, kind, where, key, name = argv[:6]
    if role == "responder":
        if system == "callmesh":
            ep.cm_responder(where, key, name, kind)
        elif system == "direct":
            ep.direct_responder(where)
        else:
            ep.nats_responder(int(where), name, kind)
        return
    size, warmup, measure, pace = int(argv[6]), float(argv[7]), float(argv[8]), float(argv[9])
    if system == "callmesh":
        call = ep.cm_caller(where, key, name, kind, size)
    elif system == "direct":
        call = ep.direct_caller(int(where), size)
    else:
        call = ep.nats_caller(int(where), name, kind, size)
    lat = sorted(ep.measure(call, warmup, measure, pace / 1000.0))
    print(json.dumps({"n": len(lat), "p50_us": report.percentile(lat, 0.50), "p99_us": report.percentile(lat, 0.99),
                      "p999_us": report.percentile(lat, 0.999)}))
    os._exit(0)  # reader threads and pools need no goodbye


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("responder", "caller"):
        return child(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 repetitions of 1 s warm-up + 2.5 s measured")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 2)")
    ap.add_argument("--kinds", default="pkg,raw", help="endpoint kinds: pkg, raw, split, nagle, nagle1")
    ap.add_argument("--pace", default="0,5", help="ms between calls, comma-separated (0: back to back)")
    ap.add_argument("--size", type=int, default=100, help="characters of the payload's data string")
    ap.add_argument("--hub", action="append", default=[], help="another hub: NAME=JAR[@ENV=VALUE]")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()
    args.kinds = args.kinds.split(",")
    args.pace = [float(p) for p in args.pace.split(",")]
    args.reps = args.reps or (2 if args.quick else 5)
    bench = Bench(args)
    try:
        results, cold = bench.run()
    finally:
        bench.close()
    doc, md = report.summarize(results, cold, args)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "python-latest.json"), "w") as f:
        json.dump(doc, f, indent=2)
    with open(os.path.join(args.out, "python-latest.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
