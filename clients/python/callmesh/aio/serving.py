"""Serving operations on asyncio: each call the hub sends us runs as its own task.

A handler is ``async def fn(input, ctx)`` (returns the output of a query or mutation) or
``async def fn(input, ctx)`` with ``yield`` (an async generator: a subscription). Plain functions and
plain generators work too: they run in the loop's default executor, so they do not block the loop.
An abort or deadline cancels the handler's task (``CancelledError`` at its current ``await``) and
aborts the calls made through ``ctx.call``.
"""

import asyncio
import inspect
import logging

from .. import specs as specs_mod
from ..errors import INTERNAL, RESOURCE_EXHAUSTED, TIMEOUT, CallError, TransportError
from ..frames import FrameTooLong

__all__ = ["AsyncServer", "AsyncContext"]

log = logging.getLogger("callmesh")
_DONE = object()


class AsyncContext:
    """What a handler knows about its call: ``caller``, ``metadata``, ``operation``, ``request_id``,
    ``parent_request_id`` (as in ``callmesh.Context``), and ``cancelled`` (an :class:`asyncio.Event`
    set on abort or timeout)."""

    def __init__(self, call, mesh):
        self._call = call
        self._mesh = mesh
        self.caller = call.caller
        self.metadata = call.metadata
        self.operation = call.op
        self.request_id = call.id
        self.parent_request_id = call.parent_request_id
        self.cancelled = call.cancelled

    async def call(self, path, input=None, timeout=None, metadata=None):
        """Calls on behalf of this call (``parentRequestId``); returns the output or raises CallError."""
        return await self._mesh._call_via(self._call.session, path, input, timeout, metadata, self._call)

    def stream(self, path, input=None, timeout=None, window=None, metadata=None):
        """Starts a subscription on behalf of this call; returns an AsyncStream."""
        return self._mesh._stream_via(self._call.session, path, input, timeout, window, metadata, self._call)


class AsyncInboundCall:
    """One call being served: credit, one terminal event, children, the task running it."""

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
        self.credited = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.children = set()
        self.ended = False
        self.task = None
        self.timer = None

    def add_credit(self, n):
        self.credit += n
        self.credited.set()

    async def emit(self, output):
        """Sends one output once credit allows; returns False when the call has ended."""
        while self.windowed and self.credit <= 0 and not self.ended:
            self.credited.clear()
            await self.credited.wait()
        if self.ended:
            return False
        if self.windowed:
            self.credit -= 1
        try:
            self.session.send("call.responded", self.id, {"output": output})
        except (TypeError, ValueError) as e:
            self.finish(CallError(INTERNAL, "the handler of %s yielded a value that is not JSON: %s" % (self.op, e),
                                  False))
            return False
        except FrameTooLong as e:
            self.finish(CallError(RESOURCE_EXHAUSTED, "an output of %s is too big to send: %s" % (self.op, e), False))
            return False
        except TransportError:
            self.stop("the connection closed")
            return False
        return True

    def _end(self):
        if self.ended:
            return False
        self.ended = True
        self.credited.set()
        if self.timer is not None:
            self.timer.cancel()
        return True

    def finish(self, error=None, output=None, has_output=False):
        """Sends the call's end (output, completed or error) unless it has ended already."""
        if not self._end():
            return
        try:
            if error is None and has_output:
                try:
                    self.session.send("call.responded", self.id, {"output": output})
                    return
                except (TypeError, ValueError) as e:
                    error = CallError(INTERNAL, "the handler of %s returned a value that is not JSON: %s"
                                      % (self.op, e), False)
                except FrameTooLong as e:
                    error = CallError(RESOURCE_EXHAUSTED, "the output of %s is too big to send: %s" % (self.op, e),
                                      False)
            if error is not None:
                self.session.send("call.error", self.id, error.to_payload())
            else:
                self.session.send("call.completed", self.id, {})
        except TransportError:
            pass

    def stop(self, reason, error=None):
        """Ends the call from outside: sends ``error`` if given, cancels the handler and its children."""
        if error is not None:
            self.finish(error)
        else:
            self._end()
        self.cancelled.set()
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
        for child in list(self.children):
            self.session.abort(child, "the call it was made for ended: " + reason)


class AsyncServer:
    """Serves the calls of every session of one AsyncMesh."""

    def __init__(self, handlers, mesh, max_in_flight=1024):
        self._handlers = handlers
        self._mesh = mesh
        self._max_in_flight = max_in_flight
        self._calls = {}

    def in_flight(self):
        """Returns how many calls are being served."""
        return len(self._calls)

    def requested(self, session, id_, payload):
        op = payload.get("operationId")
        handler = self._handlers.get(op) if isinstance(op, str) else None
        if handler is None:
            session.send("call.error", id_, CallError("NOT_FOUND", "this spoke serves no operation %r" % (op,),
                                                      False).to_payload())
            return
        if (session, id_) in self._calls or len(self._calls) >= self._max_in_flight:
            session.send("call.error", id_, CallError(RESOURCE_EXHAUSTED, "request id %s is in flight already, or "
                                                      "this spoke is at its limit of calls" % id_, True).to_payload())
            return
        call = AsyncInboundCall(session, id_, op, payload)
        self._calls[(session, id_)] = call
        t = payload.get("timeoutMs")
        if isinstance(t, int) and not isinstance(t, bool) and t > 0:
            call.timer = asyncio.get_running_loop().call_later(t / 1000.0, lambda: call.stop(
                "its timeout passed", CallError(TIMEOUT, "%s did not finish within %d ms" % (op, t), True)))
        call.task = asyncio.ensure_future(self._run(call, handler))

    def aborted(self, session, id_, payload):
        call = self._calls.get((session, id_))
        if call is not None:
            reason = payload.get("reason")
            call.stop(reason if isinstance(reason, str) else "aborted by the caller")

    def credited(self, session, id_, payload):
        n = payload.get("n")
        call = self._calls.get((session, id_))
        if call is not None and isinstance(n, int) and not isinstance(n, bool) and n > 0:
            call.add_credit(n)

    def connection_closed(self, session):
        for (s, _), call in list(self._calls.items()):
            if s is session:
                call.stop("the connection closed")

    async def _run(self, call, handler):
        try:
            ctx = AsyncContext(call, self._mesh)
            fn = handler.fn
            if inspect.isasyncgenfunction(fn) or inspect.iscoroutinefunction(fn):
                result = fn(call.input, ctx)
            else:
                result = await asyncio.get_running_loop().run_in_executor(None, fn, call.input, ctx)
            if inspect.isawaitable(result):
                result = await result
            if handler.op_type == specs_mod.SUBSCRIPTION:
                await self._stream(call, result)
            elif inspect.isasyncgen(result) or inspect.isgenerator(result):
                await result.aclose() if inspect.isasyncgen(result) else result.close()
                call.finish(CallError(INTERNAL, "the handler of %s returned a generator, but the operation is a %s"
                                      % (call.op, handler.op_type), False))
            else:
                call.finish(output=result, has_output=True)
        except asyncio.CancelledError:
            call.stop("cancelled")
        except CallError as e:
            call.finish(e)
        except Exception as e:
            log.warning("handler of %s failed: %r", call.op, e, exc_info=True)
            call.finish(CallError(INTERNAL, "the handler of %s failed: %s: %s" % (call.op, type(e).__name__, e), False))
        finally:
            if self._calls.get((call.session, call.id)) is call:
                del self._calls[(call.session, call.id)]

    @staticmethod
    async def _stream(call, result):
        if inspect.isasyncgen(result):
            try:
                async for out in result:
                    if not await call.emit(out):
                        return
            finally:
                await result.aclose()
        elif inspect.isgenerator(result):
            loop = asyncio.get_running_loop()
            try:
                while True:
                    out = await loop.run_in_executor(None, next, result, _DONE)
                    if out is _DONE or not await call.emit(out):
                        break
            finally:
                await loop.run_in_executor(None, result.close)
            if out is not _DONE:
                return
        elif result is not None and not await call.emit(result):
            return
        call.finish()
