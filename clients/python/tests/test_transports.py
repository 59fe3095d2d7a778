"""Ways in: tcp, ws, tls and wss (a hub with an openssl certificate), JWT tokens, both signers, a key
held only by a real ssh-agent, denied keys."""

import os
import re
import shutil
import subprocess

import pytest

import callmesh
import meshprocs as mp
from callmesh import auth


@pytest.fixture(scope="module")
def tls_hub(world):
    pem, key = mp.self_signed(world.dir, "hubcert")
    hub = mp.Hub(world.dir, name="tlshub", extra=["--tls-cert", pem, "--tls-key", key]).start()
    yield hub, pem
    hub.stop()


def test_websocket(world):
    with world.connect("op", scheme="ws") as mesh:
        assert mesh.call("/dev1/fs/stat", {"path": "a.txt"})["type"] == "file"
        outs = list(mesh.stream("/dev1/bash/exec", {"command": "head -c 200000 /dev/zero | tr '\\0' x"}))
        assert sum(len(o.get("data", "")) for o in outs) == 200000  # many messages, some fragmented or large
        with pytest.raises(callmesh.CallError) as e:
            mesh.call("/dev1/fs/nosuch", {})
        assert e.value.code == "NOT_FOUND"


def test_tls_and_wss_with_the_ca(world, tls_hub):
    hub, pem = tls_hub
    for scheme in ("tls", "wss"):
        with callmesh.connect(hub.url(scheme), key=world.keys["op"], ca=pem) as mesh:
            assert mesh.call("/services/list", {})["operations"] is not None
            assert mesh.hub_id == "py-tlshub"


def test_tls_without_trust_is_a_handshake_error(world, tls_hub):
    hub, _ = tls_hub
    with pytest.raises(callmesh.HandshakeError) as e:
        callmesh.connect(hub.url("tls"), key=world.keys["op"])
    assert "certif" in str(e.value).lower()


def test_a_jwt_from_hub_auth_token_works_over_tcp_and_ws(world):
    with world.connect("op") as mesh:
        jwt = mesh.call("/hub/auth/token", {"ttlSeconds": 300})
    token = jwt["token"] if isinstance(jwt, dict) else jwt
    for scheme in ("tcp", "ws"):
        with callmesh.connect(world.url(scheme), token=token) as mesh:
            assert mesh.identity["id"] == "op"
            assert mesh.call("/dev1/fs/stat", {"path": "a.txt"})["type"] == "file"


def test_a_bad_token_is_denied(world):
    with pytest.raises(callmesh.HandshakeError) as e:
        callmesh.connect(world.url(), token="not-a-token")
    assert e.value.code == "UNAUTHENTICATED"


def test_an_unknown_key_is_denied(world):
    with pytest.raises(callmesh.HandshakeError) as e:
        world.connect("stranger")
    assert e.value.code == "UNAUTHENTICATED"
    assert isinstance(e.value, ConnectionError)


def test_a_spoke_name_not_granted_is_forbidden(world):
    with pytest.raises(callmesh.HandshakeError) as e:
        world.connect("op", spoke="dev9")
    assert e.value.code == "FORBIDDEN"


def test_an_unreachable_hub_is_a_handshake_error(world):
    with pytest.raises(callmesh.HandshakeError):
        callmesh.connect("tcp://127.0.0.1:1", key=world.keys["op"], connect_timeout=2.0)


def test_the_second_url_of_a_list_is_tried(world):
    with callmesh.connect("tcp://127.0.0.1:1," + world.url(), key=world.keys["op"]) as mesh:
        assert mesh.url.port == world.hub.port


@pytest.mark.parametrize("signer", ["ssh-keygen", "cryptography"])
def test_both_signers_make_signatures_the_hub_accepts(world, signer):
    if signer == "cryptography" and not auth.have_cryptography():
        mp.missing("the python3 'cryptography' package is not installed")
    with world.connect("op", signer=signer) as mesh:
        assert mesh.identity["id"] == "op"
    made = auth.make_signer(world.keys["op"], signer)
    assert made.name == signer


def test_an_ssh_agent_key_signs_through_the_pub_file(world, tmp_path):
    # GIVEN a key held only by a real ssh-agent: its private key file deleted
    agent = mp.tool("ssh-agent")
    shutil.copy(world.keys["op"], tmp_path / "agentkey")
    shutil.copy(world.keys["op"] + ".pub", tmp_path / "agentkey.pub")
    os.chmod(tmp_path / "agentkey", 0o600)
    out = subprocess.run([agent, "-s"], capture_output=True, text=True, timeout=10, check=True).stdout
    sock = re.search(r"SSH_AUTH_SOCK=([^;]+);", out).group(1)
    pid = int(re.search(r"SSH_AGENT_PID=(\d+);", out).group(1))
    old = os.environ.get("SSH_AUTH_SOCK")
    try:
        os.environ["SSH_AUTH_SOCK"] = sock
        subprocess.run([mp.tool("ssh-add"), str(tmp_path / "agentkey")], capture_output=True, timeout=10, check=True)
        os.remove(tmp_path / "agentkey")
        # WHEN connecting with the .pub path; THEN ssh-keygen signs through the agent
        with callmesh.connect(world.url(), key=str(tmp_path / "agentkey.pub")) as mesh:
            assert mesh.identity["id"] == "op"
        # and without the agent the same .pub cannot sign
        os.environ.pop("SSH_AUTH_SOCK")
        with pytest.raises(callmesh.HandshakeError) as e:
            callmesh.connect(world.url(), key=str(tmp_path / "agentkey.pub"))
        assert "ssh-agent" in str(e.value)
    finally:
        if old is None:
            os.environ.pop("SSH_AUTH_SOCK", None)
        else:
            os.environ["SSH_AUTH_SOCK"] = old
        os.kill(pid, 15)
