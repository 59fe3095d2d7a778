"""A minimal NATS client (standard library): CONNECT, PUB, SUB, MSG, PING/PONG, for the Python benchmark.

Protocol lines end in CRLF; a MSG is ``MSG <subject> <sid> [reply] <n>\\r\\n<n bytes>\\r\\n``. No TLS, no
auth, no headers, no reconnect: enough to measure request-reply through nats-server on loopback.
"""

import json
import socket

__all__ = ["NatsConn"]


class NatsConn:
    """One connection. ``read_msg()`` returns ``(subject, sid, reply, payload)``; server PINGs are answered."""

    def __init__(self, host, port, nodelay=True, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if nodelay:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        info = self._line()
        if not info.startswith(b"INFO "):
            raise ConnectionError("not a NATS server: %r" % info[:60])
        self.info = json.loads(info[5:])
        self.sock.sendall(b'CONNECT {"verbose":false,"pedantic":false,"echo":false,"name":"pybench"}\r\nPING\r\n')
        while True:
            line = self._line()
            if line == b"PONG":
                break
            if line.startswith(b"-ERR"):
                raise ConnectionError(line.decode())
        self.sock.settimeout(None)

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("nats-server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n + 2]
        return data

    def sub(self, subject, sid):
        self.sock.sendall(b"SUB %s %d\r\n" % (subject.encode(), sid))

    def pub(self, subject, payload, reply=None):
        head = b"PUB %s %s%d\r\n" % (subject.encode(), (reply.encode() + b" ") if reply else b"", len(payload))
        self.sock.sendall(head + payload + b"\r\n")

    def read_msg(self):
        while True:
            line = self._line()
            if line.startswith(b"MSG "):
                parts = line.split(b" ")
                subject, sid = parts[1].decode(), int(parts[2])
                reply = parts[3].decode() if len(parts) == 5 else None
                return subject, sid, reply, self._exact(int(parts[-1]))
            if line == b"PING":
                self.sock.sendall(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                raise ConnectionError(line.decode())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
