"""An app process on a pseudo-terminal of its own, driven from asyncio.

The process is a session leader with the PTY as its controlling terminal (it takes it
as it starts, `gomemtui.serve.viewers`), so a window-size change (TIOCSWINSZ) reaches it as
SIGWINCH. Bytes go both ways untouched (binary-safe). Output is read only while the
consumer accepts it (`pause_output`/`resume_output`), so a slow viewer slows their own
app instead of filling the server's memory. `stop` asks the app to quit (SIGTERM, which
the app turns into a clean exit that restores the terminal), then kills its process
group if it is still there.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import signal
import struct
import termios
import time
from typing import TYPE_CHECKING, Awaitable, Callable

if TYPE_CHECKING:
    from gomemtui.serve.viewers import ViewerProcess

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "PtyApp", "clamp_size"]

MAX_PENDING_INPUT = 64 * 1024
"""Input not yet taken by the app beyond this is dropped (a runaway paste)."""

RESET_TERMINAL = (b"\x1b[0m\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l"
                  b"\x1b[?1004l\x1b[?25h\x1b[?1049l")
"""Mouse and paste modes off, cursor shown, main screen back: sent after an app that was killed."""


MAX_COLUMNS = 1000
MAX_ROWS = 500
"""The largest window a viewer's app is given (SSH and web alike): a bigger one costs the
server memory and CPU in that app's every frame, and shows nothing more on any real screen."""


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """(columns, rows) within 1..MAX_COLUMNS and 1..MAX_ROWS; 0 (unknown) gives 80×24."""
    return max(1, min(cols or 80, MAX_COLUMNS)), max(1, min(rows or 24, MAX_ROWS))


def _winsize(cols: int, rows: int, px_w: int = 0, px_h: int = 0) -> bytes:
    """A `struct winsize`; its four fields are unsigned shorts, so pixel sizes are clamped too."""
    cols, rows = clamp_size(cols, rows)
    return struct.pack("HHHH", rows, cols, max(0, min(px_w, 0xFFFF)), max(0, min(px_h, 0xFFFF)))


class PtyApp:
    """One app process on its own PTY.

    Args:
        size: (columns, rows) at start.
        on_output: Called with each chunk of output bytes.
    """

    def __init__(self, size: tuple[int, int], on_output: Callable[[bytes], None]) -> None:
        self.size = size
        self.on_output = on_output
        self.process: ViewerProcess | None = None
        """The app's process, once started."""
        self.master: int | None = None
        self.last_activity = time.monotonic()
        """When bytes last went either way."""
        self.killed = False
        """The app had to be killed (it did not quit when asked)."""
        self._eof = asyncio.Event()
        self._reading = False
        self._paused = False
        self._pending = bytearray()
        self._loop = asyncio.get_running_loop()

    async def start(self, launch: Callable[[int], Awaitable[ViewerProcess]]) -> None:
        """Open the PTY and start the app on its slave end: `launch(slave)` (see `viewers`)."""
        master, slave = pty.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, _winsize(*self.size))
            self.process = await launch(slave)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self._start_reading()

    # -- output ------------------------------------------------------------------------------

    def _start_reading(self) -> None:
        if self.master is not None and not self._reading and not self._paused and not self._eof.is_set():
            self._loop.add_reader(self.master, self._readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading and self.master is not None:
            self._loop.remove_reader(self.master)
        self._reading = False

    def _readable(self) -> None:
        assert self.master is not None
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the PTY has gone
            data = b""
        if not data:
            self._stop_reading()
            self._eof.set()
            return
        self.last_activity = time.monotonic()
        self.on_output(data)

    def pause_output(self) -> None:
        """Stop reading the app's output (the viewer's link is full)."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._start_reading()

    # -- input and size ----------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send the viewer's bytes to the app, as typed."""
        if self.master is None or self._eof.is_set() or not data:
            return
        self.last_activity = time.monotonic()
        if len(self._pending) + len(data) > MAX_PENDING_INPUT:
            return
        had_pending = bool(self._pending)
        self._pending += data
        if not had_pending:
            self._flush_input()

    def _flush_input(self) -> None:
        if self.master is None:
            return
        try:
            while self._pending:
                written = os.write(self.master, self._pending)
                del self._pending[:written]
        except BlockingIOError:
            self._loop.add_writer(self.master, self._writable)
            return
        except OSError:
            self._pending.clear()
        self._loop.remove_writer(self.master)

    def _writable(self) -> None:
        self._flush_input()

    def resize(self, cols: int, rows: int, px_w: int = 0, px_h: int = 0) -> None:
        """Set the PTY's window size; the kernel signals SIGWINCH to the app."""
        if self.master is None or self._eof.is_set():
            return
        self.size = clamp_size(cols, rows)
        with contextlib.suppress(OSError):
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, _winsize(cols, rows, px_w, px_h))
        # If the app could not take the PTY as its controlling terminal, tell it ourselves.
        process = self.process
        if process is not None and process.returncode is None:
            try:
                if os.tcgetpgrp(self.master) != process.pid:
                    os.kill(process.pid, signal.SIGWINCH)
            except OSError:
                pass

    # -- end -----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def wait(self) -> int:
        """Wait for the app to exit and its last output to be read; its exit status."""
        process = self.process
        assert process is not None
        exit_task = asyncio.ensure_future(process.wait())
        eof_task = asyncio.ensure_future(self._eof.wait())
        try:
            done, _ = await asyncio.wait({exit_task, eof_task}, return_when=asyncio.FIRST_COMPLETED)
            if exit_task in done:
                with contextlib.suppress(asyncio.TimeoutError):
                    # The output it wrote before exiting is still in the PTY (unless paused).
                    await asyncio.wait_for(asyncio.shield(eof_task), timeout=0.5 if not self._paused else 0.05)
            else:
                # Its output ended (it closed the terminal): its exit status follows at once,
                # unless whoever should report it is gone.
                try:
                    await asyncio.wait_for(asyncio.shield(exit_task), timeout=3)
                except asyncio.TimeoutError:
                    await self.stop(0.5)
            status = await exit_task
        finally:
            eof_task.cancel()
        self._close()
        return status

    async def stop(self, grace: float = 3.0) -> None:
        """Ask the app to quit (SIGTERM); kill it after `grace` seconds."""
        process = self.process
        if process is None or process.returncode is not None:
            self._close()
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except asyncio.TimeoutError:
            self.killed = True
            process.kill()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), timeout=2.0)

    def _close(self) -> None:
        self._stop_reading()
        if self.master is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_writer(self.master)
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = None
        self._eof.set()
