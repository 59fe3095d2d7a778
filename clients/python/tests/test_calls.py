"""Calling the real Java spoke through the real hub: outputs, streams, aborts, errors, threads."""

import random
import threading
import time

import pytest

import callmesh
import meshprocs as mp


def test_call_returns_the_output(op):
    out = op.call("/dev1/fs/stat", {"path": "a.txt"}, timeout=5.0)
    assert out["type"] == "file" and out["size"] == len("hello from dev1\n")
    assert op.identity["id"] == "op" and op.hub_id == "py-hub"


def test_stream_yields_every_output_then_ends(op):
    outs = list(op.stream("/dev1/bash/exec", {"command": "echo one; echo two >&2; exit 3"}))
    assert outs[-1] == {"exitCode": 3}
    text = "".join(o.get("data", "") for o in outs if o.get("stream") == "stdout")
    err = "".join(o.get("data", "") for o in outs if o.get("stream") == "stderr")
    assert text == "one\n" and err == "two\n"


def test_breaking_out_of_a_stream_kills_the_process(op):
    # GIVEN a command that prints, then sleeps for long
    marker = "sleep 29.%04d" % random.randint(0, 9999)
    got = None
    # WHEN the caller breaks out after the first output
    for out in op.stream("/dev1/bash/exec", {"command": "echo started; " + marker}):
        got = out
        assert mp.wait_for(lambda: mp.pids_of(marker), 5.0), "the sleep never started"
        break
    # THEN the call is aborted and the spoke kills the process
    assert got == {"stream": "stdout", "data": "started\n"}
    assert mp.wait_for(lambda: not mp.pids_of(marker), 8.0), "the sleep outlived the aborted call"


def test_a_stream_closed_with_with_is_aborted(op):
    marker = "sleep 28.%04d" % random.randint(0, 9999)
    with op.stream("/dev1/bash/exec", {"command": "echo x; " + marker}) as s:
        assert next(s)["data"] == "x\n"
    assert mp.wait_for(lambda: not mp.pids_of(marker), 8.0)


@pytest.mark.parametrize("path,input,key,code,retryable", [
    ("/dev1/fs/nosuch", {}, "op", "NOT_FOUND", False),
    ("/nosuchspoke/fs/stat", {"path": "a.txt"}, "op", "UNAVAILABLE", True),
    ("/dev1/fs/readFile", {"path": "a.txt"}, "reader", "FORBIDDEN", False),
    ("/dev1/fs/stat", {"path": 7}, "op", "INVALID_INPUT", False),
    ("/dev1/fs/stat", {"path": "../outside"}, "op", "FORBIDDEN", False),
    ("/dev1/fs/stat", {"path": "missing.txt"}, "op", "FILE_NOT_FOUND", False),
])
def test_errors_are_call_errors_with_the_hubs_code(world, path, input, key, code, retryable):
    with world.connect(key) as mesh:
        with pytest.raises(callmesh.CallError) as e:
            mesh.call(path, input, timeout=5.0)
        assert e.value.code == code, e.value
        assert e.value.retryable is retryable
        assert e.value.message
        if code == "INVALID_INPUT":
            assert e.value.details and "path" in e.value.details
        assert mesh.pending() == (0, 0)


def test_a_stream_error_is_raised_by_the_iteration(op):
    with pytest.raises(callmesh.CallError) as e:
        list(op.stream("/dev1/bash/exec", {"command": 5}))
    assert e.value.code == "INVALID_INPUT"


def test_timeout_is_a_retryable_timeout_error(op):
    t0 = time.monotonic()
    with pytest.raises(callmesh.CallError) as e:
        op.call("/dev1/bash/run", {"command": "sleep 5"}, timeout=0.5)
    assert e.value.code == "TIMEOUT" and e.value.retryable
    assert time.monotonic() - t0 < 3.0


def test_calls_from_many_threads_at_once(op):
    results, errors = [], []

    def worker(n):
        try:
            for i in range(10):
                out = op.call("/dev1/bash/run", {"command": "echo %d-%d" % (n, i)}, timeout=20.0)
                results.append(out["stdout"].strip())
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(results) == sorted("%d-%d" % (n, i) for n in range(8) for i in range(10))


def test_unserialisable_input_is_a_type_error_and_leaves_nothing_pending(op):
    with pytest.raises(TypeError):
        op.call("/dev1/fs/stat", {"path": object()})
    assert op.call("/dev1/fs/stat", {"path": "a.txt"})["type"] == "file"


def test_a_closed_mesh_raises_connection_lost(world):
    mesh = world.connect("op")
    mesh.close()
    with pytest.raises(callmesh.ConnectionLost):
        mesh.call("/dev1/fs/stat", {"path": "a.txt"})
    assert isinstance(callmesh.ConnectionLost("x"), ConnectionError)
