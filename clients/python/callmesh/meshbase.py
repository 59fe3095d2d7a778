"""What the blocking :class:`~callmesh.Mesh` and the asyncio :class:`~callmesh.aio.AsyncMesh` share apart
from how they wait: their settings from ``connect``'s arguments, the hub URLs they go through, their state
and what the hub told them. Each adds its dialing, reconnecting and waiting.
"""

import logging
import random

from . import specs
from .auth import make_signer
from .transport import tls_context
from .urls import parse_hubs

__all__ = ["MeshBase", "CONNECTING", "CONNECTED", "RECONNECTING", "CLOSED"]

log = logging.getLogger("callmesh")

CONNECTING, CONNECTED, RECONNECTING, CLOSED = "connecting", "connected", "reconnecting", "closed"

#: Reconnect waits grow from this many seconds, doubling, up to ``_BACKOFF_MAX``, each jittered by +-50 %.
_BACKOFF_BASE = 0.25
_BACKOFF_MAX = 10.0


class MeshBase:
    """A mesh's settings and state; the subclass sets ``_closed`` (an event) and makes the server of
    ``_handlers`` (``{path: handler}``, empty when it serves nothing)."""

    def __init__(self, hub, key, token, ca, spoke, serve, signer, passphrase, labels, reconnect, connect_timeout,
                 max_frame_bytes, client_name, on_state, tls_insecure):
        from . import __version__
        self._urls = parse_hubs(hub)
        if (key is None) == (token is None):
            raise ValueError("give exactly one of key= (a key file) or token= (a hub token)")
        self._signer = make_signer(key, signer, passphrase) if key is not None else None
        self._token = token
        self._tls = tls_context(ca, tls_insecure) if any(u.secure for u in self._urls) else None
        operations, self._handlers = specs.build(serve)
        self._hello = {"client": {"name": client_name, "version": __version__}}
        if spoke is not None:
            self._hello["spoke"] = spoke
        if serve is not None:
            self._hello["operations"] = operations
        if labels:
            self._hello["labels"] = dict(labels)
        self._reconnect = reconnect
        self._connect_timeout = connect_timeout
        self._max_frame_bytes = max_frame_bytes
        self._on_state = on_state
        self._server = None
        self._session = None
        self._url_index = 0
        self._state = CONNECTING
        self._last_error = None

    # connecting ------------------------------------------------------------------------------------------
    @staticmethod
    def _backoff(attempt):
        """Returns the seconds to wait before reconnect attempt ``attempt`` (0 first)."""
        return min(_BACKOFF_MAX, _BACKOFF_BASE * (2 ** attempt)) * random.uniform(0.5, 1.5)

    def _next_url(self, attempt):
        """Returns the URL of reconnect attempt ``attempt``: the hub just lost first, then the next ones."""
        if attempt:
            self._url_index = (self._url_index + 1) % len(self._urls)
        return self._urls[self._url_index]

    def _notify(self, state, detail):
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:
                log.exception("on_state listener failed")

    @staticmethod
    def _log_connected(session):
        log.info("connected to %s as %s%s", session.url, session.identity.get("id"),
                 " (spoke %s)" % session.spoke if session.spoke else "")

    def _reconnect_failed(self, url, error):
        self._last_error = str(error)
        log.info("reconnecting to %s failed: %s", url, error)

    def _log_lost(self, session, why):
        log.warning("lost the connection to %s: %s%s", session.url, why, "; reconnecting" if self._reconnect else "")

    # state -----------------------------------------------------------------------------------------------
    @property
    def state(self):
        """``"connecting"``, ``"connected"``, ``"reconnecting"`` or ``"closed"``."""
        return self._state

    @property
    def connected(self):
        """Whether a welcomed connection is up now."""
        s = self._session
        return s is not None and not s.closed and not self._closed.is_set()

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
