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
    ctx.cancelled.wait(input.get("seconds", 2))
    return {"slept": True}


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
    t = threading.Thread(target=lambda: op.call("/py1/echo/slow", {"seconds": 1}))
    t.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    assert op.call("/py1/echo/echo", {})["input"] == {}
    assert time.monotonic() - t0 < 1.0
    t.join(10)


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
