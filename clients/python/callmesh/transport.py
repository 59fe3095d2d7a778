"""Blocking transports: an envelope body out, envelope bodies in, over TCP, TLS, WebSocket or WSS.

``send`` may be called from any thread (one lock per transport, one ``sendall`` per frame). ``recv``
is called by the connection's single reader thread. Every failure is a :class:`TransportError`.
"""

import select
import socket
import ssl
import threading
import time

from . import wsproto
from .errors import ConnectionLost, HandshakeError, TransportError
from .frames import DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameTooLong, encode_frame

__all__ = ["open_transport", "tls_context"]

_READ = 256 * 1024
_TLS_OP_TIMEOUT = 10.0  # one TLS read or write under the lock; the reader waits in select()


def tls_context(ca=None, insecure=False):
    """Returns the client TLS context: the system's trust store, or only the PEM file ``ca``.

    ``insecure=True`` turns certificate checks off (tests and nothing else).
    """
    ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _dial(url, timeout, ca, tls_ctx):
    try:
        sock = socket.create_connection((url.host, url.port), timeout=timeout)
    except OSError as e:
        raise HandshakeError("cannot reach %s: %s" % (url, e)) from None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if url.secure:
            sock = (tls_ctx or tls_context(ca)).wrap_socket(sock, server_hostname=url.host)
    except (OSError, ValueError) as e:
        sock.close()
        raise HandshakeError("TLS with %s failed: %s" % (url, e)) from None
    return sock


class _SocketTransport:
    """What TCP and WebSocket share: the socket, the send lock, the send watchdog, closing."""

    def __init__(self, url, sock, max_frame_bytes):
        self.url = url
        self.sock = sock
        self.max_frame_bytes = max_frame_bytes
        self._lock = threading.Lock()
        self._closed = False
        self._timeout = None
        # An SSL object must not read and write at once from two threads: over TLS the reader waits
        # for data with select() outside the lock, then reads holding the same lock as the writers.
        self._tls = isinstance(sock, ssl.SSLSocket)
        if self._tls:
            sock.settimeout(_TLS_OP_TIMEOUT)
        self.send_started = 0.0  # monotonic time a send has been in progress since, 0 when none
        # Reads land in one buffer kept for the connection: a fresh 256 KiB buffer per read would cost
        # an mmap, an mremap and a munmap each time (glibc maps allocations that large).
        self._rview = memoryview(bytearray(_READ))

    def _sendall(self, data, wait=-1):
        # wait: seconds to wait for another sender to finish (-1: as long as it takes)
        if not self._lock.acquire(timeout=wait):
            raise ConnectionLost("sending to %s is blocked" % self.url)
        try:
            if self._closed:
                raise ConnectionLost("the connection to %s is closed" % self.url)
            self.send_started = time.monotonic()
            try:
                self.sock.sendall(data)
            except (OSError, ValueError) as e:
                why = "the connection was closed" if self._closed else str(e)
                raise ConnectionLost("sending to %s failed: %s" % (self.url, why)) from None
            finally:
                self.send_started = 0.0
        finally:
            self._lock.release()

    def _recv_bytes(self):
        """Returns the bytes one read brought, as a view that is valid until the next read (the decoders
        copy it at once)."""
        try:
            n = self._recv_tls() if self._tls else self.sock.recv_into(self._rview)
        except socket.timeout:
            raise ConnectionLost("%s: no data in time" % self.url) from None
        except (OSError, ValueError) as e:
            raise ConnectionLost("the connection to %s failed: %s" % (self.url, e)) from None
        if not n:
            raise ConnectionLost("%s closed the connection" % self.url)
        return self._rview[:n]

    def _recv_tls(self):
        while True:
            if not self.sock.pending():
                readable, _, _ = select.select([self.sock], [], [], self._timeout)
                if not readable:
                    raise socket.timeout()
            with self._lock:
                if self._closed:
                    return 0
                try:
                    return self.sock.recv_into(self._rview)
                except (ssl.SSLWantReadError, socket.timeout):
                    continue  # only part of a TLS record was there: wait for the rest

    def set_timeout(self, seconds):
        """Sets how long a blocking read may wait (``None``: for ever; the heartbeat watchdog guards it)."""
        self._timeout = seconds
        if not self._tls:
            self.sock.settimeout(seconds)

    def close(self):
        """Closes the socket; a thread blocked in ``recv`` or ``send`` returns with ConnectionLost."""
        self._closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a recv() blocked in another thread
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


class TcpTransport(_SocketTransport):
    """Length-prefixed frames over a TCP (or TLS) socket."""

    def __init__(self, url, sock, max_frame_bytes):
        super().__init__(url, sock, max_frame_bytes)
        self._decoder = FrameDecoder(max_frame_bytes)
        self._bodies = []

    def send(self, body, wait=-1):
        """Sends one envelope body as one frame; raises FrameTooLong or ConnectionLost (also when another
        send holds the socket for more than ``wait`` seconds, if given)."""
        self._sendall(encode_frame(body, self.max_frame_bytes), wait)

    def recv(self):
        """Returns the next envelope body; raises ConnectionLost or ProtocolError."""
        while not self._bodies:
            self._bodies.extend(self._decoder.feed(self._recv_bytes()))
        return self._bodies.pop(0)


class WsTransport(_SocketTransport):
    """One envelope per text message over a WebSocket (RFC 6455, client side)."""

    def __init__(self, url, sock, max_frame_bytes, leftover=b""):
        super().__init__(url, sock, max_frame_bytes)
        self._decoder = wsproto.WsDecoder(max_frame_bytes)
        self._messages = []
        self._leftover = leftover

    def send(self, body, wait=-1):
        """Sends one envelope body as one text message; raises FrameTooLong or ConnectionLost."""
        if len(body) > self.max_frame_bytes:
            raise FrameTooLong("an envelope of %d bytes is over the frame limit of %d bytes"
                               % (len(body), self.max_frame_bytes))
        self._sendall(wsproto.encode_frame(wsproto.TEXT, body), wait)

    def recv(self):
        """Returns the next envelope body; answers pings; raises ConnectionLost or ProtocolError."""
        while True:
            while not self._messages:
                data, self._leftover = (self._leftover, b"") if self._leftover else (self._recv_bytes(), b"")
                self._messages.extend(self._decoder.feed(data))
            text = wsproto.client_message(*self._messages.pop(0), self.url, self._sendall)
            if text is not None:
                return text

    def close(self):
        """Sends a close frame (best effort), then closes the socket."""
        if not self._closed:
            try:
                self.sock.settimeout(1.0)  # a full socket buffer must not hold the close up
                self._sendall(wsproto.encode_frame(wsproto.CLOSE, wsproto.close_payload(1000)), 1.0)
            except (TransportError, OSError):
                pass
        super().close()


def _ws_upgrade(url, sock, timeout):
    key = wsproto.new_key()
    host = url.host if ":" not in url.host else "[%s]" % url.host
    sock.sendall(wsproto.handshake_request("%s:%d" % (host, url.port), url.path, key))
    buf = b""
    deadline = time.monotonic() + timeout
    while True:
        end = wsproto.head_complete(buf)
        if end >= 0:
            wsproto.check_handshake_response(buf[:end], key)
            return buf[end:]
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(_READ)
        if not chunk:
            raise HandshakeError("%s closed the connection during the WebSocket upgrade" % url)
        buf += chunk


def open_transport(url, timeout=10.0, ca=None, tls_ctx=None, max_frame_bytes=DEFAULT_MAX_FRAME_BYTES):
    """Connects to the HubUrl ``url`` (and upgrades to WebSocket for ws/wss) within ``timeout`` seconds.

    Returns a transport with ``send(body)``, ``recv()``, ``set_timeout(s)`` and ``close()``; raises
    HandshakeError when the hub cannot be reached or the upgrade fails.
    """
    sock = _dial(url, timeout, ca, tls_ctx)
    if not url.websocket:
        return TcpTransport(url, sock, max_frame_bytes)
    try:
        leftover = _ws_upgrade(url, sock, timeout)
    except HandshakeError:
        sock.close()
        raise
    except (OSError, ValueError) as e:
        sock.close()
        raise HandshakeError("the WebSocket upgrade with %s failed: %s" % (url, e)) from None
    return WsTransport(url, sock, max_frame_bytes, leftover)
