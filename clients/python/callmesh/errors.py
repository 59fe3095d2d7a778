"""The exceptions callmesh raises.

Two families, never mixed:

- :class:`CallError` -- a call failed: the hub, the spoke or a handler answered ``call.error``
  (or the call's own deadline passed). It carries the wire's ``code``, ``message``, ``retryable``
  and ``details``.
- :class:`TransportError` and its subclasses -- the connection itself failed. They are
  :class:`ConnectionError` subclasses, so ``except ConnectionError`` catches every transport problem:
  :class:`HandshakeError` (the hub refused us or the handshake broke), :class:`ProtocolError` (the
  peer sent bytes that are not the callmesh wire format), :class:`ConnectionLost` (the connection
  went away while a call waited on it, or the mesh is closed).
"""

__all__ = [
    "CallError", "TransportError", "HandshakeError", "ProtocolError", "ConnectionLost",
    "NOT_FOUND", "UNAVAILABLE", "INVALID_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "TIMEOUT",
    "ABORTED", "RESOURCE_EXHAUSTED", "PROTOCOL", "INTERNAL", "RETRYABLE_CODES",
]

# The error codes of the wire protocol (docs/PROTOCOL.md, "Error codes").
NOT_FOUND = "NOT_FOUND"
UNAVAILABLE = "UNAVAILABLE"
INVALID_INPUT = "INVALID_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
TIMEOUT = "TIMEOUT"
ABORTED = "ABORTED"
RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
PROTOCOL = "PROTOCOL"
INTERNAL = "INTERNAL"

#: Codes whose calls may succeed when tried again.
RETRYABLE_CODES = frozenset([UNAVAILABLE, TIMEOUT, RESOURCE_EXHAUSTED])


class CallError(Exception):
    """A call ended with ``call.error``.

    Attributes: ``code`` (e.g. ``"NOT_FOUND"``, or a domain code such as ``"FILE_NOT_FOUND"``),
    ``message`` (for a person), ``retryable`` (``True`` when trying again may succeed) and
    ``details`` (any JSON value, or ``None``).

    A handler may raise it to answer with that code; any other exception a handler raises is
    answered as ``INTERNAL``.
    """

    def __init__(self, code, message="", retryable=None, details=None):
        self.code = str(code)
        self.message = str(message)
        self.retryable = (self.code in RETRYABLE_CODES) if retryable is None else bool(retryable)
        self.details = details
        super().__init__("%s: %s" % (self.code, self.message))

    @classmethod
    def from_payload(cls, payload):
        """Builds the error from a ``call.error`` payload, tolerating missing or odd fields."""
        if not isinstance(payload, dict):
            payload = {}
        code = payload.get("code")
        message = payload.get("message")
        retryable = payload.get("retryable")
        return cls(code if isinstance(code, str) and code else INTERNAL,
                   message if isinstance(message, str) else "",
                   retryable if isinstance(retryable, bool) else None,
                   payload.get("details"))

    def to_payload(self):
        """Returns the ``call.error`` payload this error is sent as."""
        p = {"code": self.code, "message": self.message, "retryable": self.retryable}
        if self.details is not None:
            p["details"] = self.details
        return p

    def __reduce__(self):
        return (type(self), (self.code, self.message, self.retryable, self.details))


class TransportError(ConnectionError):
    """The connection to the hub failed; the base of every transport problem callmesh raises."""


class HandshakeError(TransportError):
    """Connecting failed before the hub welcomed us.

    ``code`` is the hub's ``auth.denied`` code (``UNAUTHENTICATED``, ``FORBIDDEN``, ``PROTOCOL``,
    ``UNAVAILABLE``, ``RESOURCE_EXHAUSTED``) when the hub denied us, else ``None``.
    """

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code
        self.message = message


class ProtocolError(TransportError):
    """The peer sent something that is not the callmesh wire format (a bad length or body)."""


class ConnectionLost(TransportError):
    """The connection closed (or was never there) while a call needed it."""
