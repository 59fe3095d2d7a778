"""What an outgoing call is made of: its ``call.requested`` payload, its trace context, and the
pieces the blocking API waits on (:class:`Outbound`, :class:`Stream`). Shared by ``callmesh.aio``
where it has no threads in it."""

import queue
import random
import re
import time

from .errors import ABORTED, TIMEOUT, CallError, ConnectionLost

__all__ = ["request_payload", "new_traceparent", "child_traceparent", "Outbound", "Stream", "StreamBase",
           "DEFAULT_TIMEOUT", "DEFAULT_WINDOW", "DEADLINE_GRACE"]

#: Seconds a query or mutation may take unless told otherwise (as on the hub).
DEFAULT_TIMEOUT = 30.0
#: Outputs a stream may have in flight before the caller credits more.
DEFAULT_WINDOW = 64
#: How much longer than ``timeout`` the caller waits for the hub's own TIMEOUT answer.
DEADLINE_GRACE = 0.5

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


_random = random.Random()  # trace ids need to be unique, not secret: no system call per call


def _hex(bits):
    v = 0
    while v == 0:  # an all-zero id is invalid
        v = _random.getrandbits(bits)
    return "%0*x" % (bits // 4, v)


def new_traceparent():
    """Returns a W3C traceparent starting a new trace (random ids, sampled)."""
    return "00-%s-%s-01" % (_hex(128), _hex(64))


def child_traceparent(parent):
    """Returns a traceparent in the same trace as ``parent`` with a new span id, or a new trace when
    ``parent`` is not a valid traceparent."""
    m = _TRACEPARENT.match(parent) if isinstance(parent, str) else None
    if not m or m.group(1) == "ff" or m.group(2) == "0" * 32 or m.group(3) == "0" * 16:
        return new_traceparent()
    return "00-%s-%s-%s" % (m.group(2), _hex(64), m.group(4))


def request_payload(op, input, timeout=None, window=None, metadata=None, parent_id=None,
                    parent_traceparent=None, idle_timeout=None):
    """Returns the ``call.requested`` payload; times are seconds (``None``: not sent)."""
    if not isinstance(op, str) or not op.startswith("/"):
        raise ValueError("an operation path starts with '/', e.g. /dev1/fs/stat; got %r" % (op,))
    meta = dict(metadata) if metadata else {}
    if "traceparent" not in meta:
        meta["traceparent"] = (child_traceparent(parent_traceparent) if parent_traceparent
                               else new_traceparent())
    p = {"operationId": op, "input": {} if input is None else input, "metadata": meta}
    if timeout is not None:
        p["timeoutMs"] = max(1, int(timeout * 1000))
    if idle_timeout is not None:
        p["idleTimeoutMs"] = max(1, int(idle_timeout * 1000))
    if window is not None:
        p["window"] = int(window)
    if parent_id is not None:
        p["parentRequestId"] = parent_id
    return p


class Outbound:
    """A call this side made and waits on: events from the reader thread go into a queue.

    Items are ``("out", value)``, ``("end", None)`` or ``("err", exception)``. Whoever marks it
    ``done`` (the reply, the caller giving up, or the connection's close) owns the outcome.
    """

    __slots__ = ("id", "stream", "events", "done", "parent")

    def __init__(self, id_, stream, parent=None):
        self.id = id_
        self.stream = stream
        self.events = queue.SimpleQueue()
        self.done = False
        self.parent = parent

    def put(self, event):
        """Adds an event for the waiter (from the reader thread, or the one giving up)."""
        self.events.put(event)

    def get(self, deadline, what):
        """Returns the next event; raises CallError TIMEOUT when ``deadline`` (monotonic) passes."""
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            raise CallError(TIMEOUT, "%s did not answer in time" % what, True)
        try:
            return self.events.get(timeout=wait)
        except queue.Empty:
            raise CallError(TIMEOUT, "%s did not answer in time" % what, True) from None


class StreamBase:
    """What a stream's iterator does with each event of its call, blocking or on asyncio."""

    def __init__(self, session, outbound, path, window, deadline):
        self._session = session
        self._out = outbound
        self._path = path
        self._window = window
        self._deadline = deadline
        self._uncredited = 0
        self._finished = False

    @property
    def id(self):
        """The request id of the call on its connection."""
        return self._out.id

    def _next(self, kind, value, end):
        """Returns an output, crediting the producer once half the window has been taken; raises the
        call's error, or ``end`` (the iterator's stop) when it completed."""
        if kind == "out":
            if self._window:
                self._uncredited += 1
                if self._uncredited * 2 >= self._window:
                    n, self._uncredited = self._uncredited, 0
                    self._session.credit(self._out, n)
            return value
        self._finished = True
        if kind == "err":
            raise value
        raise end


class Stream(StreamBase):
    """The outputs of a subscription, as an iterator: ``for out in mesh.stream(...)``.

    Iterating yields each output; the stream ends at ``call.completed`` and raises :class:`CallError`
    at ``call.error``. Leaving early (``break``, an exception, ``close()``, the end of a ``with``
    block, or the iterator being freed) aborts the call. Each output taken credits one more to the
    producer, so a slow reader holds the producer back instead of filling memory.
    """

    def __iter__(self):
        return self

    def __next__(self):
        if self._finished:
            raise StopIteration
        try:
            kind, value = self._out.get(self._deadline, self._path)
        except CallError:
            self._finish(abort="the caller's timeout passed")
            raise
        return self._next(kind, value, StopIteration)

    def _finish(self, abort):
        if not self._finished:
            self._finished = True
            self._session.abort(self._out, abort)

    def close(self):
        """Aborts the call unless it has ended; safe to call more than once."""
        self._finish(abort="the caller stopped reading")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # the interpreter may be shutting down
            pass


def lost(url, why):
    """Returns the ConnectionLost a waiting call gets when its connection goes."""
    return ConnectionLost("the connection to %s was lost: %s" % (url, why))


def aborted(reason):
    """Returns the CallError a call gets when it was aborted (by the peer, or by its parent's abort)."""
    return CallError(ABORTED, "the call was aborted" + (": " + reason if reason else ""), False)
