"""Serving operations: the calls the hub sends us, run by handlers in a bounded thread pool.

A handler is ``fn(input, ctx)``. A query or mutation returns its output; a subscription is a
generator whose every ``yield`` is one output. Raising :class:`CallError` answers with that code;
any other exception answers ``INTERNAL``. The thread that reads a call runs its handler only once a pool
thread has taken over the reading (see :mod:`callmesh.session`), so a slow handler does not hold up other
calls or heartbeats.

For each call served: at most ``window`` outputs beyond the caller's credit are sent (the generator
waits), ``timeoutMs``/``idleTimeoutMs`` are enforced (the caller gets TIMEOUT, the handler is told
through ``ctx.cancelled``), and when the caller aborts, the generator is closed at its next ``yield``
and the calls made on its behalf through ``ctx.call`` are aborted too.
"""

import inspect
import threading

from . import specs as specs_mod
from .errors import RESOURCE_EXHAUSTED, TIMEOUT, CallError
from .served import (ServedCall, ServedContext, abort_reason, busy, credit_of, handler_failed, not_a_stream,
                     refused, timeout_ms)
from .timers import Deadlines

__all__ = ["Server", "InboundCall", "Context"]


class Context(ServedContext):
    """What a handler knows about the call it serves.

    ``caller`` is ``{"id": identity, "spoke": name or None}`` as the hub set it; ``metadata`` the
    call's metadata (with ``traceparent``); ``operation`` the path as served (``/echo/echo``);
    ``request_id`` the call's id on this connection; ``parent_request_id`` the ``parentRequestId``
    the hub sent (the id, on this connection, of the call of ours this one was made for, when the
    caller called on behalf of a call we made; else ``None``); ``cancelled`` a :class:`threading.Event` set
    when the call is aborted or times out (long handlers should check it).
    """

    @property
    def cancelled(self):
        """A :class:`threading.Event` set when the call is aborted or times out."""
        return self._call.cancelled

    def call(self, path, input=None, timeout=None, metadata=None):
        """Makes a call on behalf of this one (``parentRequestId`` is set; aborting this call aborts
        it) and returns its output; raises CallError or ConnectionLost like ``Mesh.call``."""
        return self._mesh._call_via(self._call.session, path, input, timeout, metadata, self._call)

    def stream(self, path, input=None, timeout=None, window=None, metadata=None):
        """Starts a subscription on behalf of this one; returns a :class:`~callmesh.calls.Stream`."""
        return self._mesh._stream_via(self._call.session, path, input, timeout, window, metadata, self._call)


class InboundCall(ServedCall):
    """One call being served: its credit, its end (exactly one terminal event) and its children."""

    def __init__(self, session, id_, op, payload):
        super().__init__(session, id_, op, payload)
        self.timers = []
        # A plain lock for a query, a mutation or an unbounded stream: only a windowed stream waits for credit.
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock) if self.windowed else None
        self._cancelled = None  # the Event, made when a handler first asks for it
        self._stopped = False

    @property
    def cancelled(self):
        """The call's cancellation :class:`threading.Event` (made on first use: most handlers never look)."""
        event = self._cancelled
        if event is None:
            with self._lock:
                if self._cancelled is None:
                    self._cancelled = threading.Event()
                    if self._stopped:
                        self._cancelled.set()
                event = self._cancelled
        return event

    def _ended_notify(self):
        # holding self._lock
        self.ended = True
        if self._cond is not None:
            self._cond.notify_all()

    def add_credit(self, n):
        with self._lock:
            self.credit += n
            if self._cond is not None:
                self._cond.notify_all()

    def emit(self, output):
        """Sends one subscription output once credit allows; returns False when the call has ended."""
        with self._lock:
            while self.windowed and self.credit <= 0 and not self.ended:
                self._cond.wait(1.0)
            if self.ended:
                return False
            if self.windowed:
                self.credit -= 1
        return self._sent(output)

    def finish(self, error=None, output=None, has_output=False):
        """Ends the call: ``output`` (query/mutation), ``call.completed``, or ``error``. Only the first
        end is sent; a call already ended (aborted, timed out) sends nothing."""
        with self._lock:
            if self.ended:
                return
            self._ended_notify()
        try:
            self._send_end(error, output, has_output)
        finally:
            for t in self.timers:  # after the answer has left: a deadline that fires now finds the call ended
                t.cancel()

    def stop(self, reason, error=None):
        """Ends the call from outside the handler (abort, deadline, lost connection): the handler is
        cancelled, its children aborted; ``error`` (e.g. TIMEOUT) is sent when given."""
        if error is not None:
            self.finish(error)
        else:
            with self._lock:
                self._ended_notify()
            for t in self.timers:
                t.cancel()
        with self._lock:
            self._stopped = True
            event = self._cancelled
        if event is not None:
            event.set()
        self._abort_children(reason)


class Server:
    """Serves the calls of every session of one mesh with the handlers of ``serve=``."""

    def __init__(self, handlers, pool, timers, mesh, max_in_flight=1024):
        self._handlers = handlers
        self._pool = pool
        self._deadlines = Deadlines(timers)
        self._mesh = mesh
        self._max_in_flight = max_in_flight
        self._calls = {}
        self._lock = threading.Lock()

    def in_flight(self):
        """Returns how many calls are being served."""
        with self._lock:
            return len(self._calls)

    def requested(self, session, id_, payload):
        """A ``call.requested`` arrived (on the reading thread): checks it, and returns it to be served (by
        :meth:`run` or :meth:`queue`), or answers it and returns None when it is refused."""
        handler, error = refused(self._handlers, payload)
        if error is not None:
            session.send("call.error", id_, error.to_payload())
            return None
        call = InboundCall(session, id_, payload["operationId"], payload)
        with self._lock:
            why = busy(self._calls, (session, id_), self._max_in_flight)
            if why is None:
                self._calls[(session, id_)] = call
        if why is not None:
            session.send("call.error", id_, CallError(RESOURCE_EXHAUSTED, why, True).to_payload())
            return None
        t = timeout_ms(payload)
        if t is not None:
            call.timers.append(self._deadlines.add(t / 1000.0, lambda: call.stop("its timeout passed", CallError(
                TIMEOUT, "%s did not finish within %d ms" % (call.op, t), True))))
        return call, handler

    def pass_reading(self, read):
        """Gives ``read`` (a session's reading) to a pool thread if one is free now; returns whether it did."""
        return self._pool.try_submit(read)

    def run(self, served):
        """Serves a call :meth:`requested` returned, on this thread."""
        self._run(*served)

    def queue(self, served):
        """Serves a call :meth:`requested` returned on the pool's next free thread."""
        call, handler = served
        try:
            self._pool.submit(self._run, call, handler)
        except RuntimeError:  # the pool is shut down: the mesh is closing
            self._release(call)
            call.finish(CallError("UNAVAILABLE", "the spoke is shutting down", True))

    def aborted(self, session, id_, payload):
        """The caller aborted a call we serve; returns whether we knew it."""
        with self._lock:
            call = self._calls.get((session, id_))
        if call is None:
            return False
        call.stop(abort_reason(payload))
        return True

    def credited(self, session, id_, payload):
        """The caller credited a stream we serve with ``n`` more outputs."""
        n = credit_of(payload)
        with self._lock:
            call = self._calls.get((session, id_))
        if call is not None and n is not None:
            call.add_credit(n)

    def connection_closed(self, session):
        """Stops every call served on a session that ended."""
        with self._lock:
            mine = [c for (s, _), c in self._calls.items() if s is session]
        for call in mine:
            call.stop("the connection closed")

    def _release(self, call):
        with self._lock:
            if self._calls.get((call.session, call.id)) is call:
                del self._calls[(call.session, call.id)]

    def _run(self, call, handler):
        try:
            if call.ended:
                return
            ctx = Context(call, self._mesh)
            result = handler.fn(call.input, ctx)
            if handler.op_type == specs_mod.SUBSCRIPTION:
                self._stream(call, result)
            elif inspect.isgenerator(result):
                result.close()
                call.finish(not_a_stream(call, handler.op_type))
            else:
                call.finish(output=result, has_output=True)
        except CallError as e:
            call.finish(e)
        except Exception as e:
            call.finish(handler_failed(call, e))
        finally:
            self._release(call)

    @staticmethod
    def _stream(call, result):
        if not inspect.isgenerator(result):
            if result is not None and not call.emit(result):
                return
            call.finish()
            return
        try:
            for out in result:
                if not call.emit(out):
                    return
        finally:
            result.close()  # runs the generator's finally blocks at its current yield
        call.finish()
