"""The blocking client: :func:`connect` and :class:`Mesh` (call, stream, serve, reconnect, close)."""

import logging
import random
import threading
import time

from . import calls, specs
from .auth import make_signer
from .errors import ConnectionLost, HandshakeError, TransportError
from .frames import DEFAULT_MAX_FRAME_BYTES
from .pool import HandlerPool
from .serving import Server
from .session import Session, handshake
from .timers import Timers
from .transport import open_transport, tls_context
from .urls import parse_hubs

__all__ = ["Mesh", "connect", "CONNECTING", "CONNECTED", "RECONNECTING", "CLOSED"]

log = logging.getLogger("callmesh")

CONNECTING, CONNECTED, RECONNECTING, CLOSED = "connecting", "connected", "reconnecting", "closed"

#: Reconnect waits grow from this many seconds, doubling, up to ``_BACKOFF_MAX``, each jittered by +-50 %.
_BACKOFF_BASE = 0.25
_BACKOFF_MAX = 10.0


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


class Mesh:
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
        from . import __version__
        self._urls = parse_hubs(hub)
        if (key is None) == (token is None):
            raise ValueError("give exactly one of key= (a key file) or token= (a hub token)")
        self._signer = make_signer(key, signer, passphrase) if key is not None else None
        self._token = token
        self._tls = tls_context(ca, tls_insecure) if any(u.secure for u in self._urls) else None
        self._operations, handlers = specs.build(serve)
        self._hello = {"client": {"name": client_name, "version": __version__}}
        if spoke is not None:
            self._hello["spoke"] = spoke
        if serve is not None:
            self._hello["operations"] = self._operations
        if labels:
            self._hello["labels"] = dict(labels)
        self._reconnect = reconnect
        self._connect_timeout = connect_timeout
        self._max_frame_bytes = max_frame_bytes
        self._on_state = on_state
        self._timers = Timers()
        self._pool = None
        self._server = None
        if handlers:
            if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
                raise ValueError("workers must be a whole number of handler threads, at least 1; got %r" % (workers,))
            # One thread more than the handlers: a pool thread reads the connection (callmesh.session).
            self._pool = HandlerPool(workers + 1, "callmesh-handler")
            self._server = Server(handlers, self._pool, self._timers, self)
        self._cond = threading.Condition()
        self._session = None
        self._url_index = 0
        self._state = CONNECTING
        self._last_error = None
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
        log.info("connected to %s as %s%s", session.url, session.identity.get("id"),
                 " (spoke %s)" % session.spoke if session.spoke else "")
        self._notify(CONNECTED, str(session.url))

    def _notify(self, state, detail):
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:
                log.exception("on_state listener failed")

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
        log.warning("lost the connection to %s: %s%s", session.url, why, "; reconnecting" if self._reconnect else "")
        self._notify(self._state, why)
        if start:
            threading.Thread(target=self._reconnect_loop, name="callmesh-reconnect", daemon=True).start()

    def _reconnect_loop(self):
        attempt = 0
        try:
            while not self._closed.wait(min(_BACKOFF_MAX, _BACKOFF_BASE * (2 ** attempt)) * random.uniform(0.5, 1.5)):
                self._url_index = (self._url_index + 1) % len(self._urls) if attempt else self._url_index
                url = self._urls[self._url_index]
                attempt = min(attempt + 1, 16)
                try:
                    session = self._dial(url)
                except TransportError as e:
                    self._last_error = str(e)
                    log.info("reconnecting to %s failed: %s", url, e)
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
    @property
    def state(self):
        """``"connecting"``, ``"connected"``, ``"reconnecting"`` or ``"closed"``."""
        return self._state

    @property
    def connected(self):
        """Whether a welcomed connection is up now."""
        s = self._session
        return s is not None and not s.closed and not self._closed.is_set()

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

    @property
    def identity(self):
        """The identity the hub gave us: ``{"id": ..., "allow": [...]}``."""
        return self._session.identity if self._session else {}

    @property
    def spoke(self):
        """The spoke name the hub registered us under, or ``None``."""
        return self._session.spoke if self._session else None

    @property
    def hub_id(self):
        """The id of the hub we are connected to."""
        return self._session.hub_id if self._session else None

    @property
    def url(self):
        """The URL of the hub of the current (or last) connection."""
        return self._session.url if self._session else self._urls[self._url_index]

    def pending(self):
        """Returns ``(calls made and waiting, calls being served)`` on the current connection."""
        s = self._session
        return (s.pending_count() if s else 0), (self._server.in_flight() if self._server else 0)

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
