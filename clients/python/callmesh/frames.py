"""Frames and envelopes: bytes in, envelopes out; envelopes in, bytes out. No sockets here.

On TCP and TLS a frame is::

    +----------------+---------------------------------+
    | length N       | N bytes of UTF-8 JSON           |
    | uint32, BE     | one envelope                    |
    +----------------+---------------------------------+

with ``1 <= N <= max_frame_bytes``. Over WebSocket each text message is one envelope, without
the length. An envelope is ``{"type": str, "id": str, "payload": object}``.
"""

import json

from .errors import ProtocolError

__all__ = ["DEFAULT_MAX_FRAME_BYTES", "FrameDecoder", "encode_frame", "encode_envelope",
           "parse_envelope", "FrameTooLong"]

#: The default largest frame body, 16 MiB, as on the hub.
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024

_HEADER = 4


class FrameTooLong(ProtocolError):
    """A frame (or an outgoing envelope) is over the size limit."""


# One encoder for every envelope: json.dumps with options other than its defaults builds a new one per call.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def encode_envelope(type_, id_, payload):
    """Returns the envelope as compact UTF-8 JSON bytes."""
    return _encode({"type": type_, "id": id_, "payload": payload}).encode("utf-8")


def encode_frame(body, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
    """Returns the length prefix and the body as ONE bytes object (a single write on the socket).

    Raises :class:`FrameTooLong` when the body is empty or over ``max_frame_bytes``.
    """
    n = len(body)
    if n == 0 or n > max_frame_bytes:
        raise FrameTooLong("an envelope of %d bytes is over the frame limit of %d bytes" % (n, max_frame_bytes))
    return n.to_bytes(_HEADER, "big") + body


def parse_envelope(body):
    """Parses one envelope from bytes (or str).

    Returns ``(type, id, payload)``: ``id`` is ``""`` when absent, ``payload`` a dict (``{}`` when
    absent). Raises :class:`ProtocolError` for a body that is not UTF-8 JSON, not an object,
    nested too deeply, or without a ``type`` string.
    """
    try:
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8")
        elif isinstance(body, memoryview):
            body = body.tobytes().decode("utf-8")
        env = json.loads(body)
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ProtocolError("a frame is not UTF-8 JSON: %s" % (str(e)[:120],)) from None
    if not isinstance(env, dict):
        raise ProtocolError("a frame is JSON but not an object")
    type_ = env.get("type")
    if not isinstance(type_, str) or not type_:
        raise ProtocolError("an envelope has no \"type\" string")
    id_ = env.get("id")
    payload = env.get("payload")
    return type_, id_ if isinstance(id_, str) else "", payload if isinstance(payload, dict) else {}


class FrameDecoder:
    """The TCP frame decoder: a state machine fed bytes, giving frame bodies.

    It reads the length unsigned and rejects a zero length or one over ``max_frame_bytes`` as soon
    as the four length bytes are in, before buffering any of the body; it never holds more than
    one frame's bytes plus what one ``feed`` brought. After an error it stays failed.
    """

    def __init__(self, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
        if max_frame_bytes < 1:
            raise ValueError("max_frame_bytes must be positive")
        self.max_frame_bytes = max_frame_bytes
        self._buf = bytearray()
        self._need = -1  # body length of the frame being read, -1 while reading its length
        self._failed = None

    def feed(self, data):
        """Adds bytes; returns the list of complete frame bodies (bytes) they finished.

        Raises :class:`ProtocolError` (or :class:`FrameTooLong`) on a bad length.
        """
        if self._failed:
            raise self._failed
        self._buf += data
        out = []
        while True:
            if self._need < 0:
                if len(self._buf) < _HEADER:
                    return out
                n = int.from_bytes(self._buf[:_HEADER], "big")
                if n == 0:
                    self._failed = ProtocolError("a frame of length 0")
                elif n > self.max_frame_bytes:
                    self._failed = FrameTooLong("a frame of %d bytes is over the limit of %d bytes"
                                                % (n, self.max_frame_bytes))
                if self._failed:
                    self._buf = bytearray()
                    raise self._failed
                del self._buf[:_HEADER]
                self._need = n
            if len(self._buf) < self._need:
                return out
            out.append(bytes(self._buf[:self._need]))
            del self._buf[:self._need]
            self._need = -1

    def pending(self):
        """Returns how many bytes are buffered for frames not yet complete."""
        return len(self._buf)
