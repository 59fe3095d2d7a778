"""Serving operations on asyncio: each call the hub sends us runs as its own task.

A handler is ``async def fn(input, ctx)`` (returns the output of a query or mutation) or
``async def fn(input, ctx)`` with ``yield`` (an async generator: a subscription). Plain functions and
plain generators work too: they run in the loop's default executor, so they do not block the loop.
An abort or deadline cancels the handler's task (``CancelledError`` at its current ``await``) and
aborts the calls made through ``ctx.call``.
"""

import asyncio
import inspect

from .. import specs as specs_mod
from ..errors import RESOURCE_EXHAUSTED, TIMEOUT, CallError
from ..served import (ServedCall, ServedContext, abort_reason, busy, credit_of, handler_failed, not_a_stream,
                      refused, timeout_ms)

__all__ = ["AsyncServer", "AsyncContext"]

_DONE = object()


class AsyncContext(ServedContext):
    """What a handler knows about its call: ``caller``, ``metadata``, ``operation``, ``request_id``,
    ``parent_request_id`` (as in ``callmesh.Context``), and ``cancelled`` (an :class:`asyncio.Event`
    set on abort or timeout)."""

    def __init__(self, call, mesh):
        super().__init__(call, mesh)
        self.cancelled = call.cancelled

    async def call(self, path, input=None, timeout=None, metadata=None):
        """Calls on behalf of this call (``parentRequestId``); returns the output or raises CallError."""
        return await self._mesh._call_via(self._call.session, path, input, timeout, metadata, self._call)

    def stream(self, path, input=None, timeout=None, window=None, metadata=None):
        """Starts a subscription on behalf of this call; returns an AsyncStream."""
        return self._mesh._stream_via(self._call.session, path, input, timeout, window, metadata, self._call)


class AsyncInboundCall(ServedCall):
    """One call being served: credit, one terminal event, children, the task running it."""

    def __init__(self, session, id_, op, payload):
        super().__init__(session, id_, op, payload)
        self.credited = asyncio.Event()
        self.cancelled = asyncio.Event()
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
        return self._sent(output)

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
        if self._end():
            self._send_end(error, output, has_output)

    def stop(self, reason, error=None):
        """Ends the call from outside: sends ``error`` if given, cancels the handler and its children."""
        if error is not None:
            self.finish(error)
        else:
            self._end()
        self.cancelled.set()
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
        self._abort_children(reason)


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
        handler, error = refused(self._handlers, payload)
        why = None if error is not None else busy(self._calls, (session, id_), self._max_in_flight)
        if why is not None:
            error = CallError(RESOURCE_EXHAUSTED, why, True)
        if error is not None:
            session.send("call.error", id_, error.to_payload())
            return
        call = AsyncInboundCall(session, id_, payload["operationId"], payload)
        self._calls[(session, id_)] = call
        t = timeout_ms(payload)
        if t is not None:
            call.timer = asyncio.get_running_loop().call_later(t / 1000.0, lambda: call.stop(
                "its timeout passed", CallError(TIMEOUT, "%s did not finish within %d ms" % (call.op, t), True)))
        call.task = asyncio.ensure_future(self._run(call, handler))

    def aborted(self, session, id_, payload):
        call = self._calls.get((session, id_))
        if call is not None:
            call.stop(abort_reason(payload))

    def credited(self, session, id_, payload):
        n = credit_of(payload)
        call = self._calls.get((session, id_))
        if call is not None and n is not None:
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
                call.finish(not_a_stream(call, handler.op_type))
            else:
                call.finish(output=result, has_output=True)
        except asyncio.CancelledError:
            call.stop("cancelled")
        except CallError as e:
            call.finish(e)
        except Exception as e:
            call.finish(handler_failed(call, e))
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
