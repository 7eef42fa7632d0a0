"""Fixtures for the serve tests: keys, a server on loopback, and no process left behind.

Everything listens on 127.0.0.1 with an ephemeral port; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

asyncssh = pytest.importorskip("asyncssh")
pytest.importorskip("textual_serve")

import pytest_asyncio  # noqa: E402

from gomemtui.serve.server import GomemServer, ServeOptions  # noqa: E402
from tests.serve.viewer import connect  # noqa: E402


@dataclass
class Keys:
    viewer: object
    presenter: object
    stranger: object
    authorized: Path
    """authorized_keys with the viewer's key."""
    presenter_pub: Path


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    folder = tmp_path_factory.mktemp("keys")
    viewer, presenter, stranger = (asyncssh.generate_private_key("ssh-ed25519") for _ in range(3))
    authorized = folder / "authorized_keys"
    authorized.write_bytes(viewer.export_public_key())
    presenter_pub = folder / "presenter.pub"
    presenter_pub.write_bytes(presenter.export_public_key())
    return Keys(viewer, presenter, stranger, authorized, presenter_pub)


@pytest_asyncio.fixture(loop_scope="session")
async def serve(keys: Keys, tmp_path: Path):
    """start(target="tour", **options) → a running GomemServer on 127.0.0.1 (closed after the test)."""
    servers: list[GomemServer] = []

    async def start(target: str = "tour", **overrides) -> GomemServer:
        options = dict(ssh=("127.0.0.1", 0), authorized_keys=keys.authorized, host_key=tmp_path / "host_key",
                       presenter_keys=(keys.presenter_pub,), idle_timeout=120, stop_grace=2.0,
                       login_timeout=10)
        options.update(overrides)
        server = GomemServer(ServeOptions(target, **options))
        await asyncio.wait_for(server.start(), timeout=60)  # the first one starts the forkserver
        servers.append(server)
        return server

    yield start
    for server in servers:
        await asyncio.wait_for(server.close(), timeout=30)


@pytest_asyncio.fixture(loop_scope="session")
async def ssh():
    """ssh(port, key, **kw) → a client connection (closed after the test)."""
    conns = []

    async def open_conn(port: int, key=None, **kwargs):
        conn = await connect(port, key, **kwargs)
        conns.append(conn)
        return conn

    yield open_conn
    for conn in conns:
        conn.close()
        try:
            await asyncio.wait_for(conn.wait_closed(), timeout=5)
        except (asyncio.TimeoutError, Exception):
            pass


def viewer_processes() -> list[int]:
    """Our descendants that are viewers' apps (named gomemtui-viewer as they start)."""
    me = os.getpid()
    parent: dict[int, int] = {}
    ours: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                name, rest = f.read().decode(errors="replace").split("(", 1)[1].rsplit(")", 1)
            fields = rest.split()
        except (OSError, ValueError, IndexError):
            continue
        parent[int(entry)] = int(fields[1])
        if fields[0] != "Z" and name == "gomemtui-viewer":
            ours.append(int(entry))
    found = []
    for pid in ours:
        up, hops = parent.get(pid), 0
        while up and up != me and hops < 64:
            up, hops = parent.get(up), hops + 1
        if up == me:
            found.append(pid)
    return found


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fail a test that leaves a viewer's app running (and end it)."""
    yield
    deadline = time.monotonic() + 5
    left = viewer_processes()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = viewer_processes()
    for pid in left:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"viewer apps left running: {left}"


@pytest.fixture
def gomemtui_cli(capsys, monkeypatch):
    """gomemtui_cli("serve", ...): runs the CLI in-process, with its output."""
    from gomemtui.cli import main
    from tests.cli.conftest import Result

    for name in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> Result:
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run
