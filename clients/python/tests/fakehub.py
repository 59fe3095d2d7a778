"""A fake hub for bad-input tests: a Python socket server on 127.0.0.1 port 0 that runs a script per
connection (send raw bytes, envelopes, read what the client sends)."""

import json
import socket
import struct
import threading


class Peer:
    """The server side of one accepted connection."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(10)
        self.buf = b""

    def raw(self, data):
        self.sock.sendall(data)

    def send(self, type_, id_="", payload=None):
        body = json.dumps({"type": type_, "id": id_, "payload": payload or {}}).encode()
        self.raw(struct.pack(">I", len(body)) + body)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("client closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        (n,) = struct.unpack(">I", self._read(4))
        return json.loads(self._read(n))

    def recv_type(self, type_):
        """Reads envelopes until one of this type (pings answered? no: skipped)."""
        while True:
            env = self.recv()
            if env["type"] == type_:
                return env

    def welcome(self, hub="fake"):
        """Runs the hub's side of a handshake: challenge, hello, welcome."""
        self.send("auth.challenge", "", {"protocol": "callmesh/1", "hub": hub, "nonce": "bm9uY2U="})
        hello = self.recv()
        self.send("auth.welcome", "", {"identity": {"id": "fake", "allow": ["*"]}, "spoke": None,
                                       "session": "s1", "heartbeatMs": 15000, "maxFrameBytes": 16777216})
        return hello

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class FakeHub:
    """Accepts connections and runs ``script(peer)`` for each on its own thread; records exceptions."""

    def __init__(self, script):
        self.script = script
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.errors = []
        self.seen = []
        self.done = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, scheme="tcp"):
        return "%s://127.0.0.1:%d" % (scheme, self.port) + ("/v1/ws" if scheme == "ws" else "")

    def _accept(self):
        while True:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._run, args=(Peer(sock),), daemon=True).start()

    def _run(self, peer):
        try:
            self.script(peer, self)
        except Exception as e:  # noqa: BLE001
            self.errors.append(e)
        finally:
            self.done.set()

    def close(self):
        self.server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
