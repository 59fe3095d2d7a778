"""Asyncio transports: envelope bodies over TCP, TLS, WebSocket or WSS with asyncio streams.

``send(body)`` writes at once (no await; it buffers in the stream writer), ``drain()`` waits while
the buffer is over the writer's high-water mark, ``recv()`` returns the next envelope body. Every
failure is a :class:`~callmesh.errors.TransportError`.
"""

import asyncio
import socket

from .. import wsproto
from ..errors import ConnectionLost, HandshakeError, ProtocolError, TransportError
from ..frames import DEFAULT_MAX_FRAME_BYTES, FrameTooLong, encode_frame

__all__ = ["open_transport"]

_READ = 256 * 1024


class _StreamTransport:
    def __init__(self, url, reader, writer, max_frame_bytes):
        self.url = url
        self.reader = reader
        self.writer = writer
        self.max_frame_bytes = max_frame_bytes
        self._closed = False

    def _write(self, data):
        if self._closed or self.writer.is_closing():
            raise ConnectionLost("the connection to %s is closed" % self.url)
        self.writer.write(data)

    def buffered(self):
        """Returns how many bytes wait in the write buffer."""
        t = self.writer.transport
        return t.get_write_buffer_size() if t is not None and not t.is_closing() else 0

    async def drain(self):
        """Waits until the write buffer is below its high-water mark; raises ConnectionLost."""
        try:
            await self.writer.drain()
        except (OSError, RuntimeError) as e:  # RuntimeError: drain on a closing transport
            raise ConnectionLost("sending to %s failed: %s" % (self.url, e)) from None

    async def _read(self, coro):
        try:
            return await coro
        except asyncio.IncompleteReadError:
            raise ConnectionLost("%s closed the connection" % self.url) from None
        except (OSError, ValueError) as e:
            raise ConnectionLost("the connection to %s failed: %s" % (self.url, e)) from None

    def close(self):
        """Closes the connection (no await needed): gracefully, or at once when the peer is not reading
        what we wrote (a graceful close would wait for the buffer to drain)."""
        self._closed = True
        try:
            if self.buffered() and self.writer.transport is not None:
                self.writer.transport.abort()
            else:
                self.writer.close()
        except (OSError, RuntimeError):
            pass


class TcpTransport(_StreamTransport):
    """Length-prefixed frames over asyncio streams."""

    def send(self, body):
        """Queues one frame; raises FrameTooLong or ConnectionLost."""
        self._write(encode_frame(body, self.max_frame_bytes))

    async def recv(self):
        """Returns the next envelope body; raises ConnectionLost or ProtocolError."""
        head = await self._read(self.reader.readexactly(4))
        n = int.from_bytes(head, "big")
        if n == 0:
            raise ProtocolError("a frame of length 0")
        if n > self.max_frame_bytes:
            raise FrameTooLong("a frame of %d bytes is over the limit of %d bytes" % (n, self.max_frame_bytes))
        return await self._read(self.reader.readexactly(n))


class WsTransport(_StreamTransport):
    """One envelope per text message over a WebSocket (client side)."""

    def __init__(self, url, reader, writer, max_frame_bytes, leftover=b""):
        super().__init__(url, reader, writer, max_frame_bytes)
        self._decoder = wsproto.WsDecoder(max_frame_bytes)
        self._messages = []
        self._leftover = leftover

    def send(self, body):
        """Queues one text message; raises FrameTooLong or ConnectionLost."""
        if len(body) > self.max_frame_bytes:
            raise FrameTooLong("an envelope of %d bytes is over the frame limit of %d bytes"
                               % (len(body), self.max_frame_bytes))
        self._write(wsproto.encode_frame(wsproto.TEXT, body))

    async def recv(self):
        """Returns the next envelope body; answers pings; raises ConnectionLost or ProtocolError."""
        while True:
            while not self._messages:
                if self._leftover:
                    data, self._leftover = self._leftover, b""
                else:
                    data = await self._read(self.reader.read(_READ))
                    if not data:
                        raise ConnectionLost("%s closed the connection" % self.url)
                self._messages.extend(self._decoder.feed(data))
            text = wsproto.client_message(*self._messages.pop(0), self.url, self._write)
            if text is not None:
                return text

    def close(self):
        """Sends a close frame (best effort) and closes."""
        if not self._closed:
            try:
                self._write(wsproto.encode_frame(wsproto.CLOSE, wsproto.close_payload(1000)))
            except TransportError:
                pass
        super().close()


async def _upgrade(url, reader, writer):
    key = wsproto.new_key()
    host = url.host if ":" not in url.host else "[%s]" % url.host
    writer.write(wsproto.handshake_request("%s:%d" % (host, url.port), url.path, key))
    buf = b""
    while True:
        end = wsproto.head_complete(buf)
        if end >= 0:
            wsproto.check_handshake_response(buf[:end], key)
            return buf[end:]
        chunk = await reader.read(_READ)
        if not chunk:
            raise HandshakeError("%s closed the connection during the WebSocket upgrade" % url)
        buf += chunk


async def open_transport(url, timeout=10.0, tls_ctx=None, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
    """Connects to the HubUrl (upgrading to WebSocket for ws/wss) within ``timeout`` seconds; raises
    HandshakeError when the hub cannot be reached or the upgrade fails."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            url.host, url.port, ssl=tls_ctx if url.secure else None,
            server_hostname=url.host if url.secure else None, limit=_READ), timeout)
    except asyncio.TimeoutError:
        raise HandshakeError("cannot reach %s within %s s" % (url, timeout)) from None
    except (OSError, ValueError) as e:
        raise HandshakeError("cannot reach %s: %s" % (url, e)) from None
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
    if not url.websocket:
        return TcpTransport(url, reader, writer, max_frame_bytes)
    try:
        leftover = await asyncio.wait_for(_upgrade(url, reader, writer), timeout)
    except asyncio.TimeoutError:
        writer.close()
        raise HandshakeError("the WebSocket upgrade with %s took over %s s" % (url, timeout)) from None
    except HandshakeError:
        writer.close()
        raise
    except (OSError, ValueError) as e:
        writer.close()
        raise HandshakeError("the WebSocket upgrade with %s failed: %s" % (url, e)) from None
    return WsTransport(url, reader, writer, max_frame_bytes, leftover)
