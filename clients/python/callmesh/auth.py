"""Signing the hub's challenge with an OpenSSH ed25519 key.

The hub sends a nonce; we answer with an SSH signature (SSHSIG, namespace ``callmesh``) over the
exact bytes ``callmesh-auth-v1:<hub id>:<nonce>``. Two ways to make it:

- ``ssh-keygen -Y sign -n callmesh -f KEY`` (message on stdin, armored signature on stdout). KEY may
  be the private key file, or a ``.pub`` file whose private key is held by ``ssh-agent`` (then
  ``SSH_AUTH_SOCK`` must be set).
- the ``cryptography`` package, when it is importable, for an unencrypted private key file (or an
  encrypted one with ``passphrase=``): no process per connection.

``signer="auto"`` (the default) uses ``cryptography`` when it can and ``ssh-keygen`` otherwise.
"""

import base64
import hashlib
import os
import struct
import subprocess

from .errors import HandshakeError

__all__ = ["auth_message", "make_signer", "SshKeygenSigner", "CryptographySigner", "armor",
           "NAMESPACE", "have_cryptography"]

NAMESPACE = "callmesh"
_SSHSIG_MAGIC = b"SSHSIG"
_SIGN_TIMEOUT = 30.0


def auth_message(hub_id, nonce):
    """Returns the bytes a peer signs to answer the challenge of hub ``hub_id`` with ``nonce``."""
    return ("callmesh-auth-v1:%s:%s" % (hub_id, nonce)).encode("utf-8")


def have_cryptography():
    """Returns whether the ``cryptography`` package can sign ed25519 here."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: F401
        from cryptography.hazmat.primitives.serialization import load_ssh_private_key  # noqa: F401
        return True
    except Exception:  # ImportError, or a broken binding
        return False


def _string(b):
    return struct.pack(">I", len(b)) + b


def armor(blob):
    """Returns the SSHSIG blob as the armored text ``ssh-keygen -Y sign`` writes."""
    b64 = base64.b64encode(blob).decode("ascii")
    lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


class SshKeygenSigner:
    """Signs with ``ssh-keygen -Y sign``; ``path`` is a private key file or a ``.pub`` held by ssh-agent."""

    name = "ssh-keygen"

    def __init__(self, path, program="ssh-keygen"):
        self.path = path
        self.program = program

    def command(self):
        """Returns the argument list of the signing process (the message goes on its stdin)."""
        return [self.program, "-q", "-Y", "sign", "-n", NAMESPACE, "-f", self.path]

    def check(self, rc, out, err):
        """Returns the armored signature of a finished ``ssh-keygen`` run, or raises HandshakeError."""
        text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
        if rc != 0 or "BEGIN SSH SIGNATURE" not in text:
            why = (err.decode("utf-8", "replace") if isinstance(err, bytes) else err or "").strip()
            hint = ""
            if self.path.endswith(".pub") and not os.environ.get("SSH_AUTH_SOCK"):
                hint = " (a .pub key needs its private key in ssh-agent, and SSH_AUTH_SOCK set)"
            raise HandshakeError("ssh-keygen could not sign with %s: %s%s"
                                 % (self.path, why[-300:] or "exit %d" % rc, hint))
        return text

    def sign(self, message):
        """Returns the armored SSHSIG of ``message``; raises HandshakeError when signing fails."""
        try:
            r = subprocess.run(self.command(), input=message, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=_SIGN_TIMEOUT, check=False)
        except FileNotFoundError:
            raise HandshakeError("ssh-keygen is not installed (Debian: apt-get install openssh-client); "
                                 "install it or the python3 'cryptography' package to sign") from None
        except subprocess.TimeoutExpired:
            raise HandshakeError("ssh-keygen did not sign within %d s (is the key encrypted, or the agent "
                                 "asking for confirmation?)" % _SIGN_TIMEOUT) from None
        return self.check(r.returncode, r.stdout, r.stderr)


class CryptographySigner:
    """Signs in-process with the ``cryptography`` package, from an OpenSSH ed25519 private key file."""

    name = "cryptography"

    def __init__(self, path, passphrase=None):
        from cryptography.hazmat.primitives.asymmetric import ed25519
        from cryptography.hazmat.primitives.serialization import (Encoding, PublicFormat,
                                                                  load_ssh_private_key)
        with open(path, "rb") as f:
            data = f.read()
        password = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        key = load_ssh_private_key(data, password=password)
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise HandshakeError("%s is not an ed25519 key; the hub accepts only ssh-ed25519" % path)
        self._key = key
        line = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
        self.public_blob = base64.b64decode(line.split()[1])

    def sign(self, message):
        """Returns the armored SSHSIG of ``message``, exactly as ``ssh-keygen -Y sign`` would make it."""
        digest = hashlib.sha512(message).digest()
        signed = (_SSHSIG_MAGIC + _string(NAMESPACE.encode()) + _string(b"") + _string(b"sha512")
                  + _string(digest))
        raw = self._key.sign(signed)
        sig = _string(b"ssh-ed25519") + _string(raw)
        blob = (_SSHSIG_MAGIC + struct.pack(">I", 1) + _string(self.public_blob) + _string(NAMESPACE.encode())
                + _string(b"") + _string(b"sha512") + _string(sig))
        return armor(blob)


def make_signer(key, signer="auto", passphrase=None):
    """Returns a signer for the key file ``key``.

    ``signer`` is ``"auto"``, ``"ssh-keygen"`` or ``"cryptography"``. A ``.pub`` path (or a path whose
    private key file is missing but whose ``.pub`` exists) always goes to ssh-keygen, which finds the
    private key in ssh-agent. Raises HandshakeError when the key cannot be used.
    """
    if signer not in ("auto", "ssh-keygen", "cryptography"):
        raise ValueError("signer must be 'auto', 'ssh-keygen' or 'cryptography', not %r" % (signer,))
    path = os.fspath(key)
    if not os.path.exists(path) and os.path.exists(path + ".pub"):
        path = path + ".pub"
    if not os.path.exists(path):
        raise HandshakeError("key file %s does not exist" % path)
    agent_only = path.endswith(".pub")
    if signer == "ssh-keygen" or (signer == "auto" and (agent_only or not have_cryptography())):
        return SshKeygenSigner(path)
    if agent_only:
        raise HandshakeError("%s is a public key: only ssh-keygen (with ssh-agent) can sign with it" % path)
    try:
        return CryptographySigner(path, passphrase)
    except HandshakeError:
        raise
    except ImportError:
        if signer == "cryptography":
            raise HandshakeError("the 'cryptography' package is not installed") from None
        return SshKeygenSigner(path)
    except (ValueError, TypeError, OSError) as e:
        if signer == "cryptography":
            raise HandshakeError("cannot read the key %s: %s" % (path, e)) from None
        return SshKeygenSigner(path)  # e.g. an encrypted key: ssh-keygen may still get it from the agent
