"""Hub URLs: ``tcp://host:port``, ``tls://host:port``, ``ws://host:port/v1/ws``, ``wss://...``.

A hub argument may be a comma-separated list (or a Python list) of URLs: the first is tried first, and
on loss the next ones in turn.
"""

from urllib.parse import urlsplit

__all__ = ["HubUrl", "parse_hubs"]

_DEFAULT_PORTS = {"tcp": 7400, "tls": 7400, "ws": 7480, "wss": 7480}


class HubUrl:
    """One parsed hub URL: ``scheme`` (tcp, tls, ws, wss), ``host``, ``port`` and, for WebSocket, ``path``
    (with any query, e.g. ``/v1/ws?token=...``)."""

    def __init__(self, scheme, host, port, path="/v1/ws"):
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path

    @property
    def secure(self):
        """Whether the connection runs over TLS."""
        return self.scheme in ("tls", "wss")

    @property
    def websocket(self):
        """Whether the connection is a WebSocket."""
        return self.scheme in ("ws", "wss")

    def __str__(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        tail = self.path if self.websocket else ""
        return "%s://%s:%d%s" % (self.scheme, host, self.port, tail)

    __repr__ = __str__

    @classmethod
    def parse(cls, text):
        """Parses one URL; raises ValueError naming what is wrong."""
        text = text.strip()
        if "://" not in text:
            raise ValueError("hub URL %r needs a scheme: tcp://, tls://, ws:// or wss://" % text)
        u = urlsplit(text)
        scheme = u.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise ValueError("hub URL %r: the scheme must be tcp, tls, ws or wss" % text)
        if not u.hostname:
            raise ValueError("hub URL %r has no host" % text)
        try:
            port = u.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            raise ValueError("hub URL %r has a bad port" % text) from None
        path = "/v1/ws"
        if scheme in ("ws", "wss"):
            path = (u.path or "/v1/ws") + ("?" + u.query if u.query else "")
        return cls(scheme, u.hostname, port, path)


def parse_hubs(hub):
    """Returns the list of HubUrl of a URL, a comma-separated list of URLs, or a list of them."""
    items = hub.split(",") if isinstance(hub, str) else list(hub)
    urls = [HubUrl.parse(h) if isinstance(h, str) else h for h in items if not isinstance(h, str) or h.strip()]
    if not urls:
        raise ValueError("no hub URL given")
    return urls
