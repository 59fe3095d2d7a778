"""One authenticated connection to a hub: the handshake, its reader thread, the calls pending on it,
heartbeats, and closing. A :class:`~callmesh.Mesh` owns one session at a time and makes a new one
after a loss.

Threads: one thread at a time reads a session's frames and dispatches them. It starts as the session's
reader thread. When a call to serve arrives and a thread of the mesh's pool is free, the reading passes
to that thread and the one that read the call runs its handler at once, with the call fresh in its
caches (leader and followers): a call served after a pause does not wait for a sleeping thread to wake.
With every pool thread busy, the call waits in the pool's queue and the reader reads on. Any thread may
send. Heartbeats and the watchdog run on the mesh's :class:`~callmesh.timers.Timers`.
"""

import threading
import time

from . import calls
from .auth import auth_message
from .errors import UNAVAILABLE, TransportError
from .frames import encode_envelope, parse_envelope
from .protocol import SessionCore, challenge_of, check_welcome, hello_payload

__all__ = ["Session", "handshake"]


def handshake(transport, signer=None, token=None, hello_extra=None, timeout=10.0):
    """Runs the client side of the handshake on a fresh transport; returns ``(challenge, welcome)`` payloads.

    Raises HandshakeError (with the hub's ``code`` when it denied us), ProtocolError, or ConnectionLost.
    """
    transport.set_timeout(timeout)
    type_, _, challenge = parse_envelope(transport.recv())
    hub_id, nonce = challenge_of(type_, challenge)
    signature = None if token is not None else signer.sign(auth_message(hub_id, nonce))
    transport.send(encode_envelope("auth.hello", "", hello_payload(token, signature, hello_extra)))
    type_, _, welcome = parse_envelope(transport.recv())
    check_welcome(type_, welcome)
    transport.set_timeout(None)
    return challenge, welcome


class Session(SessionCore):
    """A welcomed connection. ``server`` (or ``None``) serves the calls the hub sends us; ``on_lost(session,
    why)`` is called once, from the reader thread or the closing one, when the connection ends."""

    def __init__(self, transport, challenge, welcome, timers, server=None, on_lost=None):
        super().__init__(transport, challenge, welcome, server, on_lost)
        self._timers = timers
        self._lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, name="callmesh-reader %s" % self.url, daemon=True)

    # lifecycle ---------------------------------------------------------------------------------------
    def start(self):
        """Starts the reader thread and the heartbeat."""
        self._reader.start()
        self._timers.schedule(self.heartbeat, self._heartbeat)

    @property
    def closed(self):
        """Whether the connection has ended."""
        return self._closed

    def close(self, code="UNAVAILABLE", message="the client closed the connection"):
        """Says ``bye`` (best effort) and closes; pending calls fail with ConnectionLost."""
        if self._closed:
            return
        try:  # not behind a send that is stuck (the watchdog closes for exactly that)
            self.transport.send(encode_envelope("bye", "", {"code": code, "message": message}), 1.0)
        except TransportError:
            pass
        self._lost("closed by this side: " + message)

    def _lost(self, why):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self.close_reason = why
            pending, self._pending = self._pending, {}
        self.transport.close()
        self._ended_with(pending, why)

    # sending -----------------------------------------------------------------------------------------
    def send(self, type_, id_, payload):
        """Sends one envelope; raises FrameTooLong (too big) or ConnectionLost."""
        self.transport.send(encode_envelope(type_, id_, payload))

    def open_call(self, op, input, stream, timeout, window=None, metadata=None, parent=None, idle_timeout=None):
        """Registers and sends a ``call.requested``; returns its :class:`~callmesh.calls.Outbound`.

        ``parent`` is the inbound call this one is made on behalf of (it sets ``parentRequestId``).
        Raises CallError RESOURCE_EXHAUSTED when the request is over the frame limit, ConnectionLost
        when the connection is gone.
        """
        payload = self._request(op, input, timeout, window, metadata, parent, idle_timeout)
        with self._lock:
            if self._closed:
                raise calls.lost(self.url, self.close_reason)
            out = calls.Outbound(self._next_id(), stream, parent)
            self._pending[out.id] = out
        return self._send_request(out, payload)

    def _remove(self, out):
        with self._lock:
            live = self._pending.get(out.id) is out
            if live:
                del self._pending[out.id]
        return live

    # reading -----------------------------------------------------------------------------------------
    def _read_loop(self):
        served, why = None, "the reader stopped"
        try:
            served = self._read_frames()
        except Exception as e:
            why = self._reader_stopped(e)
        if served is not None:
            self._server.run(served)  # another thread reads now; this one is done with the connection
        else:
            self._lost(why)

    def _read_frames(self):
        """Reads and dispatches frames until the connection ends (returns None), or until a pool thread has
        taken over the reading so that this one serves the call just read (returns that call)."""
        server = self._server
        while not self._closed:
            body = self.transport.recv()
            self._last_seen = time.monotonic()
            type_, id_, payload = parse_envelope(body)
            if type_ != "call.requested" or server is None:
                self._dispatch(type_, id_, payload)
                continue
            served = server.requested(self, id_, payload)
            if served is None:  # refused, and answered
                continue
            if server.pass_reading(self._read_loop):
                return served
            server.queue(served)  # every pool thread is busy: the call waits for one, and this thread reads on
        return None

    def _requested(self, id_, payload):
        self._refuse(id_, "this client serves no operations")  # with a server, _read_frames serves it

    def _take(self, id_, type_):
        with self._lock:
            out = self._pending.get(id_)
            if out is not None and (type_ != "call.responded" or not out.stream):
                del self._pending[id_]
        return out

    # heartbeats --------------------------------------------------------------------------------------
    def _heartbeat(self):
        if self._closed:
            return
        now = time.monotonic()
        silent = now - self._last_seen
        sending = self.transport.send_started
        if silent > 3 * self.heartbeat or (sending and now - sending > 3 * self.heartbeat):
            why = "no heartbeat from the hub for %.1f s" % silent if silent > 3 * self.heartbeat \
                else "a send has been blocked for %.1f s" % (now - sending)
            self.close(UNAVAILABLE, why)
            return
        try:  # never wait here: a busy socket needs no ping, and this thread is everyone's timer
            self.transport.send(encode_envelope("ping", "", {"t": int(time.time() * 1000)}), 0.0)
        except TransportError:
            pass
        self._timers.schedule(self.heartbeat, self._heartbeat)

    def pending_count(self):
        """Returns how many calls this side made are still waiting (for tests and diagnostics)."""
        with self._lock:
            return len(self._pending)
