"""A session's protocol without its I/O, shared by the blocking :class:`~callmesh.session.Session` and the
asyncio :class:`~callmesh.aio.session.AsyncSession`: the handshake's checks and ``auth.hello``, what the
welcome sets, and what each envelope read after it does to the calls this side made. The two sessions add
how they read, send, wait and lock, through the hooks of :class:`SessionCore`.
"""

import itertools
import logging
import time

from . import calls
from .errors import PROTOCOL, CallError, ConnectionLost, HandshakeError, ProtocolError, TransportError
from .frames import FrameTooLong

__all__ = ["challenge_of", "hello_payload", "check_welcome", "SessionCore"]

log = logging.getLogger("callmesh")


def _denied(payload, with_code):
    message = payload.get("message", "")
    if with_code:
        message = "%s (%s)" % (message, payload.get("code"))
    return HandshakeError("the hub denied the connection: %s" % message, payload.get("code"))


def challenge_of(type_, challenge):
    """Returns ``(hub_id, nonce)`` of the hub's first envelope; raises HandshakeError (with the hub's
    ``code``) when it denied us, ProtocolError when it is no ``auth.challenge``."""
    if type_ == "auth.denied":
        raise _denied(challenge, False)
    hub_id, nonce = challenge.get("hub"), challenge.get("nonce")
    if type_ != "auth.challenge" or not isinstance(hub_id, str) or not isinstance(nonce, str):
        raise ProtocolError("expected auth.challenge with a hub id and nonce, got %s" % type_)
    return hub_id, nonce


def hello_payload(token, signature, extra):
    """Returns the ``auth.hello`` payload: the token when given, else the signature of the challenge."""
    hello = {"protocol": "callmesh/1"}
    if token is not None:
        hello["token"] = token
    else:
        hello["signature"] = signature
    hello.update(extra or {})
    return hello


def check_welcome(type_, welcome):
    """Raises HandshakeError when the hub denied the hello, ProtocolError when it sent anything but
    ``auth.welcome``."""
    if type_ == "auth.denied":
        raise _denied(welcome, True)
    if type_ != "auth.welcome":
        raise ProtocolError("expected auth.welcome, got %s" % type_)


class SessionCore:
    """What both sessions do with a welcomed connection, whatever runs them.

    A subclass provides ``send(type_, id_, payload)``, ``_remove(out)`` (forgets a pending call; returns
    whether it was still pending), ``_take(id_, type_)`` (the pending call an answer of that type is
    for, forgotten unless it is one output of a stream; ``None`` for an orphan) and ``_requested(id_,
    payload)`` (a ``call.requested`` to serve). A pending call is an :class:`~callmesh.calls.Outbound`
    or its asyncio twin: both ``put`` an event.
    """

    def __init__(self, transport, challenge, welcome, server, on_lost):
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
        self._server = server
        self._on_lost = on_lost
        self._pending = {}
        self._ids = itertools.count(1)
        self.close_reason = None
        self._last_seen = time.monotonic()

    # calls this side makes ------------------------------------------------------------------------------
    def _next_id(self):
        return "c%d" % next(self._ids)

    @staticmethod
    def _request(op, input, timeout, window, metadata, parent, idle_timeout):
        return calls.request_payload(op, input, timeout, window, metadata,
                                     parent.id if parent is not None else None,
                                     parent.traceparent if parent is not None else None, idle_timeout)

    def _send_request(self, out, payload):
        """Sends the ``call.requested`` of ``out``, registered already; forgets it when it cannot leave."""
        if out.parent is not None:
            out.parent.children.add(out)
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
        self._remove(out)
        self._ended(out)

    def abort(self, out, reason=""):
        """Gives up a call this side made: forgets it and sends ``call.aborted`` (unless it had ended)."""
        live = self._remove(out)
        self._ended(out)
        if live:
            out.put(("err", calls.aborted(reason)))
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

    # reading --------------------------------------------------------------------------------------------
    def _dispatch(self, type_, id_, payload):
        """Does what an envelope read after the welcome asks; raises ConnectionLost at ``bye`` and
        ProtocolError at a handshake message."""
        if type_ == "call.aborted":
            # Always about a call the peer made to us (one we serve); an unknown id is ignored.
            if self._server is not None:
                self._server.aborted(self, id_, payload)
        elif type_ in ("call.responded", "call.completed", "call.error"):
            self._answered(type_, id_, payload)
        elif type_ == "call.requested":
            self._requested(id_, payload)
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

    def _answered(self, type_, id_, payload):
        out = self._take(id_, type_)
        if out is None:
            return  # an orphan: the caller gave up, or an id we never used
        if type_ == "call.responded":
            out.put(("out", payload.get("output")))
            if out.stream:
                return
        elif type_ == "call.completed":
            out.put(("end", None))
        else:
            out.put(("err", CallError.from_payload(payload)))
        self._ended(out)

    def _reader_stopped(self, e):
        """Returns why the reader stopped on ``e``; a protocol violation is told to the hub first."""
        if isinstance(e, ProtocolError):
            try:
                self.send("bye", "", {"code": PROTOCOL, "message": str(e)})
            except TransportError:
                pass
            return "protocol violation: %s" % e
        if isinstance(e, TransportError):
            return str(e)
        # a bug here must still fail the calls instead of hanging them
        log.error("callmesh reader failed", exc_info=e)
        return "internal error in the reader: %r" % (e,)

    # the end --------------------------------------------------------------------------------------------
    def _ended_with(self, pending, why):
        """The connection ended: fails the calls that were pending, then tells the server and the owner."""
        for out in pending.values():
            out.done = True
            out.put(("err", calls.lost(self.url, why)))  # one exception per waiter: each gets its own traceback
        if self._server is not None:
            self._server.connection_closed(self)
        if self._on_lost is not None:
            self._on_lost(self, why)
