"""Serving a call without its threads or tasks, shared by :mod:`callmesh.serving` and
:mod:`callmesh.aio.serving`: what a ``call.requested`` asks, whether it is refused, and the envelopes a
served call answers with. The two modules add how a handler runs, waits for credit and is cancelled.
"""

import logging

from .errors import INTERNAL, RESOURCE_EXHAUSTED, CallError, TransportError
from .frames import FrameTooLong

__all__ = ["ServedCall", "ServedContext", "refused", "busy", "abort_reason", "credit_of", "not_a_stream",
           "handler_failed", "timeout_ms"]

log = logging.getLogger("callmesh")


def _positive_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def refused(handlers, payload):
    """Returns ``(handler, None)`` for a request this side serves, else ``(None, error)`` (NOT_FOUND)."""
    op = payload.get("operationId")
    handler = handlers.get(op) if isinstance(op, str) else None
    if handler is None:
        return None, CallError("NOT_FOUND", "this spoke serves no operation %r" % (op,), False)
    return handler, None


def busy(calls, key, max_in_flight):
    """Returns why a call under ``key`` (``(session, id)``) cannot start beside ``calls``, or ``None``."""
    if key in calls:
        return "request id %s is already in flight on this connection; use a new id per call" % key[1]
    if len(calls) >= max_in_flight:
        return "this spoke is serving %d calls, its limit; try again later" % len(calls)
    return None


def abort_reason(payload):
    """Returns the reason of a ``call.aborted``."""
    reason = payload.get("reason")
    return reason if isinstance(reason, str) else "aborted by the caller"


def credit_of(payload):
    """Returns the ``n`` of a ``call.credit``, or ``None`` when it is not a positive integer."""
    n = payload.get("n")
    return n if _positive_int(n) else None


def timeout_ms(payload):
    """Returns the request's ``timeoutMs``, or ``None`` when it has none (or not a positive integer)."""
    t = payload.get("timeoutMs")
    return t if _positive_int(t) else None


def not_a_stream(call, op_type):
    """Returns the error of a handler that returned a generator for an operation that does not stream."""
    return CallError(INTERNAL, "the handler of %s returned a generator, but the operation is a %s; declare "
                     "opType subscription to stream" % (call.op, op_type), False)


def handler_failed(call, e):
    """Logs a handler's unexpected exception and returns the INTERNAL error its caller gets."""
    log.warning("handler of %s failed: %r", call.op, e, exc_info=e)
    return CallError(INTERNAL, "the handler of %s failed: %s: %s" % (call.op, type(e).__name__, e), False)


class ServedCall:
    """One call being served: what it asked, its credit, its children, and its answers.

    A subclass provides ``finish(error=None, output=None, has_output=False)`` and ``stop(reason,
    error=None)``, and guards ``ended`` (exactly one terminal event leaves).
    """

    def __init__(self, session, id_, op, payload):
        self.session = session
        self.id = id_
        self.op = op
        self.input = payload.get("input")
        caller, meta = payload.get("caller"), payload.get("metadata")
        self.caller = caller if isinstance(caller, dict) else {}
        self.metadata = meta if isinstance(meta, dict) else {}
        self.traceparent = self.metadata.get("traceparent")
        parent = payload.get("parentRequestId")
        self.parent_request_id = parent if isinstance(parent, str) else None
        window = payload.get("window")
        self.windowed = isinstance(window, int) and not isinstance(window, bool) and window >= 0
        self.credit = window if self.windowed else 0
        self.children = set()
        self.ended = False

    def _send_output(self, output, what):
        """Sends one ``call.responded``; returns the error to end the call with when the output cannot
        leave (not JSON, too big), else ``None``. Raises TransportError when the connection is gone."""
        try:
            self.session.send("call.responded", self.id, {"output": output})
            return None
        except (TypeError, ValueError) as e:
            return CallError(INTERNAL, "the handler of %s %s a value that is not JSON: %s" % (self.op, what, e), False)
        except FrameTooLong as e:
            return CallError(RESOURCE_EXHAUSTED, "%s of %s is too big to send: %s"
                             % ("an output" if what == "yielded" else "the output", self.op, e), False)

    def _sent(self, output):
        """Sends one output of a stream, its credit taken; returns False when the call ended instead."""
        try:
            error = self._send_output(output, "yielded")
        except TransportError:
            self.stop("the connection closed")
            return False
        if error is not None:
            self.finish(error)
            return False
        return True

    def _send_end(self, error, output, has_output):
        """Sends the call's terminal event: ``output`` (query, mutation), ``error``, or ``call.completed``."""
        try:
            if error is None and has_output:
                error = self._send_output(output, "returned")
                if error is None:
                    return
            if error is not None:
                self.session.send("call.error", self.id, error.to_payload())
            else:
                self.session.send("call.completed", self.id, {})
        except TransportError:
            pass

    def _abort_children(self, reason):
        for child in list(self.children):
            self.session.abort(child, "the call it was made for ended: " + reason)


class ServedContext:
    """What a handler knows about the call it serves (see ``callmesh.Context``)."""

    def __init__(self, call, mesh):
        self._call = call
        self._mesh = mesh
        self.caller = call.caller
        self.metadata = call.metadata
        self.operation = call.op
        self.request_id = call.id
        self.parent_request_id = call.parent_request_id
