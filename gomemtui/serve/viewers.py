"""Viewers' app processes, forked warm by the standard library's forkserver.

A viewer's app needs Textual and the simulated runtime (numpy, scipy): about 3 s of CPU
to import, per viewer; with a room of viewers joining at once on a small machine, the
last would wait half a minute. So the apps start from `multiprocessing`'s forkserver,
which imports all that once (`PRELOAD`) and then forks one child per viewer: a child
only builds its app (shown as `gomemtui-viewer` by ps and top).

A child gets its terminal as file descriptors passed when it starts (SCM_RIGHTS, through
`multiprocessing.reduction.DupFd`): a PTY's slave end (SSH), which becomes the
controlling terminal of the child's own session so that resizes signal it, or a pair of
pipes (web, textual-serve's protocol). It takes exactly the environment it is given
(`gomemtui.sync.ViewerConfig.to_env`), in its private home. The forkserver itself is
started from a minimal environment, so nothing of the server's variables is in a viewer's
process at all (not even in /proc/PID/environ, which shows what the forkserver started with).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import sys
import termios
from functools import cache
from multiprocessing import forkserver, get_context, reduction
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import gomemtui
from gomemtui.serve import child
from gomemtui.serve.compare_session import CompareRequest
from gomemtui.sync import ViewerConfig

__all__ = ["ViewerProcess", "spawn", "start_viewer", "warm", "PRELOAD"]

PRELOAD = [
    "scipy.sparse.csgraph",  # the core imports it at the first GC
    "textual.app", "textual.constants", "textual.screen", "textual.drivers.linux_driver",
    "textual.drivers.web_driver", "gomemtui.runtime.timeline", "gomemtui.scenario.checker",
    "gomemtui.scenario.compiler", "gomemtui.ui.commands", "gomemtui.ui.app", "gomemtui.ui.screens.main",
    "gomemtui.serve.viewers",
]
"""What the forkserver imports once, before it forks any app."""

SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "NUMEXPR_NUM_THREADS": "1"}
"""So that numpy and scipy start no thread pool in the forkserver (which forks)."""

_CONTEXT = get_context("forkserver")


@cache
def _start_forkserver() -> None:
    """Start the forkserver (once) with `PRELOAD`, from a minimal environment."""
    _CONTEXT.set_forkserver_preload(PRELOAD)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({"PATH": os.defpath, "LANG": "C.UTF-8", **SINGLE_THREAD_ENV,
                       "PYTHONPATH": str(Path(gomemtui.__file__).resolve().parent.parent)})
    try:
        forkserver.ensure_running()
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _PassedFd:
    """A file descriptor handed to the child as it starts (pickled as `reduction.DupFd`)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Callable[[Any], int], tuple[Any]]:
        return _received_fd, (reduction.DupFd(self.fd),)


def _received_fd(dup: Any) -> int:
    return int(dup.detach())


class ViewerProcess:
    """A running app process, for asyncio: its pid, its exit status, signals."""

    def __init__(self, process: BaseProcess) -> None:
        self._process = process
        self.pid: int = process.pid or 0
        self._loop = asyncio.get_running_loop()
        self._exited: asyncio.Future[int] = self._loop.create_future()
        self._loop.add_reader(process.sentinel, self._on_exit)

    def _on_exit(self) -> None:
        self._loop.remove_reader(self._process.sentinel)
        code = self._process.exitcode  # ready: the forkserver has written it
        self._process.close()
        if not self._exited.done():
            self._exited.set_result(code if code is not None else -1)

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the app's whole session (its process group)."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)


async def spawn(target: Callable[..., object], args: Sequence[object], *, stdio: Sequence[int],
                env: Mapping[str, str], cwd: Path, terminal: bool) -> ViewerProcess:
    """Fork `target(*args)` from the forkserver, on `stdio` as its fds 0, 1 (and 2: else the server's).

    `terminal`: stdio[0] is a PTY's slave end, to become the controlling terminal.
    """
    _start_forkserver()
    process = _CONTEXT.Process(target=_in_child, name="gomemtui-viewer", daemon=True,
                               args=(target, tuple(args), tuple(_PassedFd(fd) for fd in stdio),
                                     dict(env), str(cwd), terminal))
    await asyncio.to_thread(process.start)
    return ViewerProcess(process)


async def start_viewer(config: ViewerConfig, files: tuple[Path, ...], start: Path | None, *,
                       stdio: Sequence[int], terminal: bool,
                       extra_env: Mapping[str, str] | None = None,
                       compare: CompareRequest | None = None) -> ViewerProcess:
    """A viewer's app (`gomemtui.serve.child.run_app`) over `files`, opening `start` if given
    (or the split view of `compare`)."""
    env = {**config.to_env(), **(extra_env or {})}
    return await spawn(child.run_app, (files, start, compare), stdio=stdio, env=env, cwd=Path(config.home),
                       terminal=terminal)


async def warm() -> None:
    """Start the forkserver and wait until it has imported `PRELOAD` (a few seconds, once)."""
    _start_forkserver()
    process = _CONTEXT.Process(target=int, daemon=True)
    await asyncio.to_thread(process.start)
    await asyncio.to_thread(process.join)
    process.close()


def _in_child(target: Callable[..., object], args: tuple[object, ...], stdio: tuple[int, ...],
              env: dict[str, str], cwd: str, terminal: bool) -> None:
    """In the forked child: a session of its own on the given fds, in the given environment."""
    os.setsid()
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:  # what ps and top show
        comm.write("gomemtui-viewer")
    if terminal:
        with contextlib.suppress(OSError):
            fcntl.ioctl(stdio[0], termios.TIOCSCTTY, 0)
    for number, fd in enumerate(stdio):
        os.dup2(fd, number)
    for fd in set(stdio) - {0, 1, 2}:
        os.close(fd)
    # multiprocessing closed stdin; the app's terminal is on fds 0-2 now.
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # type: ignore[misc]
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8",  # type: ignore[misc]
                                       errors="backslashreplace", closefd=False)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    code = target(*args)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code if isinstance(code, int) else None)
