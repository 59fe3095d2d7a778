"""Fixtures: one real hub and one real Java spoke ``dev1`` for the whole session, keys made by ssh-keygen.

Keys (in ``world.keys``):
- ``op``: identity op, may call everything;
- ``dev1``: the Java spoke;
- ``py1``: may register as py1..py9, may call /py*, /dev1/*, /hub/* and /services/*;
- ``reader``: may call only /dev1/fs/stat (and /services/*);
- ``stranger``: not in authorized_keys.
"""

import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the package under test, not an installed one

import callmesh  # noqa: E402
import meshprocs as mp  # noqa: E402

KEYS = {
    "op": 'name="op",allow="*"',
    "dev1": 'name="dev1",spoke="dev1"',
    "py1": 'name="py1",spoke="py*",allow="/py*,/dev1/*,/hub/*,/services/*"',
    "reader": 'name="reader",allow="/services/*,/dev1/fs/stat"',
    "stranger": None,
}


class World:
    """The session's directory, keys, hub and Java spoke."""

    def __init__(self, directory):
        self.dir = directory
        self.keys = {}
        self.hub = None
        self.dev1 = None
        self.root = os.path.join(directory, "root-dev1")

    def make_keys(self):
        lines = []
        for name, options in KEYS.items():
            path = os.path.join(self.dir, name)
            pub = mp.keygen(path, name + "@pytest")
            self.keys[name] = path
            if options is not None:
                lines.append(options + " " + pub)
        with open(os.path.join(self.dir, "authorized_keys"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def url(self, scheme="tcp"):
        return self.hub.url(scheme)

    def connect(self, key="op", scheme="tcp", **kw):
        return callmesh.connect(self.url(scheme), key=self.keys[key], **kw)


@pytest.fixture(scope="session")
def world():
    directory = tempfile.mkdtemp(prefix="callmesh-py-")
    w = World(directory)
    try:
        w.make_keys()
        os.makedirs(w.root)
        with open(os.path.join(w.root, "a.txt"), "w") as f:
            f.write("hello from dev1\n")
        w.hub = mp.Hub(directory).start()
        w.dev1 = mp.spoke(directory, w.url(), "dev1", w.keys["dev1"], w.root)
        yield w
    finally:
        if w.dev1:
            w.dev1.stop()
        if w.hub:
            w.hub.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def op(world):
    """A blocking client as identity op; after the test, nothing it made may be left pending."""
    mesh = world.connect("op")
    yield mesh
    assert mesh.pending() == (0, 0), "calls left pending"
    mesh.close()
