"""A minimal RFC 6455 WebSocket client protocol: the opening handshake and frames. No sockets here.

Frame layout (RFC 6455 section 5.2)::

     0               1               2               3
    +-+-+-+-+-------+-+-------------+-------------------------------+
    |F|R|R|R| opcode|M| payload len |   extended length (16 or 64)  |
    |I|S|S|S|  (4)  |A|     (7)     |   when len is 126 or 127      |
    |N|V|V|V|       |S|             |                               |
    +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
    |   masking key (4), client -> server only   |  payload ...     |
    +--------------------------------------------+------------------+

A client masks every frame it sends; a server never masks. :class:`WsDecoder` reassembles
fragmented messages, passes control frames (ping, pong, close) through between fragments, and
refuses a message over its limit as soon as a frame header announces it.
"""

import base64
import hashlib
import os
import struct

from .errors import ConnectionLost, HandshakeError, ProtocolError

__all__ = ["TEXT", "BINARY", "CLOSE", "PING", "PONG", "handshake_request", "check_handshake_response",
           "encode_frame", "WsDecoder", "close_payload", "parse_close", "client_message"]

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_MAX_HEAD = 16 * 1024


def new_key():
    """Returns a fresh Sec-WebSocket-Key (base64 of 16 random bytes)."""
    return base64.b64encode(os.urandom(16)).decode("ascii")


def accept_for(key):
    """Returns the Sec-WebSocket-Accept a server must answer to ``key``."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode("ascii")


def handshake_request(host_header, path, key, extra_headers=None):
    """Returns the HTTP/1.1 upgrade request as bytes."""
    lines = ["GET %s HTTP/1.1" % path, "Host: %s" % host_header, "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: %s" % key, "Sec-WebSocket-Version: 13",
             "User-Agent: callmesh-python"]
    for k, v in (extra_headers or {}).items():
        lines.append("%s: %s" % (k, v))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def head_complete(buf):
    """Returns the index just past the response head's blank line, or -1; raises when it grows too long."""
    i = buf.find(b"\r\n\r\n")
    if i < 0 and len(buf) > _MAX_HEAD:
        raise HandshakeError("the WebSocket handshake response is over %d bytes" % _MAX_HEAD)
    return -1 if i < 0 else i + 4


def check_handshake_response(head, key):
    """Checks the server's response head (bytes up to the blank line); raises HandshakeError unless it is
    ``101`` with ``Upgrade: websocket`` and the right ``Sec-WebSocket-Accept``."""
    text = head.decode("iso-8859-1")
    lines = text.split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/"):
        raise HandshakeError("not an HTTP response to the WebSocket upgrade: %r" % lines[0][:80])
    if status[1] != "101":
        raise HandshakeError("the hub refused the WebSocket upgrade: %s" % lines[0][:120])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("upgrade", "").lower() != "websocket":
        raise HandshakeError("the upgrade response lacks 'Upgrade: websocket'")
    if headers.get("sec-websocket-accept") != accept_for(key):
        raise HandshakeError("the upgrade response has a wrong Sec-WebSocket-Accept")


def _mask(data, mask):
    # XOR with the 4-byte mask, whole buffer at once through big integers (fast in CPython).
    n = len(data)
    if n == 0:
        return b""
    repeated = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


def encode_frame(opcode, payload, fin=True):
    """Returns one masked client frame carrying ``payload`` (bytes)."""
    n = len(payload)
    head = bytearray([(0x80 if fin else 0) | opcode])
    if n < 126:
        head.append(0x80 | n)
    elif n < 65536:
        head.append(0x80 | 126)
        head += struct.pack(">H", n)
    else:
        head.append(0x80 | 127)
        head += struct.pack(">Q", n)
    mask = os.urandom(4)
    return bytes(head) + mask + _mask(payload, mask)


def close_payload(code, reason=""):
    """Returns the payload of a close frame: the code, then the UTF-8 reason (cut to fit 125 bytes)."""
    return struct.pack(">H", code) + reason.encode("utf-8")[:123]


def parse_close(payload):
    """Returns ``(code, reason)`` of a close frame's payload (``(1005, "")`` when it has none)."""
    if len(payload) < 2:
        return 1005, ""
    return struct.unpack(">H", payload[:2])[0], payload[2:].decode("utf-8", "replace")


class WsDecoder:
    """Server-to-client frames in, messages out: ``feed(bytes)`` returns ``[(opcode, payload)]``.

    Data messages come out whole (opcode TEXT or BINARY); control frames (CLOSE, PING, PONG) come out
    as they arrive. Raises :class:`ProtocolError` for a masked frame, reserved bits, a bad opcode or
    continuation, a control frame over 125 bytes or fragmented, or a message over ``max_message``.
    """

    def __init__(self, max_message):
        self.max_message = max_message
        self._buf = bytearray()
        self._parts = []
        self._parts_len = 0
        self._opcode = None  # opcode of the fragmented message being assembled

    def feed(self, data):
        self._buf += data
        out = []
        while True:
            frame = self._next_frame()
            if frame is None:
                return out
            fin, opcode, payload = frame
            if opcode >= 0x8:
                out.append((opcode, payload))
                continue
            if opcode == CONT:
                if self._opcode is None:
                    raise ProtocolError("a WebSocket continuation frame without a message")
            else:
                if self._opcode is not None:
                    raise ProtocolError("a new WebSocket message inside a fragmented one")
                self._opcode = opcode
            self._parts.append(payload)
            self._parts_len += len(payload)
            if self._parts_len > self.max_message:
                raise ProtocolError("a WebSocket message over %d bytes" % self.max_message)
            if fin:
                out.append((self._opcode, b"".join(self._parts)))
                self._parts, self._parts_len, self._opcode = [], 0, None

    def _next_frame(self):
        buf = self._buf
        if len(buf) < 2:
            return None
        b0, b1 = buf[0], buf[1]
        fin, opcode = bool(b0 & 0x80), b0 & 0x0F
        if b0 & 0x70:
            raise ProtocolError("a WebSocket frame with reserved bits set")
        if opcode not in (CONT, TEXT, BINARY, CLOSE, PING, PONG):
            raise ProtocolError("a WebSocket frame with opcode %d" % opcode)
        if b1 & 0x80:
            raise ProtocolError("a masked WebSocket frame from the server")
        n, at = b1 & 0x7F, 2
        if n == 126:
            if len(buf) < 4:
                return None
            n, at = struct.unpack(">H", bytes(buf[2:4]))[0], 4
        elif n == 127:
            if len(buf) < 10:
                return None
            n, at = struct.unpack(">Q", bytes(buf[2:10]))[0], 10
        if opcode >= 0x8 and (n > 125 or not fin):
            raise ProtocolError("a WebSocket control frame over 125 bytes or fragmented")
        if opcode < 0x8 and self._parts_len + n > self.max_message:
            raise ProtocolError("a WebSocket message over %d bytes" % self.max_message)
        if len(buf) < at + n:
            return None
        payload = bytes(buf[at:at + n])
        del buf[:at + n]
        return fin, opcode, payload


def client_message(opcode, payload, url, send):
    """Does what a client does with one message it read: returns the envelope text of a text message,
    else ``None``. A ping is answered, and a close echoed before it raises ConnectionLost, through
    ``send(frame)`` (the close's echo best effort); a binary message raises ProtocolError."""
    if opcode == TEXT:
        return payload
    if opcode == PING:
        send(encode_frame(PONG, payload))
    elif opcode == CLOSE:
        code, reason = parse_close(payload)
        try:
            send(encode_frame(CLOSE, payload[:2]))
        except ConnectionError:  # TransportError, OSError: the hub may be gone already
            pass
        raise ConnectionLost("%s closed the WebSocket: %d %s" % (url, code, reason))
    elif opcode == BINARY:
        raise ProtocolError("a binary WebSocket message; the hub answers a JSON client in text")
    return None  # a pong
