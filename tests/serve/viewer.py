"""Test helpers: an SSH viewer with a PTY that records what the app draws."""

from __future__ import annotations

import asyncio
import re
import time

import asyncssh

ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")
"""Escape sequences (CSI, OSC, DCS, two-byte)."""

KEYS = {"right": b"\x1b[C", "left": b"\x1b[D", "space": b" ", "tab": b"\t", "escape": b"\x1b"}


class Viewer(asyncssh.SSHClientSession):
    """The client side of one session: every byte received, and the text in it."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.changed = asyncio.Event()
        self.closed = asyncio.Event()
        self.chan: asyncssh.SSHClientChannel | None = None
        self.conn: asyncssh.SSHClientConnection | None = None

    def connection_made(self, chan) -> None:
        self.chan = chan

    def data_received(self, data: bytes, datatype) -> None:
        self.out.extend(data)
        self.changed.set()

    def connection_lost(self, exc) -> None:
        self.closed.set()
        self.changed.set()

    # -- reading -----------------------------------------------------------------------------

    def text(self, since: int = 0) -> str:
        """What was drawn (escape sequences removed) from byte offset `since`."""
        return ANSI.sub(b"", bytes(self.out[since:])).decode("utf-8", "replace")

    @property
    def mark(self) -> int:
        return len(self.out)

    async def wait_for(self, pattern: str, *, since: int = 0, timeout: float = 15.0) -> re.Match[str]:
        """Wait until `pattern` (a regex) shows in the output after `since`."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text(since))
            if match:
                return match
            left = deadline - time.monotonic()
            if left <= 0 or self.closed.is_set() and not regex.search(self.text(since)):
                tail = self.text(since)[-600:]
                raise AssertionError(f"{pattern!r} not shown within {timeout}s (closed={self.closed.is_set()}); "
                                     f"last text: {tail!r}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), timeout=min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def wait_quiet(self, quiet: float = 0.4, timeout: float = 5.0) -> None:
        """Wait until nothing has arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            size = len(self.out)
            await asyncio.sleep(quiet)
            if len(self.out) == size:
                return

    # -- acting --------------------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        assert self.chan is not None
        for key in keys:
            self.chan.write(KEYS.get(key, key.encode()))

    async def closed_with(self, timeout: float = 10.0) -> int | None:
        """Wait for the session to end; its exit status."""
        assert self.chan is not None
        await asyncio.wait_for(self.chan.wait_closed(), timeout=timeout)
        return self.chan.get_exit_status()


class AnonymousClient(asyncssh.SSHClient):
    """A client that tries keyboard-interactive sign-in with no answers (as `ssh` does)."""

    def kbdint_auth_requested(self) -> str:
        return ""

    def kbdint_challenge_received(self, name, instructions, lang, prompts):
        return [""] * len(prompts)


async def connect(port: int, key=None, *, username: str = "viewer", password: str | None = None,
                  timeout: float = 10.0, **kwargs) -> asyncssh.SSHClientConnection:
    """An SSH connection to the test server on 127.0.0.1 (host key not checked)."""
    options = dict(username=username, known_hosts=None, client_keys=[key] if key is not None else [],
                   agent_path=None, password=password, preferred_auth=kwargs.pop("preferred_auth", None)
                   or "publickey,keyboard-interactive,password", config=None, connect_timeout=timeout)
    options.update(kwargs)
    return await asyncio.wait_for(asyncssh.connect("127.0.0.1", port, **options), timeout=timeout)


async def open_viewer(conn: asyncssh.SSHClientConnection, *, size: tuple[int, int] = (80, 24),
                      term: str = "xterm-256color", command: str | None = None,
                      env: dict[str, str] | None = None, pty: bool = True) -> Viewer:
    """A session with a PTY of `size` (columns, rows) on `conn`."""
    kwargs: dict = dict(encoding=None, env=env or {})
    if pty:
        kwargs.update(term_type=term, term_size=size)
    _chan, viewer = await asyncio.wait_for(conn.create_session(Viewer, command, **kwargs), timeout=10)
    viewer.conn = conn
    return viewer
