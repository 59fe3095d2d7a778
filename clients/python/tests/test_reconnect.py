"""A Python spoke outlives its hub: the hub is killed and started again on the same port; the spoke
reconnects with backoff, registers again and keeps serving. Calls in flight at the loss fail with
ConnectionLost. (A loss without reconnect is in test_badpeer.)"""

import signal
import threading
import time

import callmesh
import meshprocs as mp


def test_a_spoke_reconnects_after_the_hub_restarts(world, monkeypatch):
    monkeypatch.setattr(callmesh.meshbase, "_BACKOFF_MAX", 1.0)  # waits still grow and jitter, only capped lower
    hub = mp.Hub(world.dir, name="restarthub").start()
    states = []
    spoke = None
    try:
        spoke = callmesh.connect(hub.url(), key=world.keys["py1"], spoke="py5", on_state=lambda s, d: states.append(s),
                                 serve={"/echo/echo": ({"opType": "query"}, lambda i, c: {"echo": i}),
                                        "/echo/hang": ({"opType": "query"}, lambda i, c: c.cancelled.wait(30))})
        client = callmesh.connect(hub.url(), key=world.keys["op"])
        assert client.call("/py5/echo/echo", {"n": 1}) == {"echo": {"n": 1}}

        # GIVEN a call in flight WHEN the hub dies THEN it fails with ConnectionLost, not a hang
        failures = []

        def hanging():
            try:
                client.call("/py5/echo/hang", {}, timeout=30.0)
            except Exception as e:  # noqa: BLE001
                failures.append(e)
        t = threading.Thread(target=hanging)
        t.start()
        assert mp.wait_for(lambda: spoke.pending()[1] == 1, 5.0)
        hub.proc.stop(signal.SIGKILL)
        t.join(10)
        assert len(failures) == 1 and isinstance(failures[0], callmesh.ConnectionLost), failures
        assert mp.wait_for(lambda: spoke.state == "reconnecting", 5.0)
        assert mp.wait_for(lambda: spoke.pending() == (0, 0), 5.0), "the served call was not stopped"

        # WHEN the hub comes back on the same port THEN both reconnect and the spoke serves again
        hub.start()
        assert spoke.wait_connected(20.0), states
        assert client.wait_connected(20.0)
        # the listener runs right after the state changes, maybe a moment after wait_connected returned
        assert mp.wait_for(lambda: states[-1] == "connected", 5.0) and "reconnecting" in states, states
        deadline = time.time() + 10
        while True:
            try:
                assert client.call("/py5/echo/echo", {"n": 2}, timeout=5.0) == {"echo": {"n": 2}}
                break
            except callmesh.CallError as e:  # the spoke may register a moment after the client is back
                if e.code != "UNAVAILABLE" or time.time() > deadline:
                    raise
                time.sleep(0.2)
        assert client.pending() == (0, 0)
        client.close()
    finally:
        if spoke is not None:
            spoke.close()
        hub.stop()

