"""One authenticated connection on asyncio: handshake, reader task, pending calls, heartbeats.

Everything runs on the event loop's thread, so there are no locks: the reader task dispatches each
envelope, served calls run as their own tasks, and sends are plain (buffered) writes.
"""

import asyncio
import time

from .. import calls
from ..auth import SshKeygenSigner, auth_message
from ..errors import UNAVAILABLE, HandshakeError, TransportError
from ..frames import encode_envelope, parse_envelope
from ..protocol import SessionCore, challenge_of, check_welcome, hello_payload

__all__ = ["AsyncSession", "handshake", "sign"]


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
    hub_id, nonce = challenge_of(type_, challenge)
    signature = None if token is not None else await sign(signer, auth_message(hub_id, nonce))
    transport.send(encode_envelope("auth.hello", "", hello_payload(token, signature, hello_extra)))
    type_, _, welcome = await _recv(transport, timeout)
    check_welcome(type_, welcome)
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

    def put(self, event):
        """Adds an event for the waiting task."""
        self.events.put_nowait(event)


class AsyncSession(SessionCore):
    """A welcomed connection; ``server`` serves the hub's calls, ``on_lost(session, why)`` runs once at the end."""

    def __init__(self, transport, challenge, welcome, server=None, on_lost=None):
        super().__init__(transport, challenge, welcome, server, on_lost)
        self.closed = False
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
        current = asyncio.current_task()
        for t in self._tasks:
            if t is not current:
                t.cancel()
        self._ended_with(pending, why)

    def send(self, type_, id_, payload):
        """Writes one envelope (buffered); raises FrameTooLong or ConnectionLost."""
        self.transport.send(encode_envelope(type_, id_, payload))

    def open_call(self, op, input, stream, timeout, window=None, metadata=None, parent=None, idle_timeout=None):
        """Registers and sends a ``call.requested``; returns its AsyncOutbound (see the blocking Session)."""
        if self.closed:
            raise calls.lost(self.url, self.close_reason)
        payload = self._request(op, input, timeout, window, metadata, parent, idle_timeout)
        out = AsyncOutbound(self._next_id(), stream, parent)
        self._pending[out.id] = out
        return self._send_request(out, payload)

    def _remove(self, out):
        live = self._pending.get(out.id) is out
        if live:
            del self._pending[out.id]
        return live

    async def _read_loop(self):
        why = "the reader stopped"
        try:
            while not self.closed:
                body = await self.transport.recv()
                self._last_seen = time.monotonic()
                self._dispatch(*parse_envelope(body))
        except asyncio.CancelledError:
            return
        except Exception as e:
            why = self._reader_stopped(e)
        self._lost(why)

    def _requested(self, id_, payload):
        if self._server is None:
            self._refuse(id_, "this client serves no operations")
        else:
            self._server.requested(self, id_, payload)

    def _take(self, id_, type_):
        out = self._pending.get(id_)
        if out is not None and (type_ != "call.responded" or not out.stream):
            del self._pending[id_]
        return out

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
