"""The asyncio client: ``await connect(...)``, ``await mesh.call(...)``, ``async for out in mesh.stream(...)``."""

import asyncio
import time

from .. import calls
from ..errors import TIMEOUT, CallError, ConnectionLost, HandshakeError, TransportError
from ..frames import DEFAULT_MAX_FRAME_BYTES
from ..meshbase import CLOSED, CONNECTED, RECONNECTING, MeshBase
from .serving import AsyncServer
from .session import AsyncSession, handshake
from .transport import open_transport

__all__ = ["AsyncMesh", "AsyncStream", "connect"]


async def connect(hub, key=None, token=None, ca=None, spoke=None, serve=None, **options):
    """Connects and returns an :class:`AsyncMesh` once welcomed; the same arguments as ``callmesh.connect``
    (handlers in ``serve`` may be ``async def`` functions or async generators). Raises HandshakeError."""
    mesh = AsyncMesh(hub, key=key, token=token, ca=ca, spoke=spoke, serve=serve, **options)
    await mesh._connect_first()
    return mesh


async def _get(out, deadline, what):
    wait = None if deadline is None else deadline - time.monotonic()
    try:
        if wait is not None and wait <= 0:
            raise asyncio.TimeoutError()
        return await asyncio.wait_for(out.events.get(), wait)
    except asyncio.TimeoutError:
        raise CallError(TIMEOUT, "%s did not answer in time" % what, True) from None


class AsyncStream(calls.StreamBase):
    """A subscription's outputs: ``async for out in stream``. Leaving early (break, exception,
    ``close()``/``aclose()``, ``async with``, or the object being freed) aborts the call."""

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._finished:
            raise StopAsyncIteration
        try:
            kind, value = await _get(self._out, self._deadline, self._path)
        except BaseException:  # our deadline, or the task was cancelled: tell the hub
            self.close()
            raise
        return self._next(kind, value, StopAsyncIteration)

    def close(self):
        """Aborts the call unless it has ended (a plain write; no await needed)."""
        if not self._finished:
            self._finished = True
            self._session.abort(self._out, "the caller stopped reading")

    async def aclose(self):
        """The same as :meth:`close`, for ``contextlib.aclosing`` and friends."""
        self.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


class AsyncMesh(MeshBase):
    """An asyncio connection to a hub that calls and serves; reconnects like :class:`callmesh.Mesh`.
    Use it from the event loop it was made on."""

    def __init__(self, hub, key=None, token=None, ca=None, spoke=None, serve=None, signer="auto",
                 passphrase=None, labels=None, reconnect=True, connect_timeout=10.0,
                 max_frame_bytes=DEFAULT_MAX_FRAME_BYTES, client_name="callmesh-python-aio", on_state=None,
                 tls_insecure=False):
        super().__init__(hub, key, token, ca, spoke, serve, signer, passphrase, labels, reconnect, connect_timeout,
                         max_frame_bytes, client_name, on_state, tls_insecure)
        self._server = AsyncServer(self._handlers, self) if self._handlers else None
        self._closed = asyncio.Event()
        self._changed = asyncio.Event()
        self._reconnect_task = None

    async def _dial(self, url):
        transport = await open_transport(url, self._connect_timeout, self._tls, self._max_frame_bytes)
        try:
            challenge, welcome = await handshake(transport, self._signer, self._token, self._hello,
                                                 self._connect_timeout)
        except ConnectionLost as e:  # the hub went away before it welcomed us
            transport.close()
            raise HandshakeError("handshake with %s failed: %s" % (url, e)) from None
        except BaseException:
            transport.close()
            raise
        session = AsyncSession(transport, challenge, welcome, self._server, self._lost)
        session.start()
        return session

    async def _connect_first(self):
        err = None
        for i, url in enumerate(self._urls):
            try:
                session = await self._dial(url)
            except TransportError as e:
                err = e
                continue
            self._url_index = i
            self._install(session)
            return
        await self.close()
        raise err

    def _install(self, session):
        if self._closed.is_set():
            session.close()
            return
        self._session = session
        self._set_state(CONNECTED, str(session.url))
        self._log_connected(session)

    def _set_state(self, state, detail):
        self._state = state
        self._changed.set()
        self._changed = asyncio.Event()
        self._notify(state, detail)

    def _lost(self, session, why):
        if self._session is not session or self._closed.is_set():
            return
        self._last_error = why
        self._log_lost(session, why)
        if not self._reconnect:
            self._set_state(CLOSED, why)
            return
        self._set_state(RECONNECTING, why)
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.ensure_future(self._reconnect_loop())

    async def _reconnect_loop(self):
        attempt = 0
        while not self._closed.is_set():
            try:
                await asyncio.wait_for(self._closed.wait(), self._backoff(attempt))
                return
            except asyncio.TimeoutError:
                pass
            url = self._next_url(attempt)
            attempt = min(attempt + 1, 16)
            try:
                session = await self._dial(url)
            except TransportError as e:
                self._reconnect_failed(url, e)
                continue
            self._install(session)
            return

    async def _current(self, wait):
        deadline = time.monotonic() + min(wait, self._connect_timeout)
        while True:
            if self._closed.is_set():
                raise ConnectionLost("the mesh is closed")
            s = self._session
            if s is not None and not s.closed:
                return s
            left = deadline - time.monotonic()
            if not self._reconnect or left <= 0:
                raise ConnectionLost("not connected to a hub: %s" % (self._last_error or "connection lost"))
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def call(self, path, input=None, timeout=None, metadata=None):
        """Calls a query or mutation; returns its output or raises CallError / ConnectionLost."""
        t = calls.DEFAULT_TIMEOUT if timeout is None else timeout
        return await self._call_via(await self._current(t), path, input, t, metadata, None)

    async def _call_via(self, session, path, input, timeout, metadata, parent):
        t = calls.DEFAULT_TIMEOUT if timeout is None else timeout
        out = session.open_call(path, input, False, t, metadata=metadata, parent=parent)
        deadline = time.monotonic() + t + calls.DEADLINE_GRACE
        try:
            await asyncio.wait_for(session.transport.drain(), max(0.0, deadline - time.monotonic()))
            kind, value = await _get(out, deadline, path)
        except asyncio.TimeoutError:
            session.abort(out, "the caller gave up")
            raise CallError(TIMEOUT, "%s could not be sent in time" % path, True) from None
        except BaseException:
            session.abort(out, "the caller gave up")
            raise
        if kind == "err":
            raise value
        return value

    def stream(self, path, input=None, timeout=None, window=calls.DEFAULT_WINDOW, metadata=None, idle_timeout=None):
        """Starts a subscription now (no await) and returns an :class:`AsyncStream`.

        Raises ConnectionLost at once when not connected (it does not wait for a reconnect).
        """
        s = self._session
        if self._closed.is_set() or s is None or s.closed:
            raise ConnectionLost("not connected to a hub: %s" % (self._last_error or "closed"))
        return self._stream_via(s, path, input, timeout, window, metadata, None, idle_timeout)

    def _stream_via(self, session, path, input, timeout, window, metadata, parent, idle_timeout=None):
        out = session.open_call(path, input, True, timeout, window, metadata, parent, idle_timeout)
        deadline = None if timeout is None else time.monotonic() + timeout + calls.DEADLINE_GRACE
        return AsyncStream(session, out, path, window, deadline)

    async def wait_connected(self, timeout=None):
        """Waits until connected; returns whether it is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.connected and not self._closed.is_set():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                break
        return self.connected

    async def close(self):
        """Says bye and closes; pending calls fail with ConnectionLost. Idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        if self._session is not None:
            self._session.close("UNAVAILABLE", "the client closed the connection")
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
        self._set_state(CLOSED, "closed")
        await asyncio.sleep(0)  # let the reader and served tasks see their cancellation

    async def run_forever(self):
        """Serves (reconnecting as needed) until :meth:`close`."""
        await self._closed.wait()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
        return False
