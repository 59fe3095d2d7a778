"""Bad input from a fake hub (a Python socket server): every transport problem is a ConnectionError
subclass from callmesh (never struct.error, KeyError or a JSON error), every call problem a CallError."""

import struct
import threading
import time

import pytest

import callmesh
from fakehub import FakeHub


def connect(hub, **kw):
    kw.setdefault("connect_timeout", 3.0)
    return callmesh.connect(hub.url(kw.pop("scheme", "tcp")), token="t", **kw)


@pytest.mark.parametrize("garbage,kind", [
    (b"\x00\x00\x00\x05hello", callmesh.ProtocolError),          # not JSON
    (b"\xff\xff\xff\xff", callmesh.ProtocolError),                # a 4 GiB length
    (b"\x00\x00\x00\x00", callmesh.ProtocolError),                # a zero length
    (b"\x00\x00\x00\x02[]", callmesh.ProtocolError),              # JSON, not an object
    (b"\x00\x00\x00\x02\xc3\x28", callmesh.ProtocolError),        # not UTF-8
    (b"\x00\x00\x00\x0a{\"id\":\"x\"}", callmesh.ProtocolError),  # no type
    (b"\x00\x00", callmesh.HandshakeError),                       # half a length, then close
    (b"", callmesh.HandshakeError),                               # closed at once
])
def test_garbage_instead_of_a_challenge(garbage, kind):
    def script(peer, hub):
        peer.raw(garbage)
        peer.close()
    with FakeHub(script) as hub:
        with pytest.raises(kind) as e:
            connect(hub)
        assert isinstance(e.value, ConnectionError)


def test_deep_json_is_a_protocol_error():
    def script(peer, hub):
        body = b"[" * 100000 + b"]" * 100000
        peer.raw(struct.pack(">I", len(body)) + body)
        time.sleep(1)
    with FakeHub(script) as hub:
        with pytest.raises(callmesh.ProtocolError):
            connect(hub)


def test_a_challenge_without_a_nonce_is_a_protocol_error():
    with FakeHub(lambda peer, hub: (peer.send("auth.challenge", "", {"hub": "h"}), time.sleep(1))) as hub:
        with pytest.raises(callmesh.ProtocolError):
            connect(hub)


def test_a_silent_hub_is_a_handshake_error_in_time():
    with FakeHub(lambda peer, hub: time.sleep(5)) as hub:
        t0 = time.monotonic()
        with pytest.raises(callmesh.HandshakeError):
            connect(hub, connect_timeout=1.0)
        assert time.monotonic() - t0 < 3.0


def test_garbage_after_the_welcome_fails_the_pending_call_and_says_bye():
    got = {}

    def script(peer, hub):
        peer.welcome()
        req = peer.recv_type("call.requested")
        got["request"] = req
        peer.raw(b"\x00\x00\x00\x03abc")
        got["bye"] = peer.recv_type("bye")
    with FakeHub(script) as hub:
        mesh = connect(hub, reconnect=False)
        with pytest.raises(callmesh.ConnectionLost) as e:
            mesh.call("/x/y/z", {"a": 1}, timeout=5.0)
        assert "protocol" in str(e.value).lower()
        assert hub.done.wait(5) and not hub.errors, hub.errors
        assert got["bye"]["payload"]["code"] == "PROTOCOL"
        assert got["request"]["payload"]["input"] == {"a": 1}
        assert got["request"]["payload"]["timeoutMs"] == 5000
        mesh.close()


def test_odd_call_events_still_give_call_errors_and_outputs():
    def script(peer, hub):
        peer.welcome()
        r1 = peer.recv_type("call.requested")
        peer.send("call.error", r1["id"], {"code": 5, "retryable": "yes"})
        r2 = peer.recv_type("call.requested")
        peer.send("call.responded", r2["id"], {})
        r3 = peer.recv_type("call.requested")
        peer.send("call.responded", "unknown-id", {"output": 1})  # an orphan: ignored
        peer.send("call.error", r3["id"], {"code": "FANCY", "message": "m", "retryable": True, "details": [1]})
        peer.recv_type("bye")
    with FakeHub(script) as hub:
        with connect(hub) as mesh:
            with pytest.raises(callmesh.CallError) as e:
                mesh.call("/a/b", {})
            assert (e.value.code, e.value.retryable) == ("INTERNAL", False)
            assert mesh.call("/a/b", {}) is None
            with pytest.raises(callmesh.CallError) as e:
                mesh.call("/a/b", {})
            assert (e.value.code, e.value.retryable, e.value.details) == ("FANCY", True, [1])
            assert mesh.pending() == (0, 0)


def test_bye_from_the_hub_ends_the_connection():
    def script(peer, hub):
        peer.welcome()
        peer.recv_type("call.requested")
        peer.send("bye", "", {"code": "UNAVAILABLE", "message": "going away"})
        time.sleep(1)
    with FakeHub(script) as hub:
        mesh = connect(hub, reconnect=False)
        with pytest.raises(callmesh.ConnectionLost) as e:
            mesh.call("/a/b", {}, timeout=5.0)
        assert "going away" in str(e.value)
        assert mesh.state == "closed"
        with pytest.raises(callmesh.ConnectionLost):
            mesh.call("/a/b", {})
        mesh.close()


def test_pings_are_answered_with_the_same_payload():
    got = {}

    def script(peer, hub):
        peer.welcome()
        peer.send("ping", "", {"t": 12345})
        got["pong"] = peer.recv_type("pong")
    with FakeHub(script) as hub:
        with connect(hub):
            assert hub.done.wait(5)
    assert got["pong"]["payload"] == {"t": 12345}


def test_a_silent_hub_after_the_welcome_is_dropped_by_the_heartbeat():
    def script(peer, hub):
        peer.send("auth.challenge", "", {"hub": "h", "nonce": "n"})
        peer.recv()
        peer.send("auth.welcome", "", {"identity": {"id": "x"}, "heartbeatMs": 200})
        time.sleep(3)  # reads nothing, answers nothing
    with FakeHub(script) as hub:
        mesh = connect(hub, reconnect=False)
        assert _wait(lambda: mesh.state == "closed", 3.0)
        mesh.close()


def _ws_script(response):
    def script(peer, hub):
        head = b""
        while b"\r\n\r\n" not in head:
            head += peer.sock.recv(4096)
        peer.raw(response(head))
        time.sleep(1)
    return script


def _accept(head):
    from callmesh import wsproto
    key = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"sec-websocket-key")][0]
    return wsproto.accept_for(key.decode())


@pytest.mark.parametrize("response,kind", [
    (lambda head: b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", callmesh.HandshakeError),
    (lambda head: b"HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Accept: wrong\r\n\r\n", callmesh.HandshakeError),
    (lambda head: b"garbage\r\n\r\n", callmesh.HandshakeError),
    (lambda head: ("HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\n\r\n" % _accept(head)).encode() + b"\x81\x85abcdxxxxx",
     callmesh.ProtocolError),  # a masked frame from a server
    (lambda head: ("HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\n\r\n" % _accept(head)).encode() + b"\x81\x7f" + b"\xff" * 8,
     callmesh.ProtocolError),  # a 2^64 byte message
])
def test_bad_websocket_servers(response, kind):
    with FakeHub(_ws_script(response)) as hub:
        with pytest.raises(kind) as e:
            connect(hub, scheme="ws")
        assert isinstance(e.value, ConnectionError)


def _wait(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def test_threads_do_not_linger_after_close():
    def script(peer, hub):
        peer.welcome()
        try:
            peer.recv_type("nothing")
        except EOFError:
            pass
    with FakeHub(script) as hub:
        before = threading.active_count()
        mesh = connect(hub)
        mesh.close()
        assert _wait(lambda: threading.active_count() <= before + 1, 3.0)  # the timer thread may remain briefly


def test_a_hub_that_stops_reading_is_dropped_and_the_blocked_call_fails():
    def script(peer, hub):
        peer.send("auth.challenge", "", {"hub": "h", "nonce": "n"})
        peer.recv()
        peer.send("auth.welcome", "", {"identity": {"id": "x"}, "heartbeatMs": 200})
        for _ in range(60):  # pings keep it from looking silent, but it never reads again
            peer.send("ping", "", {"t": 1})
            time.sleep(0.1)
    with FakeHub(script) as hub:
        mesh = connect(hub, reconnect=False)
        t0 = time.monotonic()
        with pytest.raises(callmesh.ConnectionLost):
            mesh.call("/a/b", {"data": "x" * (12 * 1024 * 1024)}, timeout=30.0)
        assert time.monotonic() - t0 < 5.0
        mesh.close()


def test_frame_limits_both_ways():
    def script(peer, hub):
        peer.send("auth.challenge", "", {"hub": "h", "nonce": "n"})
        peer.recv()
        peer.send("auth.welcome", "", {"identity": {"id": "x"}, "maxFrameBytes": 1000})
        req = peer.recv_type("call.requested")
        peer.send("call.responded", req["id"], {"output": "y" * 5000})  # over the client's own limit
        time.sleep(1)
    with FakeHub(script) as hub:
        mesh = connect(hub, reconnect=False, max_frame_bytes=4096)
        with pytest.raises(callmesh.CallError) as e:  # over the hub's maxFrameBytes: never sent
            mesh.call("/a/b", {"data": "x" * 2000})
        assert e.value.code == "RESOURCE_EXHAUSTED"
        with pytest.raises(callmesh.ConnectionLost) as e:
            mesh.call("/a/b", {"small": 1}, timeout=5.0)
        assert "limit" in str(e.value)
        mesh.close()
