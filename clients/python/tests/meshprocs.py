"""Real processes for the tests: the built hub, spoke and CLI jars on loopback, keys from ssh-keygen,
certificates from openssl. Every process is stopped by its pid."""

import os
import shutil
import signal
import subprocess
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
START = 60.0


def tool(program):
    """Returns the program's path, or skips the test (fails it when CI=true) when it is missing."""
    path = shutil.which(program)
    if path is None:
        missing(program + " is not installed")
    return path


def missing(what):
    if os.environ.get("CI") == "true":
        pytest.fail(what + " (CI=true: .ci/run must provide it)")
    pytest.skip(what)


def jar(env, relative):
    """Returns the jar from the environment variable, else from the repository's build."""
    path = os.environ.get(env) or os.path.join(REPO, relative)
    if not os.path.exists(path):
        missing("%s does not exist; build it with ./mvnw -B -q -o package -DskipTests" % path)
    return path


def java():
    home = os.environ.get("JAVA_HOME")
    exe = os.path.join(home, "bin", "java") if home else None
    return exe if exe and os.path.exists(exe) else tool("java")


def keygen(path, comment):
    """Makes an ed25519 key pair path and path.pub with ssh-keygen; returns the .pub line."""
    subprocess.run([tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
                   check=True, capture_output=True, timeout=30)
    with open(path + ".pub") as f:
        return f.read().strip()


def self_signed(directory, name):
    """Makes directory/name.pem and name.key for 127.0.0.1 with openssl (as it/.../Certs.java does)."""
    subprocess.run([tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"],
                   cwd=directory, check=True, capture_output=True, timeout=30)
    return os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")


class Proc:
    """A child process whose output goes to a log file we can wait on."""

    def __init__(self, name, args, directory, env=None):
        self.name = name
        self.log = os.path.join(directory, name + ".log")
        self._out = open(self.log, "ab")
        if env is None:  # the options are on the command line: none may come from the environment
            env = {k: v for k, v in os.environ.items() if not k.startswith("CALLMESH_")}
        self.popen = subprocess.Popen(args, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      cwd=directory, env=env, start_new_session=True)
        self.pid = self.popen.pid

    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def await_line(self, needle, timeout=START, after=0):
        """Returns the first log line (from offset ``after``) containing ``needle``."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.text()[after:].splitlines():
                if needle in line:
                    return line
            if self.popen.poll() is not None:
                raise AssertionError("%s exited (%s) before printing %r:\n%s"
                                     % (self.name, self.popen.returncode, needle, self.text()[-2000:]))
            time.sleep(0.05)
        raise AssertionError("%s did not print %r in %ss:\n%s" % (self.name, needle, timeout, self.text()[-2000:]))

    def stop(self, sig=signal.SIGTERM):
        """Stops the process by its pid (its whole session), waiting for it to end."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.pid, sig)
            except OSError:
                pass
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._out.close()


JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]  # quicker starts on a small machine


class Hub:
    """A hub process on 127.0.0.1 with port 0 (or a fixed port): ``port`` and ``http_port`` read from its log."""

    def __init__(self, directory, name="hub", port=0, extra=()):
        self.dir = directory
        self.name = name
        self.fixed_port = port
        self.extra = list(extra)
        self.proc = None
        self.starts = 0
        self.port = self.http_port = None

    def start(self):
        data = os.path.join(self.dir, self.name + "-data")
        os.makedirs(data, exist_ok=True)
        args = [java()] + JVM_FLAGS + ["-jar", jar("CALLMESH_HUB_JAR", "hub/target/callmesh-hub.jar"),
                                       "--listen", "127.0.0.1:%d" % (self.port or self.fixed_port),
                                       "--http", "127.0.0.1:%d" % (self.http_port or 0),
                                       "--authorized-keys", os.path.join(self.dir, "authorized_keys"),
                                       "--hub-id", "py-" + self.name, "--hub-key", os.path.join(self.dir, "hub_key"),
                                       "--data-dir", data] + self.extra
        self.starts += 1
        self.proc = Proc("%s-%d" % (self.name, self.starts), args, self.dir)
        line = self.proc.await_line(" listening on ")
        self.port = int(line.rsplit(":", 1)[1].split()[0])
        line = self.proc.await_line(" HTTP on ")
        self.http_port = int(line.rsplit(":", 1)[1].split()[0])
        return self

    def url(self, scheme="tcp"):
        if scheme in ("ws", "wss"):
            return "%s://127.0.0.1:%d/v1/ws" % (scheme, self.http_port)
        return "%s://127.0.0.1:%d" % (scheme, self.port)

    def stop(self):
        if self.proc:
            self.proc.stop()


def spoke(directory, hub_url, name, key, root):
    """Starts the Java spoke jar and waits until the hub welcomed it."""
    args = [java()] + JVM_FLAGS + ["-jar", jar("CALLMESH_SPOKE_JAR", "spoke/target/callmesh-spoke.jar"),
                                   "--hub", hub_url, "--name", name, "--key", key, "--root", root]
    p = Proc("spoke-" + name, args, directory)
    p.await_line("connected to")
    return p


def cli(hub_url, key, *args, timeout=60):
    """Runs the Java CLI to its end; returns the CompletedProcess (text)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLMESH_")}
    cmd = [java()] + JVM_FLAGS + ["-jar", jar("CALLMESH_CLI_JAR", "cli/target/callmesh.jar"),
                                  "--hub", hub_url, "--key", key] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def pids_of(text):
    """Returns the pids whose command line contains ``text`` (not ours)."""
    out = subprocess.run(["pgrep", "-f", text], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out if int(p) != os.getpid()]


def wait_for(predicate, timeout=10.0, step=0.05):
    """Polls until ``predicate()`` is truthy; returns its last value."""
    deadline = time.time() + timeout
    value = predicate()
    while not value and time.time() < deadline:
        time.sleep(step)
        value = predicate()
    return value
