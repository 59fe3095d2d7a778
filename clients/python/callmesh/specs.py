"""The operations a participant serves: ``serve={"/echo/echo": (spec, handler)}`` into OperationSpecs
for ``auth.hello`` and a table of handlers.

A spec is a dict with at least ``opType`` (``"query"``, ``"mutation"`` or ``"subscription"``); the
rest defaults: ``name`` from the key, ``namespace`` from its first segment, ``description`` empty,
``inputSchema`` ``{"type": "object"}``, ``outputSchema`` ``{}``. The hub validates each call's input
against ``inputSchema`` before the handler runs.
"""

__all__ = ["QUERY", "MUTATION", "SUBSCRIPTION", "Handler", "build"]

QUERY, MUTATION, SUBSCRIPTION = "query", "mutation", "subscription"
_TYPES = (QUERY, MUTATION, SUBSCRIPTION)


class Handler:
    """A served operation: its spec (as sent to the hub), its type and the function."""

    __slots__ = ("spec", "op_type", "fn")

    def __init__(self, spec, fn):
        self.spec = spec
        self.op_type = spec["opType"]
        self.fn = fn


def _spec(path, spec):
    if not isinstance(path, str) or not path.startswith("/") or len(path) < 2:
        raise ValueError("an operation path starts with '/', e.g. /echo/echo; got %r" % (path,))
    if isinstance(spec, str):
        spec = {"opType": spec}
    if not isinstance(spec, dict):
        raise ValueError("the spec of %s must be a dict with an opType" % path)
    op_type = spec.get("opType")
    if op_type not in _TYPES:
        raise ValueError("the spec of %s needs opType query, mutation or subscription; got %r" % (path, op_type))
    out = {"name": path, "namespace": path.strip("/").split("/")[0], "opType": op_type, "description": "",
           "inputSchema": {"type": "object"}, "outputSchema": {}}
    out.update({k: v for k, v in spec.items() if k != "name"})
    out["name"] = path
    return out


def build(serve):
    """Returns ``(operations, handlers)``: the OperationSpec list for the hello and ``{path: Handler}``.

    ``serve`` maps a path to ``(spec, fn)``; raises ValueError on a bad entry.
    """
    operations, handlers = [], {}
    for path, entry in (serve or {}).items():
        try:
            spec, fn = entry
        except (TypeError, ValueError):
            raise ValueError("serve[%r] must be a (spec, handler) pair" % (path,)) from None
        if not callable(fn):
            raise ValueError("the handler of %s is not callable" % path)
        s = _spec(path, spec)
        operations.append(s)
        handlers[path] = Handler(s, fn)
    return operations, handlers
