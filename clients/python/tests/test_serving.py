"""Python spokes serving queries, mutations and generator subscriptions, called from Python and from the
Java CLI; calls on behalf of a call (ctx.call, parentRequestId); credit; aborts; handler errors."""

import json
import threading
import time

import pytest

import callmesh
import meshprocs as mp

STATE = {}


def echo(input, ctx):
    return {"input": input, "caller": ctx.caller, "traceparent": ctx.metadata.get("traceparent"),
            "operation": ctx.operation}


def put(input, ctx):
    STATE.setdefault("stored", []).append(input)
    return {"stored": len(STATE["stored"])}


def count(input, ctx):
    for i in range(input.get("n", 3)):
        yield {"i": i}


def flood(input, ctx):
    STATE["produced"] = 0
    try:
        for i in range(100000):
            STATE["produced"] += 1
            yield {"i": i}
    finally:
        STATE["flood_closed"] = True


def fail(input, ctx):
    raise ValueError("boom")


def deny(input, ctx):
    raise callmesh.CallError("FILE_EXISTS", "it is there already", details={"path": "x"})


def slow(input, ctx):
    STATE["slow_started"].set()
    return {"released": STATE["release"].wait(10)}


def stat(input, ctx):
    return ctx.call("/dev1/fs/stat", {"path": input["path"]}, timeout=5.0)


def parent(input, ctx):
    return ctx.call("/py2/echo/block", {}, timeout=20.0)


def block(input, ctx):
    STATE["block_started"] = time.monotonic()
    STATE["block_cancelled"] = ctx.cancelled.wait(15.0)
    return {}


def start(input, ctx):
    return ctx.call("/py1/echo/callback", {}, timeout=10.0)


def callback(input, ctx):
    return ctx.call("/py2/echo/inner", {}, timeout=10.0)


def inner(input, ctx):
    py2 = STATE["py2"]
    return {"parent": ctx.parent_request_id, "pending_on_py2": sorted(py2._session._pending),
            "caller": ctx.caller}


Q, M, S = {"opType": "query"}, {"opType": "mutation"}, {"opType": "subscription"}
PY1 = {"/echo/echo": (Q, echo), "/echo/put": (M, put), "/echo/count": (S, count), "/echo/flood": (S, flood),
       "/echo/fail": (Q, fail), "/echo/deny": (Q, deny), "/echo/slow": (Q, slow), "/echo/stat": (Q, stat),
       "/echo/parent": (Q, parent), "/echo/callback": (Q, callback)}
PY2 = {"/echo/block": (Q, block), "/echo/start": (Q, start), "/echo/inner": (Q, inner)}


@pytest.fixture(scope="module")
def spokes(world):
    py1 = world.connect("py1", spoke="py1", serve=PY1)
    py2 = world.connect("py1", spoke="py2", serve=PY2)
    STATE["py2"] = py2
    yield py1, py2
    py1.close()
    py2.close()


def test_a_query_sees_its_caller_and_metadata(spokes, op):
    out = op.call("/py1/echo/echo", {"a": 1}, metadata={"traceparent": "00-%s-%s-01" % ("ab" * 16, "cd" * 8)})
    assert out["input"] == {"a": 1}
    assert out["caller"] == {"id": "op", "spoke": None}
    assert out["operation"] == "/echo/echo"
    assert out["traceparent"].startswith("00-" + "ab" * 16 + "-")  # the hub's child span, same trace


def test_a_mutation_and_a_subscription(spokes, op):
    assert op.call("/py1/echo/put", {"v": 1})["stored"] >= 1
    assert list(op.stream("/py1/echo/count", {"n": 4})) == [{"i": i} for i in range(4)]
    assert spokes[0].spoke == "py1"


def test_handler_errors_become_call_errors(spokes, op):
    with pytest.raises(callmesh.CallError) as e:
        op.call("/py1/echo/fail", {})
    assert e.value.code == "INTERNAL" and "boom" in e.value.message
    with pytest.raises(callmesh.CallError) as e:
        op.call("/py1/echo/deny", {})
    assert (e.value.code, e.value.details) == ("FILE_EXISTS", {"path": "x"})
    with pytest.raises(callmesh.CallError) as e:
        op.call("/py1/echo/echo", "not an object")
    assert e.value.code == "INVALID_INPUT"


def test_a_slow_handler_does_not_hold_up_other_calls(spokes, op):
    # GIVEN a handler that blocks until the test releases it
    STATE["slow_started"], STATE["release"] = threading.Event(), threading.Event()
    got = []
    t = threading.Thread(target=lambda: got.append(op.call("/py1/echo/slow", {})))
    t.start()
    assert STATE["slow_started"].wait(5)
    # WHEN another call comes meanwhile THEN it is answered while the first still blocks
    assert op.call("/py1/echo/echo", {}, timeout=5.0)["input"] == {}
    assert t.is_alive()
    STATE["release"].set()
    t.join(10)
    assert got == [{"released": True}]


def test_a_call_is_served_by_the_thread_that_read_it_while_another_reads_on(world, op):
    # GIVEN a spoke whose connection records which thread read each frame
    seen = []

    def where(input, ctx):
        time.sleep(0.05)  # long enough for the next call to need another reader
        return {"thread": threading.get_ident(), "id": ctx.request_id}
    spoke = world.connect("py1", spoke="py-where", serve={"/echo/where": (Q, where)})
    try:
        transport = spoke._session.transport
        recv = transport.recv

        def recording_recv(*a):
            body = recv(*a)
            seen.append((threading.get_ident(), body))
            return body
        transport.recv = recording_recv
        op.call("/py-where/echo/where", {}, timeout=5.0)  # read by a thread that was in recv before the recording
        # WHEN calls come one after another, and two at once
        outs = [op.call("/py-where/echo/where", {}, timeout=5.0) for _ in range(3)]
        both = []
        ts = [threading.Thread(target=lambda: both.append(op.call("/py-where/echo/where", {}, timeout=5.0)))
              for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(10)
        outs += both
        assert len(outs) == 5
        # THEN each handler ran on the thread that read its request
        for out in outs:
            readers = [tid for tid, body in seen
                       if b'"call.requested"' in body and (b'"id":"%s"' % out["id"].encode()) in body]
            assert readers == [out["thread"]], (out, readers)
        # and the two at once were read and served on two threads
        assert len({o["thread"] for o in both}) == 2
    finally:
        spoke.close()


def test_with_every_handler_thread_busy_calls_wait_and_all_are_answered(world, op):
    # GIVEN a spoke with one handler thread whose handler holds until released
    state = {"running": 0, "most": 0}
    lock, release = threading.Lock(), threading.Event()

    def hold(input, ctx):
        with lock:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
        try:
            return {"released": release.wait(10)}
        finally:
            with lock:
                state["running"] -= 1
    spoke = world.connect("py1", spoke="py-hold", serve={"/echo/hold": (Q, hold)}, workers=1)
    try:
        # WHEN four calls come at once
        got = []
        ts = [threading.Thread(target=lambda: got.append(op.call("/py-hold/echo/hold", {}, timeout=20.0)))
              for _ in range(4)]
        for t in ts:
            t.start()
        time.sleep(0.5)
        # THEN at most two run (the handler thread, and the thread that read before the pool took over),
        # the others wait, and the connection is still read: a ping from this side is answered
        assert state["most"] <= 2 and state["running"] >= 1
        assert spoke.call("/services/list", {}, timeout=5.0) is not None
        release.set()
        for t in ts:
            t.join(20)
        assert got == [{"released": True}] * 4
    finally:
        spoke.close()
    with pytest.raises(ValueError):
        world.connect("py1", spoke="py-none", serve={"/echo/hold": (Q, hold)}, workers=0)


def test_a_subscription_sends_no_more_than_its_credit_and_stops_on_abort(spokes, op):
    STATE.pop("flood_closed", None)
    s = op.stream("/py1/echo/flood", {}, window=4)
    assert next(s) == {"i": 0}
    time.sleep(0.8)
    assert STATE["produced"] <= 5, "the generator ran past the caller's window: %d" % STATE["produced"]
    s.close()
    assert mp.wait_for(lambda: STATE.get("flood_closed"), 5.0), "the generator was not closed on abort"
    assert mp.wait_for(lambda: spokes[0].pending() == (0, 0), 5.0)


def test_ctx_call_calls_on_behalf_of_the_call(spokes, op):
    assert op.call("/py1/echo/stat", {"path": "a.txt"})["type"] == "file"
    # py2 calls py1, whose handler calls back into py2: the hub maps parentRequestId to py2's own call
    out = op.call("/py2/echo/start", {})
    assert out["caller"] == {"id": "py1", "spoke": "py1"}
    assert out["parent"] is not None and out["parent"] in out["pending_on_py2"], out


def test_aborting_a_call_aborts_the_calls_made_on_its_behalf(spokes, op):
    STATE.pop("block_cancelled", None)
    with pytest.raises(callmesh.CallError) as e:
        op.call("/py1/echo/parent", {}, timeout=1.0)
    assert e.value.code == "TIMEOUT"
    assert mp.wait_for(lambda: "block_cancelled" in STATE, 8.0)
    assert STATE["block_cancelled"] is True
    assert mp.wait_for(lambda: spokes[0].pending() == (0, 0) and spokes[1].pending() == (0, 0), 5.0)


def test_the_java_cli_calls_and_streams_a_python_spoke(world, spokes):
    r = mp.cli(world.url(), world.keys["op"], "call", "/py1/echo/echo", '{"from":"cli"}')
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["input"] == {"from": "cli"} and out["caller"]["id"] == "op"
    r = mp.cli(world.url(), world.keys["op"], "stream", "/py1/echo/count", '{"n":3}')
    assert r.returncode == 0, r.stderr
    assert [json.loads(line) for line in r.stdout.splitlines() if line.strip()] == [{"i": 0}, {"i": 1}, {"i": 2}]


def test_a_bad_serve_entry_is_refused(world):
    with pytest.raises(ValueError):
        callmesh.connect(world.url(), key=world.keys["py1"], spoke="py3", serve={"/x/y": ({"opType": "nope"}, echo)})
    with pytest.raises(ValueError):
        callmesh.connect(world.url(), key=world.keys["py1"], spoke="py3", serve={"x": (Q, echo)})
