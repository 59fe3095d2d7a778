"""The socket-free codecs: TCP frames, WebSocket frames, envelopes, signatures (no processes)."""

import base64
import json
import struct

import pytest

import callmesh
from callmesh import auth, calls, wsproto
from callmesh.frames import FrameDecoder, FrameTooLong, encode_envelope, encode_frame, parse_envelope


def frames(*bodies):
    return b"".join(encode_frame(b) for b in bodies)


def test_frames_split_at_every_byte_come_out_whole():
    bodies = [encode_envelope("call.responded", "c%d" % i, {"output": "x" * i}) for i in range(5)]
    data = frames(*bodies)
    for cut in range(len(data) + 1):
        d = FrameDecoder(1024)
        assert d.feed(data[:cut]) + d.feed(data[cut:]) == bodies
        assert d.pending() == 0


def test_byte_by_byte():
    body = encode_envelope("ping", "", {"t": 1})
    d = FrameDecoder(1024)
    out = []
    for b in frames(body, body):
        out += d.feed(bytes([b]))
    assert out == [body, body]


def test_an_oversized_length_is_refused_before_the_body_and_stays_refused():
    d = FrameDecoder(100)
    with pytest.raises(FrameTooLong):
        d.feed(struct.pack(">I", 101))
    with pytest.raises(callmesh.ProtocolError):
        d.feed(frames(b"{}"))
    assert FrameDecoder(100).feed(struct.pack(">I", 100) + b"x" * 100) == [b"x" * 100]


def test_lengths_are_unsigned_and_zero_is_refused():
    with pytest.raises(FrameTooLong):
        FrameDecoder().feed(b"\x80\x00\x00\x00")
    with pytest.raises(callmesh.ProtocolError):
        FrameDecoder().feed(b"\x00\x00\x00\x00")


def test_an_outgoing_frame_is_one_buffer_and_limited():
    body = encode_envelope("call.requested", "c1", {"operationId": "/a/b", "input": {"é": 1}})
    assert encode_frame(body) == struct.pack(">I", len(body)) + body
    assert json.loads(body)["payload"]["input"] == {"é": 1}
    with pytest.raises(FrameTooLong):
        encode_frame(b"x" * 11, max_frame_bytes=10)
    with pytest.raises(FrameTooLong):
        encode_frame(b"")


@pytest.mark.parametrize("body", [b"nope", b"[]", b'{"type":1}', b'{"id":"x"}', b"\xff", b"[" * 5000 + b"]" * 5000])
def test_bad_envelopes_are_protocol_errors(body):
    with pytest.raises(callmesh.ProtocolError):
        parse_envelope(body)


def test_envelope_defaults():
    assert parse_envelope(b'{"type":"pong"}') == ("pong", "", {})
    assert parse_envelope(b'{"type":"x","id":5,"payload":[1],"extra":1}') == ("x", "", {})


def _server_frame(opcode, payload, fin=True):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    head += bytes([n]) if n < 126 else (bytes([126]) + struct.pack(">H", n) if n < 65536
                                         else bytes([127]) + struct.pack(">Q", n))
    return head + payload


def test_websocket_messages_reassemble_across_fragments_and_split_reads():
    data = (_server_frame(wsproto.TEXT, b"hel", fin=False) + _server_frame(wsproto.PING, b"p")
            + _server_frame(wsproto.CONT, b"lo", fin=False) + _server_frame(wsproto.CONT, b"!" * 70000)
            + _server_frame(wsproto.CLOSE, wsproto.close_payload(1000, "bye")))
    for cut in (1, 2, 3, 7, 100, 70000):
        d = wsproto.WsDecoder(1 << 20)
        out = d.feed(data[:cut]) + d.feed(data[cut:])
        assert out == [(wsproto.PING, b"p"), (wsproto.TEXT, b"hello" + b"!" * 70000),
                       (wsproto.CLOSE, wsproto.close_payload(1000, "bye"))]
    assert wsproto.parse_close(wsproto.close_payload(1000, "bye")) == (1000, "bye")


@pytest.mark.parametrize("data", [
    b"\x81\x85abcdxxxxx",                                 # masked by the server
    b"\xc1\x00",                                          # reserved bit
    b"\x83\x00",                                          # opcode 3
    b"\x80\x00",                                          # continuation without a message
    b"\x89\x7e\x00\x80" + b"x" * 128,                     # a control frame over 125 bytes
    b"\x09\x00",                                          # a fragmented ping
    _server_frame(wsproto.TEXT, b"x" * 101),              # over the limit
    _server_frame(wsproto.TEXT, b"x" * 60, fin=False) + _server_frame(wsproto.CONT, b"x" * 60),
])
def test_bad_websocket_frames(data):
    with pytest.raises(callmesh.ProtocolError):
        wsproto.WsDecoder(100).feed(data)


def test_client_frames_are_masked_and_decode_back():
    payload = b"x" * 300
    f = wsproto.encode_frame(wsproto.TEXT, payload)
    assert f[0] == 0x81 and f[1] == 0x80 | 126 and struct.unpack(">H", f[2:4])[0] == 300
    mask = f[4:8]
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(f[8:])) == payload


def test_accept_matches_rfc_6455_example():
    assert wsproto.accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_traceparents():
    tp = calls.new_traceparent()
    child = calls.child_traceparent(tp)
    assert len(tp) == 55 and tp.startswith("00-") and tp.endswith("-01")
    assert child.split("-")[1] == tp.split("-")[1] and child.split("-")[2] != tp.split("-")[2]
    assert calls.child_traceparent("junk").split("-")[1] != tp.split("-")[1]
    p = calls.request_payload("/a/b", None, timeout=1.5, window=4, parent_id="x", parent_traceparent=tp)
    assert p["timeoutMs"] == 1500 and p["window"] == 4 and p["parentRequestId"] == "x" and p["input"] == {}
    assert p["metadata"]["traceparent"].split("-")[1] == tp.split("-")[1]


def test_both_signers_make_the_same_kind_of_signature(tmp_path):
    import meshprocs as mp
    if not auth.have_cryptography():
        mp.missing("the python3 'cryptography' package is not installed")
    key = str(tmp_path / "k")
    mp.keygen(key, "k")
    msg = auth.auth_message("hub", "bm9uY2U=")
    for signer in (auth.SshKeygenSigner(key), auth.CryptographySigner(key)):
        armored = signer.sign(msg)
        blob = base64.b64decode("".join(armored.strip().splitlines()[1:-1]))
        assert blob[:6] == b"SSHSIG"
        # ssh-keygen itself verifies what each made
        (tmp_path / "allowed").write_text("me " + open(key + ".pub").read())
        (tmp_path / "sig").write_text(armored)
        import subprocess
        r = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed"), "-I", "me", "-n", "callmesh",
                            "-s", str(tmp_path / "sig")], input=msg, capture_output=True)
        assert r.returncode == 0, (signer.name, r.stderr)
