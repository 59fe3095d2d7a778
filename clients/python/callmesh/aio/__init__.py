"""callmesh on asyncio: the same client as ``callmesh``, as coroutines, on one event loop (no threads).

    import callmesh.aio
    mesh = await callmesh.aio.connect("tcp://127.0.0.1:7400", key="dev1")
    out = await mesh.call("/dev1/fs/stat", {"path": "a.txt"})
    async for out in mesh.stream("/dev1/bash/exec", {"command": "ls"}):
        ...
    await mesh.close()

Handlers in ``serve=`` may be ``async def`` functions (queries, mutations) or async generators
(subscriptions); plain functions run in the loop's default executor.
"""

from ..errors import CallError, ConnectionLost, HandshakeError, ProtocolError, TransportError
from .mesh import AsyncMesh, AsyncStream, connect
from .serving import AsyncContext

__all__ = ["connect", "AsyncMesh", "AsyncStream", "AsyncContext", "CallError", "TransportError",
           "HandshakeError", "ProtocolError", "ConnectionLost"]
