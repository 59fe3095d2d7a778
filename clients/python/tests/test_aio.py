"""callmesh.aio against the real hub and Java spoke: call, stream (leaving early aborts), serving with
async handlers and async generators, errors, bad input."""

import asyncio
import random

import pytest

import callmesh
import callmesh.aio
import meshprocs as mp
from fakehub import FakeHub


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_call_stream_and_errors(world):
    async def main():
        mesh = await callmesh.aio.connect(world.url(), key=world.keys["op"])
        async with mesh:
            assert (await mesh.call("/dev1/fs/stat", {"path": "a.txt"}, timeout=5.0))["type"] == "file"
            outs = [o async for o in mesh.stream("/dev1/bash/exec", {"command": "echo a; echo b"})]
            assert outs[-1] == {"exitCode": 0}
            with pytest.raises(callmesh.CallError) as e:
                await mesh.call("/nosuch/fs/stat", {"path": "x"})
            assert e.value.code == "UNAVAILABLE" and e.value.retryable
            results = await asyncio.gather(*[mesh.call("/dev1/bash/run", {"command": "echo %d" % i}) for i in range(20)])
            assert [r["stdout"] for r in results] == ["%d\n" % i for i in range(20)]
            assert mesh.pending() == (0, 0)
    run(main())


def test_leaving_a_stream_early_kills_the_process(world):
    marker = "sleep 27.%04d" % random.randint(0, 9999)

    async def main():
        async with await callmesh.aio.connect(world.url("ws"), key=world.keys["op"], signer="ssh-keygen") as mesh:
            async for out in mesh.stream("/dev1/bash/exec", {"command": "echo go; " + marker}):
                assert out["data"] == "go\n"
                break
            assert mesh.pending() == (0, 0)
    run(main())
    assert mp.wait_for(lambda: not mp.pids_of(marker), 8.0), "the sleep outlived the aborted call"


def test_serving_async_handlers_and_generators(world):
    seen = {}

    async def echo(input, ctx):
        await asyncio.sleep(0)
        return {"input": input, "caller": ctx.caller}

    async def ticks(input, ctx):
        try:
            for i in range(100000):
                seen["produced"] = i + 1
                yield {"i": i}
        finally:
            seen["closed"] = True

    async def hang(input, ctx):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen["cancelled"] = True
            raise

    async def stat(input, ctx):
        return await ctx.call("/dev1/fs/stat", {"path": "a.txt"})

    def plain(input, ctx):  # a plain function runs in the executor
        return {"plain": input}

    serve = {"/a/echo": ({"opType": "query"}, echo), "/a/ticks": ({"opType": "subscription"}, ticks),
             "/a/hang": ({"opType": "query"}, hang), "/a/stat": ({"opType": "query"}, stat),
             "/a/plain": ({"opType": "mutation"}, plain)}

    async def main():
        spoke = await callmesh.aio.connect(world.url(), key=world.keys["py1"], spoke="py7", serve=serve)
        client = await callmesh.aio.connect(world.url(), key=world.keys["op"])
        try:
            assert await client.call("/py7/a/echo", {"x": 1}) == {"input": {"x": 1}, "caller": {"id": "op", "spoke": None}}
            assert await client.call("/py7/a/plain", {"y": 2}) == {"plain": {"y": 2}}
            assert (await client.call("/py7/a/stat", {}))["type"] == "file"
            # credit: with window 4 and one output read, the generator may not run ahead
            s = client.stream("/py7/a/ticks", {}, window=4)
            assert await s.__anext__() == {"i": 0}
            await asyncio.sleep(0.8)
            assert seen["produced"] <= 5, seen
            await s.aclose()
            for _ in range(100):
                if seen.get("closed"):
                    break
                await asyncio.sleep(0.05)
            assert seen.get("closed"), "the async generator was not closed on abort"
            # a timeout cancels the handler's task
            with pytest.raises(callmesh.CallError) as e:
                await client.call("/py7/a/hang", {}, timeout=0.5)
            assert e.value.code == "TIMEOUT"
            for _ in range(100):
                if seen.get("cancelled"):
                    break
                await asyncio.sleep(0.05)
            assert seen.get("cancelled")
            assert client.pending() == (0, 0) and spoke.pending() == (0, 0)
        finally:
            await client.close()
            await spoke.close()
    run(main())


def test_bad_input_is_a_connection_error():
    def script(peer, hub):
        peer.raw(b"\x00\x00\x00\x03abc")
        peer.close()

    async def main():
        with FakeHub(script) as hub:
            with pytest.raises(callmesh.ProtocolError):
                await callmesh.aio.connect(hub.url(), token="t", connect_timeout=3.0)
            with pytest.raises(callmesh.HandshakeError):
                await callmesh.aio.connect("tcp://127.0.0.1:1", token="t", connect_timeout=3.0)
    run(main())


def test_a_denied_key_is_a_handshake_error(world):
    async def main():
        with pytest.raises(callmesh.HandshakeError) as e:
            await callmesh.aio.connect(world.url(), key=world.keys["stranger"])
        assert e.value.code == "UNAUTHENTICATED"
    run(main())


def test_a_hub_that_stops_reading_is_dropped():
    def script(peer, hub):
        peer.send("auth.challenge", "", {"hub": "h", "nonce": "n"})
        peer.recv()
        peer.send("auth.welcome", "", {"identity": {"id": "x"}, "heartbeatMs": 200})
        for _ in range(60):  # not silent, but it never reads again
            peer.send("ping", "", {"t": 1})
            import time
            time.sleep(0.1)

    async def main():
        with FakeHub(script) as hub:
            mesh = await callmesh.aio.connect(hub.url(), token="t", reconnect=False)
            t0 = asyncio.get_running_loop().time()
            with pytest.raises(callmesh.ConnectionLost):
                await mesh.call("/a/b", {"data": "x" * (12 * 1024 * 1024)}, timeout=30.0)
            assert asyncio.get_running_loop().time() - t0 < 5.0
            await mesh.close()
    run(main())
