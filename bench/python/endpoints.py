"""The Python endpoints of the benchmark: a caller and a responder for each way of reaching the other end.

Endpoint kinds (the same on both ends of a system):

- ``pkg``: the callmesh package (``callmesh.connect``, ``mesh.call``, ``serve=``): a reader thread per
  connection, handlers in a thread pool. For NATS, ``pkg`` is natsmini with the same structure (a reader
  thread handing replies to the caller through a queue; requests to a pool), so only the middle differs.
- ``raw``: one thread, blocking socket, nothing between the socket and the JSON: the least a Python
  endpoint can add.
- ``split``: ``raw``, but each frame written as two ``send`` calls (4-byte length, then body), TCP_NODELAY on.
- ``nagle``: ``split`` with TCP_NODELAY off: what a naive client does.
- ``nagle1``: TCP_NODELAY off, one write per frame.

Every caller sends ``{"data": "<N ASCII characters>"}`` and decodes the JSON it gets back.
"""

import json
import os
import queue
import socket
import struct
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python"))

import callmesh  # noqa: E402
from callmesh.session import handshake  # noqa: E402
from callmesh.transport import open_transport  # noqa: E402
from callmesh.urls import HubUrl  # noqa: E402
from callmesh.auth import make_signer  # noqa: E402
from natsmini import NatsConn  # noqa: E402

ECHO_SPEC = {"opType": "query", "inputSchema": {"type": "object"}}


def body(size):
    return {"data": "x" * size}


# --- raw callmesh frames --------------------------------------------------------------------------------
class RawFrames:
    """A welcomed callmesh connection (or, with ``sock``, a plain one) used with blocking calls on one thread."""

    def __init__(self, url, key, kind, hello=None, sock=None):
        if sock is None:
            t = open_transport(HubUrl.parse(url), 10.0)
            handshake(t, make_signer(key), None, hello or {}, 10.0)
            sock = t.sock
        self.sock = sock
        self.sock.settimeout(None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0 if kind.startswith("nagle") else 1)
        self.split = kind in ("split", "nagle")
        self.buf = bytearray()

    def send(self, type_, id_, payload):
        b = json.dumps({"type": type_, "id": id_, "payload": payload}, separators=(",", ":")).encode()
        if self.split:
            self.sock.sendall(struct.pack(">I", len(b)))
            self.sock.sendall(b)
        else:
            self.sock.sendall(struct.pack(">I", len(b)) + b)

    def recv(self):
        while True:
            while len(self.buf) < 4 or len(self.buf) < 4 + int.from_bytes(self.buf[:4], "big"):
                chunk = self.sock.recv(262144)
                if not chunk:
                    raise ConnectionError("hub closed")
                self.buf += chunk
            n = int.from_bytes(self.buf[:4], "big")
            env = json.loads(bytes(self.buf[4:4 + n]))
            del self.buf[:4 + n]
            if env["type"] == "ping":
                self.send("pong", "", env.get("payload", {}))
                continue
            return env


def cm_responder(url, key, spoke, kind):
    """Serves /echo/echo as spoke ``spoke`` until killed."""
    if kind == "pkg":
        mesh = callmesh.connect(url, key=key, spoke=spoke, serve={"/echo/echo": (ECHO_SPEC, lambda i, c: i)})
        print("ready", flush=True)
        mesh.run_forever()
        return
    conn = RawFrames(url, key, kind, {"spoke": spoke, "operations": [
        dict(ECHO_SPEC, name="/echo/echo", namespace="echo", description="", outputSchema={})]})
    print("ready", flush=True)
    while True:
        env = conn.recv()
        if env["type"] == "call.requested":
            conn.send("call.responded", env["id"], {"output": env["payload"]["input"]})


def direct_responder(port_file):
    """The floor: no middle. Listens on 127.0.0.1 and answers each call.requested itself (raw endpoint)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    with open(port_file, "w") as f:
        f.write(str(server.getsockname()[1]))
    print("ready", flush=True)
    while True:
        sock, _ = server.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_direct_serve, args=(sock,), daemon=True).start()


def _direct_serve(sock):
    conn = RawFrames(None, None, "raw", sock=sock)
    try:
        while True:
            env = conn.recv()
            conn.send("call.responded", env["id"], {"output": env["payload"]["input"]})
    except (ConnectionError, OSError):
        return


def direct_caller(port, size):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn = RawFrames(None, None, "raw", sock=sock)
    data = body(size)
    counter = iter(range(1, 1 << 62))

    def call():
        rid = "r%d" % next(counter)
        conn.send("call.requested", rid, {"operationId": "/echo/echo", "input": data, "timeoutMs": 20000})
        env = conn.recv()
        if env["id"] != rid:
            raise RuntimeError("unexpected %r" % env)
        return env["payload"]["output"]
    return call


def cm_caller(url, key, spoke, kind, size):
    """Returns ``call()``: one round trip to /<spoke>/echo/echo."""
    path = "/%s/echo/echo" % spoke
    data = body(size)
    if kind == "pkg":
        mesh = callmesh.connect(url, key=key)
        return lambda: mesh.call(path, data, timeout=20.0)
    conn = RawFrames(url, key, kind)
    counter = iter(range(1, 1 << 62))

    def call():
        rid = "r%d" % next(counter)
        conn.send("call.requested", rid, {"operationId": path, "input": data, "timeoutMs": 20000})
        env = conn.recv()
        if env["id"] != rid or env["type"] != "call.responded":
            raise RuntimeError("unexpected %r" % env)
        return env["payload"]["output"]
    return call


# --- NATS -----------------------------------------------------------------------------------------------
def nats_responder(port, subject, kind):
    conn = NatsConn("127.0.0.1", port, nodelay=not kind.startswith("nagle"))
    conn.sub(subject, 1)
    conn.pub("_ready", b"")  # a round trip through the server proves the SUB is in place
    conn.sock.sendall(b"PING\r\n")
    print("ready", flush=True)
    if kind == "pkg":
        lock = threading.Lock()
        pool = ThreadPoolExecutor(max_workers=16)

        def handle(reply, payload):
            out = json.dumps(json.loads(payload), separators=(",", ":")).encode()
            with lock:
                conn.pub(reply, out)
        while True:
            _, _, reply, payload = conn.read_msg()
            pool.submit(handle, reply, payload)
    while True:
        _, _, reply, payload = conn.read_msg()
        conn.pub(reply, json.dumps(json.loads(payload), separators=(",", ":")).encode())


def nats_caller(port, subject, kind, size):
    conn = NatsConn("127.0.0.1", port, nodelay=not kind.startswith("nagle"))
    inbox = "_INBOX.%s" % os.urandom(6).hex()
    conn.sub(inbox + ".*", 1)
    payload = json.dumps(body(size), separators=(",", ":")).encode()
    counter = iter(range(1, 1 << 62))
    if kind == "pkg":
        waiting = {}
        lock = threading.Lock()

        def reader():
            while True:
                subject_, _, _, data = conn.read_msg()
                with lock:
                    q = waiting.pop(subject_, None)
                if q is not None:
                    q.put(data)
        threading.Thread(target=reader, daemon=True).start()

        def call():
            reply = "%s.%d" % (inbox, next(counter))
            q = queue.SimpleQueue()
            with lock:
                waiting[reply] = q
            with lock:
                conn.pub(subject, payload, reply)
            return json.loads(q.get(timeout=20.0))
        return call

    def call():
        reply = "%s.%d" % (inbox, next(counter))
        conn.pub(subject, payload, reply)
        got, _, _, data = conn.read_msg()
        if got != reply:
            raise RuntimeError("unexpected reply subject %s" % got)
        return json.loads(data)
    return call


def measure(call, warmup_s, measure_s, pace_s=0.0, max_calls=10 ** 7):
    """Calls back to back for ``warmup_s`` seconds, then records each round trip (ns) for ``measure_s``;
    ``pace_s`` > 0 waits that long between the measured calls (a low, steady load instead of back to back)."""
    end = time.monotonic() + warmup_s
    while time.monotonic() < end:
        call()  # back to back: the warm-up is for the JIT, and must not depend on the pace
    lat = []
    perf = time.perf_counter_ns
    end = time.monotonic() + measure_s
    while time.monotonic() < end and len(lat) < max_calls:
        t0 = perf()
        call()
        lat.append(perf() - t0)
        if pace_s:
            time.sleep(pace_s)
    return lat
