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

import itertools
import logging
import threading
import time

from . import calls
from .auth import auth_message
from .errors import (PROTOCOL, UNAVAILABLE, CallError, ConnectionLost, HandshakeError, ProtocolError,
                     TransportError)
from .frames import FrameTooLong, encode_envelope, parse_envelope

__all__ = ["Session", "handshake"]

log = logging.getLogger("callmesh")


def handshake(transport, signer=None, token=None, hello_extra=None, timeout=10.0):
    """Runs the client side of the handshake on a fresh transport; returns ``(challenge, welcome)`` payloads.

    Raises HandshakeError (with the hub's ``code`` when it denied us), ProtocolError, or ConnectionLost.
    """
    transport.set_timeout(timeout)
    type_, _, challenge = parse_envelope(transport.recv())
    if type_ == "auth.denied":
        raise HandshakeError("the hub denied the connection: %s" % challenge.get("message", ""),
                             challenge.get("code"))
    hub_id, nonce = challenge.get("hub"), challenge.get("nonce")
    if type_ != "auth.challenge" or not isinstance(hub_id, str) or not isinstance(nonce, str):
        raise ProtocolError("expected auth.challenge with a hub id and nonce, got %s" % type_)
    hello = {"protocol": "callmesh/1"}
    if token is not None:
        hello["token"] = token
    else:
        hello["signature"] = signer.sign(auth_message(hub_id, nonce))
    hello.update(hello_extra or {})
    transport.send(encode_envelope("auth.hello", "", hello))
    type_, _, welcome = parse_envelope(transport.recv())
    if type_ == "auth.denied":
        raise HandshakeError("the hub denied the connection: %s (%s)" % (welcome.get("message", ""),
                             welcome.get("code")), welcome.get("code"))
    if type_ != "auth.welcome":
        raise ProtocolError("expected auth.welcome, got %s" % type_)
    transport.set_timeout(None)
    return challenge, welcome


class Session:
    """A welcomed connection. ``server`` (or ``None``) serves the calls the hub sends us; ``on_lost(session,
    why)`` is called once, from the reader thread or the closing one, when the connection ends."""

    def __init__(self, transport, challenge, welcome, timers, server=None, on_lost=None):
        self.transport = transport
        self.url = transport.url
        self.hub_id = challenge.get("hub")
        self.welcome = welcome
        self.identity = welcome.get("identity") or {}
        self.spoke = welcome.get("spoke")
        hb = welcome.get("heartbeatMs")
        self.heartbeat = (hb / 1000.0) if isinstance(hb, int) and hb > 0 else 15.0
        mf = welcome.get("maxFrameBytes")
        if isinstance(mf, int) and mf > 0:
            transport.max_frame_bytes = min(transport.max_frame_bytes, mf)
        self._timers = timers
        self._server = server
        self._on_lost = on_lost
        self._pending = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False
        self.close_reason = None
        self._last_seen = time.monotonic()
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
        for out in pending.values():
            out.done = True
            out.events.put(("err", calls.lost(self.url, why)))  # one exception per waiter: each gets its own traceback
        if self._server is not None:
            self._server.connection_closed(self)
        if self._on_lost is not None:
            self._on_lost(self, why)

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
        payload = calls.request_payload(op, input, timeout, window, metadata,
                                        parent.id if parent is not None else None,
                                        parent.traceparent if parent is not None else None, idle_timeout)
        with self._lock:
            if self._closed:
                raise calls.lost(self.url, self.close_reason)
            out = calls.Outbound("c%d" % next(self._ids), stream, parent)
            self._pending[out.id] = out
        if parent is not None:
            parent.children.add(out)
        try:
            self.send("call.requested", out.id, payload)
        except FrameTooLong as e:
            self._forget(out)
            raise CallError("RESOURCE_EXHAUSTED", "the request is too big to send: %s" % e, False) from None
        except (TransportError, ValueError, TypeError):  # TypeError/ValueError: input not JSON-serialisable
            self._forget(out)
            raise
        return out

    def _forget(self, out):
        with self._lock:
            if self._pending.get(out.id) is out:
                del self._pending[out.id]
        out.done = True
        if out.parent is not None:
            out.parent.children.discard(out)

    def abort(self, out, reason=""):
        """Gives up a call this side made: forgets it and sends ``call.aborted`` (unless it had ended)."""
        with self._lock:
            live = self._pending.pop(out.id, None) is out
        out.done = True
        if out.parent is not None:
            out.parent.children.discard(out)
        if live:
            out.events.put(("err", calls.aborted(reason)))
            try:
                self.send("call.aborted", out.id, {"reason": reason} if reason else {})
            except TransportError:
                pass

    def credit(self, out, n):
        """Lets the producer of stream ``out`` send ``n`` more outputs."""
        if not out.done and n > 0:
            try:
                self.send("call.credit", out.id, {"n": n})
            except TransportError:
                pass

    # reading -----------------------------------------------------------------------------------------
    def _read_loop(self):
        served, why = None, "the reader stopped"
        try:
            served = self._read_frames()
        except ProtocolError as e:
            why = "protocol violation: %s" % e
            try:
                self.send("bye", "", {"code": PROTOCOL, "message": str(e)})
            except TransportError:
                pass
        except TransportError as e:
            why = str(e)
        except Exception as e:  # a bug here must still fail the calls instead of hanging them
            log.exception("callmesh reader failed")
            why = "internal error in the reader: %r" % (e,)
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

    def _dispatch(self, type_, id_, payload):
        if type_ == "call.aborted":
            # Always about a call the peer made to us (one we serve); an unknown id is ignored.
            if self._server is not None:
                self._server.aborted(self, id_, payload)
        elif type_ in ("call.responded", "call.completed", "call.error"):
            self._outbound_event(type_, id_, payload)
        elif type_ == "call.requested":  # with a server, _read_frames serves it
            self._refuse(id_, "this client serves no operations")
        elif type_ == "call.credit":
            if self._server is not None:
                self._server.credited(self, id_, payload)
        elif type_ == "ping":
            self.send("pong", id_, payload)
        elif type_ == "bye":
            raise ConnectionLost("the hub said bye: %s %s" % (payload.get("code", ""), payload.get("message", "")))
        elif type_.startswith("auth."):
            raise ProtocolError("%s after the handshake" % type_)
        # pong and unknown types: nothing to do (last_seen was updated)

    def _refuse(self, id_, why):
        self.send("call.error", id_, CallError("NOT_FOUND", why, False).to_payload())

    def _outbound_event(self, type_, id_, payload):
        with self._lock:
            out = self._pending.get(id_)
            if out is None:
                return  # an orphan: the caller gave up, or an id we never used
            if type_ != "call.responded" or not out.stream:
                del self._pending[id_]
        if type_ == "call.responded":
            out.events.put(("out", payload.get("output")))
            if not out.stream:
                self._ended(out)
        elif type_ == "call.completed":
            out.events.put(("end", None))
            self._ended(out)
        else:
            out.events.put(("err", CallError.from_payload(payload)))
            self._ended(out)

    @staticmethod
    def _ended(out):
        out.done = True
        if out.parent is not None:
            out.parent.children.discard(out)

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
