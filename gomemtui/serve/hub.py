"""The sync hub: relays the presenter's position to the followers (protocol in `gomemtui.sync`).

It listens on a Unix socket that only this user can open (0600 in a 0700 directory):
the viewers' app processes, which `gomemtui serve` starts, and the presenter's own local
app (`GOMEMTUI_SYNC=PATH GOMEMTUI_ROLE=presenter gomemtui SCENARIO`). Viewers cannot
reach it: they get no shell, only their app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gomemtui.sync import MAX_LINE, PresenterState, ProtocolError, decode, encode

__all__ = ["SyncHub", "HubError"]

log = logging.getLogger("gomemtui.serve")

MAX_BUFFERED = 4 << 20
"""A client that lets this much pile up unread is dropped."""


class HubError(RuntimeError):
    """The hub's socket cannot be made."""


@dataclass(eq=False)
class _Client:
    writer: asyncio.StreamWriter
    role: str = "follower"
    who: str = ""

    def send(self, message: dict[str, object]) -> bool:
        if self.writer.is_closing():
            return False
        transport = self.writer.transport
        if transport.get_write_buffer_size() > MAX_BUFFERED:
            self.writer.close()
            return False
        self.writer.write(encode(message))
        return True


@dataclass
class SyncHub:
    """The relay. `await start()`, then `path` is the socket; `await close()` at the end."""

    path: Path
    state: PresenterState | None = None
    """The newest presenter position (kept when presenters leave, for the next one)."""
    clients: set[_Client] = field(default_factory=set)
    _server: asyncio.AbstractServer | None = None
    _tasks: set[asyncio.Task] = field(default_factory=set)

    @property
    def presenters(self) -> int:
        return sum(1 for c in self.clients if c.role == "presenter")

    async def start(self) -> None:
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() or path.is_symlink():
            if not stat.S_ISSOCK(path.lstat().st_mode):
                raise HubError(f"{path}: exists and is not a socket; not touching it")
            if _socket_alive(path):
                raise HubError(f"{path}: another gomemtui serve is using this sync socket")
            path.unlink()
        old_umask = os.umask(0o177)
        try:
            self._server = await asyncio.start_unix_server(self._serve, path=str(path), limit=MAX_LINE)
        except OSError as exc:
            raise HubError(f"{path}: cannot listen: {exc.strerror or exc}") from None
        finally:
            os.umask(old_umask)
        os.chmod(path, 0o600)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for client in list(self.clients):
            client.writer.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2)
        with contextlib.suppress(OSError):
            if self.path.exists() and stat.S_ISSOCK(self.path.lstat().st_mode):
                self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        client = _Client(writer)
        try:
            hello = decode(await asyncio.wait_for(reader.readline(), timeout=10))
            if hello.get("type") != "hello":
                return
            client.role = "presenter" if hello.get("role") == "presenter" else "follower"
            client.who = str(hello.get("who", ""))[:80]
            self.clients.add(client)
            presenters = self.presenters
            shown = self.state if (client.role == "presenter" or presenters) else None
            client.send({"type": "welcome", "presenters": presenters,
                         "state": shown.to_wire() if shown is not None else None})
            if client.role == "presenter":
                log.info("presenter %s joined the sync hub", client.who or "(local)")
                if presenters == 1:
                    self._broadcast({"type": "presenter", "present": True}, skip=client)
            while line := await reader.readline():
                message = decode(line)
                if client.role == "presenter" and message.get("type") == "state":
                    self.state = PresenterState.from_wire(message.get("state"))
                    self._broadcast({"type": "state", "state": self.state.to_wire()}, skip=client,
                                    followers_only=True)
        except (ProtocolError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError,
                asyncio.LimitOverrunError, ValueError):
            pass
        except asyncio.CancelledError:
            raise
        finally:
            was_here = client in self.clients
            self.clients.discard(client)
            writer.close()
            if was_here and client.role == "presenter":
                log.info("presenter %s left the sync hub", client.who or "(local)")
                if not self.presenters:
                    self._broadcast({"type": "presenter", "present": False})
            if task is not None:
                self._tasks.discard(task)

    def _broadcast(self, message: dict[str, object], *, skip: _Client | None = None,
                   followers_only: bool = False) -> None:
        for client in list(self.clients):
            if client is skip or (followers_only and client.role != "follower"):
                continue
            if not client.send(message):
                self.clients.discard(client)


def _socket_alive(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(str(path))
        except OSError:
            return False
        return True
