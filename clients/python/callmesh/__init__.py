"""callmesh: a Python client of the callmesh hub/spoke call mesh (standard library only).

    import callmesh
    mesh = callmesh.connect("tcp://127.0.0.1:7400", key="dev1")
    mesh.call("/dev1/fs/stat", {"path": "a.txt"}, timeout=5.0)
    for out in mesh.stream("/dev1/bash/exec", {"command": "ls"}):
        ...
    mesh.close()

See README.md next to this package, and ``callmesh.aio`` for the same on asyncio.
"""

__version__ = "0.1.0"

from .calls import Stream  # noqa: E402
from .errors import (CallError, ConnectionLost, HandshakeError, ProtocolError,  # noqa: E402
                     TransportError)
from .mesh import Mesh, connect  # noqa: E402
from .serving import Context  # noqa: E402

__all__ = ["connect", "Mesh", "Stream", "Context", "CallError", "TransportError", "HandshakeError",
           "ProtocolError", "ConnectionLost", "__version__"]
