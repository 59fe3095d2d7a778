"""The blocking client: :func:`connect` and :class:`Mesh` (call, stream, serve, reconnect, close)."""

import threading
import time

from . import calls
from .errors import ConnectionLost, HandshakeError, TransportError
from .frames import DEFAULT_MAX_FRAME_BYTES
from .meshbase import CLOSED, CONNECTED, CONNECTING, RECONNECTING, MeshBase
from .pool import HandlerPool
from .serving import Server
from .session import Session, handshake
from .timers import Timers
from .transport import open_transport

__all__ = ["Mesh", "connect", "CONNECTING", "CONNECTED", "RECONNECTING", "CLOSED"]


def connect(hub, key=None, token=None, ca=None, spoke=None, serve=None, **options):
    """Connects to a hub and returns a :class:`Mesh` once the hub has welcomed us.

    ``hub``: ``tcp://host:port``, ``tls://...``, ``ws://host:port/v1/ws``, ``wss://...``, or a
    comma-separated list of them (tried in turn). ``key``: an OpenSSH ed25519 private key file, or
    its ``.pub`` when the private key is in ssh-agent. ``token``: a hub JWT or signed-timestamp token
    instead of a key. ``ca``: a PEM file to trust for tls:// and wss:// (default: the system's).
    ``spoke``: register under this name; ``serve``: ``{path: (spec, handler)}`` to serve.

    Other options: ``signer`` ("auto", "ssh-keygen", "cryptography"), ``passphrase``, ``labels``
    (dict), ``reconnect`` (default True), ``connect_timeout`` (seconds, default 10), ``workers``
    (handler threads, default 16), ``max_frame_bytes``, ``client_name``, ``on_state``
    (``fn(state, detail)``), ``tls_insecure``.

    Raises :class:`HandshakeError` (unreachable, refused, or denied with the hub's ``code``),
    :class:`ProtocolError`, or ``ValueError`` for bad arguments.
    """
    mesh = Mesh(hub, key=key, token=token, ca=ca, spoke=spoke, serve=serve, **options)
    mesh._connect_first()
    return mesh


class Mesh(MeshBase):
    """A connection to a callmesh hub that calls and, with ``serve=``, serves. Thread-safe.

    Made by :func:`connect`. After a loss it reconnects by itself (jittered backoff, next hub URL
    first, re-registering the spoke and its operations) unless ``reconnect=False``; calls made
    meanwhile wait for it up to their timeout (at most ``connect_timeout``), then raise
    :class:`ConnectionLost`.
    """

    def __init__(self, hub, key=None, token=None, ca=None, spoke=None, serve=None, signer="auto",
                 passphrase=None, labels=None, reconnect=True, connect_timeout=10.0, workers=16,
                 max_frame_bytes=DEFAULT_MAX_FRAME_BYTES, client_name="callmesh-python", on_state=None,
                 tls_insecure=False):
        super().__init__(hub, key, token, ca, spoke, serve, signer, passphrase, labels, reconnect, connect_timeout,
                         max_frame_bytes, client_name, on_state, tls_insecure)
        self._timers = Timers()
        self._pool = None
        if self._handlers:
            if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
                raise ValueError("workers must be a whole number of handler threads, at least 1; got %r" % (workers,))
            # One thread more than the handlers: a pool thread reads the connection (callmesh.session).
            self._pool = HandlerPool(workers + 1, "callmesh-handler")
            self._server = Server(self._handlers, self._pool, self._timers, self)
        self._cond = threading.Condition()
        self._closed = threading.Event()
        self._reconnecting = False

    # connecting --------------------------------------------------------------------------------------
    def _dial(self, url):
        transport = open_transport(url, self._connect_timeout, tls_ctx=self._tls, max_frame_bytes=self._max_frame_bytes)
        try:
            challenge, welcome = handshake(transport, self._signer, self._token, self._hello, self._connect_timeout)
        except ConnectionLost as e:  # the hub went away (or said nothing) before it welcomed us
            transport.close()
            raise HandshakeError("handshake with %s failed: %s" % (url, e)) from None
        except BaseException:
            transport.close()
            raise
        session = Session(transport, challenge, welcome, self._timers, self._server, self._lost)
        session.start()
        return session

    def _connect_first(self):
        err = None
        for i, url in enumerate(self._urls):
            try:
                session = self._dial(url)
            except TransportError as e:
                err = e
                continue
            self._url_index = i
            self._install(session)
            return
        self.close()
        raise err

    def _install(self, session):
        with self._cond:
            if self._closed.is_set():
                session.close()
                return
            self._session = session
            self._state = CONNECTED
            self._cond.notify_all()
        self._log_connected(session)
        self._notify(CONNECTED, str(session.url))

    def _lost(self, session, why):
        with self._cond:
            if self._session is not session or self._closed.is_set():
                return
            self._last_error = why
            if not self._reconnect:
                self._state = CLOSED
                self._cond.notify_all()
                start = False
            else:
                self._state = RECONNECTING
                start = not self._reconnecting
                self._reconnecting = True
        self._log_lost(session, why)
        self._notify(self._state, why)
        if start:
            threading.Thread(target=self._reconnect_loop, name="callmesh-reconnect", daemon=True).start()

    def _reconnect_loop(self):
        attempt = 0
        try:
            while not self._closed.wait(self._backoff(attempt)):
                url = self._next_url(attempt)
                attempt = min(attempt + 1, 16)
                try:
                    session = self._dial(url)
                except TransportError as e:
                    self._reconnect_failed(url, e)
                    continue
                self._install(session)
                return
        finally:
            with self._cond:
                self._reconnecting = False

    def _current(self, wait):
        """Returns the live session, waiting up to ``wait`` seconds for a reconnect."""
        s = self._session
        if s is not None and not s.closed and not self._closed.is_set():
            return s  # connected: no lock on the way of every call
        deadline = time.monotonic() + min(wait, self._connect_timeout)
        with self._cond:
            while True:
                if self._closed.is_set():
                    raise ConnectionLost("the mesh is closed")
                s = self._session
                if s is not None and not s.closed:
                    return s
                left = deadline - time.monotonic()
                if not self._reconnect or left <= 0:
                    raise ConnectionLost("not connected to a hub: %s" % (self._last_error or "connection lost"))
                self._cond.wait(min(left, 0.5))

    # calling -----------------------------------------------------------------------------------------
    def call(self, path, input=None, timeout=None, metadata=None):
        """Calls a query or mutation and returns its output.

        ``timeout`` in seconds (default 30) travels with the call. Raises :class:`CallError` with the
        hub's code (TIMEOUT when it passes), :class:`ConnectionLost` when the connection goes.
        """
        t = calls.DEFAULT_TIMEOUT if timeout is None else timeout
        return self._call_via(self._current(t), path, input, t, metadata, None)

    def stream(self, path, input=None, timeout=None, window=calls.DEFAULT_WINDOW, metadata=None, idle_timeout=None):
        """Starts a subscription; returns a :class:`~callmesh.calls.Stream` to iterate over.

        Breaking out of the loop (or ``close()``) aborts the call. ``window``: outputs in flight
        before the caller credits more (``None``: unbounded). ``timeout``/``idle_timeout``: seconds.
        """
        return self._stream_via(self._current(self._connect_timeout if timeout is None else timeout), path, input,
                                timeout, window, metadata, None, idle_timeout)

    def _call_via(self, session, path, input, timeout, metadata, parent):
        t = calls.DEFAULT_TIMEOUT if timeout is None else timeout
        out = session.open_call(path, input, False, t, metadata=metadata, parent=parent)
        try:
            kind, value = out.get(time.monotonic() + t + calls.DEADLINE_GRACE, path)
        except BaseException:  # our own deadline, or KeyboardInterrupt: tell the hub we gave up
            session.abort(out, "the caller gave up")
            raise
        if kind == "err":
            raise value
        return value

    def _stream_via(self, session, path, input, timeout, window, metadata, parent, idle_timeout=None):
        out = session.open_call(path, input, True, timeout, window, metadata, parent, idle_timeout)
        deadline = None if timeout is None else time.monotonic() + timeout + calls.DEADLINE_GRACE
        return calls.Stream(session, out, path, window, deadline)

    # state -------------------------------------------------------------------------------------------
    def wait_connected(self, timeout=None):
        """Waits until connected; returns whether it is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self.connected and not self._closed.is_set():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._cond.wait(0.5 if left is None else min(left, 0.5))
            return self.connected

    # ending ------------------------------------------------------------------------------------------
    def close(self):
        """Says bye and closes; calls in flight fail with ConnectionLost, served calls are cancelled.
        Idempotent."""
        with self._cond:
            if self._closed.is_set():
                return
            self._closed.set()
            self._state = CLOSED
            session = self._session
            self._cond.notify_all()
        if session is not None:
            session.close("UNAVAILABLE", "the client closed the connection")
        if self._pool is not None:
            self._pool.shutdown()
        self._timers.stop()
        self._notify(CLOSED, "closed")

    def run_forever(self):
        """Serves (and keeps reconnecting) until :meth:`close` is called from another thread, or
        Ctrl-C (which closes the mesh)."""
        try:
            while not self._closed.wait(0.5):
                pass
        except KeyboardInterrupt:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return "<callmesh.Mesh %s %s>" % (self.url, self._state)
