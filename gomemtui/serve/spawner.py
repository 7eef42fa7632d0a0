"""The server's side of the zygote (`gomemtui.serve.zygote`): spawn viewers' apps warm.

`Zygote.start()` launches the zygote and waits until it has imported everything;
`spawn()` hands it a PTY slave and gets a `ForkedProcess` back, which looks enough like
an asyncio subprocess (pid, returncode, wait, send_signal) for `PtyApp`. If the zygote
cannot be started or dies, the server logs it and starts apps the plain way instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Mapping, Sequence

import gomemtui
from gomemtui.serve.zygote import MAX_MESSAGE, SINGLE_THREAD_ENV

__all__ = ["Zygote", "ForkedProcess"]

log = logging.getLogger("gomemtui.serve")


class ForkedProcess:
    """A child of the zygote, as PtyApp sees it."""

    def __init__(self, pid: int, exited: asyncio.Future) -> None:
        self.pid = pid
        self._exited = exited

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def gone(self, status: int = -1) -> None:
        """The process is known to be gone though the zygote did not say (it died)."""
        if not self._exited.done():
            self._exited.set_result(status)


class Zygote:
    """The warm forking process."""

    def __init__(self, start_timeout: float = 60.0) -> None:
        self.start_timeout = start_timeout
        self.process: asyncio.subprocess.Process | None = None
        self.sock: socket.socket | None = None
        self.alive = False
        self._next_id = 0
        self._spawns: dict[int, asyncio.Future] = {}
        self._children: dict[int, ForkedProcess] = {}
        self._early_exits: dict[int, int] = {}
        self._reader: asyncio.Task | None = None

    async def start(self) -> bool:
        """Start it and wait until it is warm; False (logged) if it cannot be had."""
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.defpath, "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
               "PYTHONPATH": str(Path(gomemtui.__file__).resolve().parent.parent), **SINGLE_THREAD_ENV}
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "gomemtui.serve.zygote", str(theirs.fileno()),
                pass_fds=(theirs.fileno(),), env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=None, start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            theirs.close()
            log.warning("cannot start the app preloader (%s); apps start the slow way", exc)
            return False
        theirs.close()
        ours.setblocking(False)
        self.sock = ours
        try:
            data = await asyncio.wait_for(loop.sock_recv(ours, MAX_MESSAGE), timeout=self.start_timeout)
            ready = json.loads(data).get("ready") if data else False
        except (asyncio.TimeoutError, OSError, ValueError):
            ready = False
        if not ready:
            log.warning("the app preloader did not start; apps start the slow way")
            await self.close()
            return False
        self.alive = True
        self._reader = loop.create_task(self._read())
        return True

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        assert self.sock is not None
        try:
            while True:
                data = await loop.sock_recv(self.sock, MAX_MESSAGE)
                if not data:
                    break
                try:
                    message = json.loads(data)
                except ValueError:
                    continue
                if "exited" in message:
                    pid = int(message["exited"])
                    child = self._children.pop(pid, None)
                    if child is not None:
                        child.gone(int(message.get("status", -1)))
                    else:
                        self._early_exits[pid] = int(message.get("status", -1))
                elif "pid" in message and message.get("id") in self._spawns:
                    future = self._spawns.pop(message["id"])
                    if not future.done():
                        future.set_result(int(message["pid"]))
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            if self.alive:
                self.alive = False
                if self.process is not None and self.process.returncode is None:
                    log.warning("the app preloader stopped answering; apps start the slow way")
            for future in self._spawns.values():
                if not future.done():
                    future.set_exception(OSError("the app preloader is gone"))
            self._spawns.clear()

    async def spawn(self, args: Sequence[str], env: Mapping[str, str], cwd: Path, slave: int) -> ForkedProcess:
        """Fork an app on the PTY `slave`; OSError if the zygote cannot."""
        if not self.alive or self.sock is None:
            raise OSError("the app preloader is not running")
        loop = asyncio.get_running_loop()
        self._next_id += 1
        ident = self._next_id
        future: asyncio.Future = loop.create_future()
        self._spawns[ident] = future
        request = json.dumps({"id": ident, "args": list(args), "env": dict(env), "cwd": str(cwd)}).encode()
        try:
            socket.send_fds(self.sock, [request], [slave])
        except OSError:
            self._spawns.pop(ident, None)
            raise
        pid = await asyncio.wait_for(future, timeout=10)
        exited: asyncio.Future = loop.create_future()
        child = ForkedProcess(pid, exited)
        if pid in self._early_exits:
            child.gone(self._early_exits.pop(pid))
        else:
            self._children[pid] = child
        return child

    def forget(self, child: ForkedProcess) -> None:
        self._children.pop(child.pid, None)

    async def close(self) -> None:
        """Let the zygote end its children and exit (killed if it does not)."""
        self.alive = False
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            self.sock = None
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
            self._reader = None
        process = self.process
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), timeout=6)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(process.wait(), timeout=2)
        for child in list(self._children.values()):
            child.gone()
        self._children.clear()
