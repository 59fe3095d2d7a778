"""One authenticated connection on asyncio: handshake, reader task, pending calls, heartbeats.

Everything runs on the event loop's thread, so there are no locks: the reader task dispatches each
envelope, served calls run as their own tasks, and sends are plain (buffered) writes.
"""

import asyncio
import itertools
import logging
import time

from .. import calls
from ..auth import SshKeygenSigner, auth_message
from ..errors import (PROTOCOL, UNAVAILABLE, CallError, ConnectionLost, HandshakeError, ProtocolError,
                      TransportError)
from ..frames import FrameTooLong, encode_envelope, parse_envelope

__all__ = ["AsyncSession", "handshake", "sign"]

log = logging.getLogger("callmesh")


async def sign(signer, message):
    """Signs ``message``: ssh-keygen as an asyncio subprocess, or the in-process signer."""
    if not isinstance(signer, SshKeygenSigner):
        return signer.sign(message)
    try:
        proc = await asyncio.create_subprocess_exec(*signer.command(), stdin=asyncio.subprocess.PIPE,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    except FileNotFoundError:
        raise HandshakeError("ssh-keygen is not installed (Debian: apt-get install openssh-client)") from None
    try:
        out, err = await asyncio.wait_for(proc.communicate(message), 30.0)
    except asyncio.TimeoutError:
        proc.kill()
        raise HandshakeError("ssh-keygen did not sign within 30 s") from None
    return signer.check(proc.returncode, out, err)


async def _recv(transport, timeout):
    try:
        return parse_envelope(await asyncio.wait_for(transport.recv(), timeout))
    except asyncio.TimeoutError:
        raise HandshakeError("the hub did not answer the handshake within %s s" % timeout) from None


async def handshake(transport, signer=None, token=None, hello_extra=None, timeout=10.0):
    """The client side of the handshake; returns ``(challenge, welcome)`` payloads or raises
    HandshakeError (with the hub's ``code`` when denied), ProtocolError or ConnectionLost."""
    type_, _, challenge = await _recv(transport, timeout)
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
        hello["signature"] = await sign(signer, auth_message(hub_id, nonce))
    hello.update(hello_extra or {})
    transport.send(encode_envelope("auth.hello", "", hello))
    type_, _, welcome = await _recv(transport, timeout)
    if type_ == "auth.denied":
        raise HandshakeError("the hub denied the connection: %s (%s)" % (welcome.get("message", ""),
                             welcome.get("code")), welcome.get("code"))
    if type_ != "auth.welcome":
        raise ProtocolError("expected auth.welcome, got %s" % type_)
    return challenge, welcome


class AsyncOutbound:
    """A call this side made: its events (``("out", v)``, ``("end", None)``, ``("err", e)``) in a queue."""

    __slots__ = ("id", "stream", "events", "done", "parent")

    def __init__(self, id_, stream, parent=None):
        self.id = id_
        self.stream = stream
        self.events = asyncio.Queue()
        self.done = False
        self.parent = parent


class AsyncSession:
    """A welcomed connection; ``server`` serves the hub's calls, ``on_lost(session, why)`` runs once at the end."""

    def __init__(self, transport, challenge, welcome, server=None, on_lost=None):
        self.transport = transport
        self.url = transport.url
        self.hub_id = challenge.get("hub")
        self.identity = welcome.get("identity") or {}
        self.spoke = welcome.get("spoke")
        hb = welcome.get("heartbeatMs")
        self.heartbeat = (hb / 1000.0) if isinstance(hb, int) and hb > 0 else 15.0
        mf = welcome.get("maxFrameBytes")
        if isinstance(mf, int) and mf > 0:
            transport.max_frame_bytes = min(transport.max_frame_bytes, mf)
        self._server = server
        self._on_lost = on_lost
        self._pending = {}
        self._ids = itertools.count(1)
        self.closed = False
        self.close_reason = None
        self._last_seen = time.monotonic()
        self._tasks = []

    def start(self):
        """Starts the reader and heartbeat tasks."""
        self._tasks = [asyncio.ensure_future(self._read_loop()), asyncio.ensure_future(self._heartbeats())]

    def close(self, code="UNAVAILABLE", message="the client closed the connection"):
        """Says bye (best effort) and closes; pending calls fail with ConnectionLost."""
        if self.closed:
            return
        try:
            self.send("bye", "", {"code": code, "message": message})
        except TransportError:
            pass
        self._lost("closed by this side: " + message)

    def _lost(self, why):
        if self.closed:
            return
        self.closed = True
        self.close_reason = why
        self.transport.close()
        pending, self._pending = self._pending, {}
        for out in pending.values():
            out.done = True
            out.events.put_nowait(("err", calls.lost(self.url, why)))
        current = asyncio.current_task()
        for t in self._tasks:
            if t is not current:
                t.cancel()
        if self._server is not None:
            self._server.connection_closed(self)
        if self._on_lost is not None:
            self._on_lost(self, why)

    def send(self, type_, id_, payload):
        """Writes one envelope (buffered); raises FrameTooLong or ConnectionLost."""
        self.transport.send(encode_envelope(type_, id_, payload))

    def open_call(self, op, input, stream, timeout, window=None, metadata=None, parent=None, idle_timeout=None):
        """Registers and sends a ``call.requested``; returns its AsyncOutbound (see the blocking Session)."""
        if self.closed:
            raise calls.lost(self.url, self.close_reason)
        payload = calls.request_payload(op, input, timeout, window, metadata,
                                        parent.id if parent is not None else None,
                                        parent.traceparent if parent is not None else None, idle_timeout)
        out = AsyncOutbound("c%d" % next(self._ids), stream, parent)
        self._pending[out.id] = out
        if parent is not None:
            parent.children.add(out)
        try:
            self.send("call.requested", out.id, payload)
        except FrameTooLong as e:
            self._ended(self._pending.pop(out.id))
            raise CallError("RESOURCE_EXHAUSTED", "the request is too big to send: %s" % e, False) from None
        except (TransportError, ValueError, TypeError):
            self._ended(self._pending.pop(out.id))
            raise
        return out

    def abort(self, out, reason=""):
        """Gives up a call this side made: forgets it and sends ``call.aborted`` unless it had ended."""
        live = self._pending.pop(out.id, None) is out
        self._ended(out)
        if live:
            out.events.put_nowait(("err", calls.aborted(reason)))
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

    @staticmethod
    def _ended(out):
        out.done = True
        if out.parent is not None:
            out.parent.children.discard(out)

    async def _read_loop(self):
        why = "the reader stopped"
        try:
            while not self.closed:
                body = await self.transport.recv()
                self._last_seen = time.monotonic()
                self._dispatch(*parse_envelope(body))
        except asyncio.CancelledError:
            return
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
        self._lost(why)

    def _dispatch(self, type_, id_, payload):
        if type_ == "call.aborted":
            if self._server is not None:
                self._server.aborted(self, id_, payload)
        elif type_ in ("call.responded", "call.completed", "call.error"):
            self._outbound_event(type_, id_, payload)
        elif type_ == "call.requested":
            if self._server is None:
                self.send("call.error", id_, CallError("NOT_FOUND", "this client serves no operations",
                                                       False).to_payload())
            else:
                self._server.requested(self, id_, payload)
        elif type_ == "call.credit":
            if self._server is not None:
                self._server.credited(self, id_, payload)
        elif type_ == "ping":
            self.send("pong", id_, payload)
        elif type_ == "bye":
            raise ConnectionLost("the hub said bye: %s %s" % (payload.get("code", ""), payload.get("message", "")))
        elif type_.startswith("auth."):
            raise ProtocolError("%s after the handshake" % type_)

    def _outbound_event(self, type_, id_, payload):
        out = self._pending.get(id_)
        if out is None:
            return  # an orphan
        if type_ == "call.responded":
            out.events.put_nowait(("out", payload.get("output")))
            if out.stream:
                return
        elif type_ == "call.completed":
            out.events.put_nowait(("end", None))
        else:
            out.events.put_nowait(("err", CallError.from_payload(payload)))
        del self._pending[id_]
        self._ended(out)

    async def _heartbeats(self):
        stuck_since = None  # when the write buffer was last seen non-empty without a break
        try:
            while not self.closed:
                await asyncio.sleep(self.heartbeat)
                now = time.monotonic()
                silent = now - self._last_seen
                if silent > 3 * self.heartbeat:
                    self.close(UNAVAILABLE, "no heartbeat from the hub for %.1f s" % silent)
                    return
                stuck_since = (stuck_since or now) if self.transport.buffered() else None
                if stuck_since is not None and now - stuck_since > 3 * self.heartbeat:
                    self.close(UNAVAILABLE, "the hub has not read what we sent for %.1f s" % (now - stuck_since))
                    return
                try:
                    self.send("ping", "", {"t": int(time.time() * 1000)})
                except TransportError:
                    pass
        except asyncio.CancelledError:
            pass

    def pending_count(self):
        """Returns how many calls this side made are still waiting."""
        return len(self._pending)
