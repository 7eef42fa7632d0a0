"""The browser front (textual-serve): one app process per visitor.

textual-serve serves the page and a web socket; each socket gets its own app process,
started here (not through a shell) with the environment from `environ` (never the
server's own), in a session of its own so that it can be ended whole. Visitors count
against --max-sessions like SSH viewers, and a visitor past the limit is told why (the
page says so; the socket closes with "try again later"). Web visitors are followers.
There is no sign-in on the web side: bind it to an address only your audience reaches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from gomemtui.serve.environ import child_argv, viewer_env
from gomemtui.serve.ptyapp import RESET_TERMINAL
from gomemtui.serve.ssh import fmt_duration

if TYPE_CHECKING:
    from gomemtui.serve.server import GomemServer

__all__ = ["WebFront"]

log = logging.getLogger("gomemtui.serve")


class _VisitorApp(AppService):
    """textual-serve's app service, with our command, environment and a bounded stop."""

    def __init__(self, *args: Any, argv: list[str], env: dict[str, str], cwd: Path, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), *args, **kwargs)
        self._argv = argv
        self._env = env
        self._cwd = cwd
        self.last_activity = time.monotonic()
        """When something last went either way: keys or a resize in, the app's output out."""

    async def send_bytes(self, data: bytes) -> bool:
        self.last_activity = time.monotonic()
        return await super().send_bytes(data)

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.last_activity = time.monotonic()
        await super().set_terminal_size(width, height)

    async def on_data(self, payload: bytes) -> None:
        self.last_activity = time.monotonic()
        await super().on_data(payload)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        theirs = super()._build_environment(width, height)
        env = dict(self._env)
        for name in ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                     "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS"):
            if name in theirs:
                env[name] = theirs[name]
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self._argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment, cwd=str(self._cwd), start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop_within(self, grace: float) -> None:
        """Ask the app to quit; kill its process group after `grace` seconds."""
        try:
            await asyncio.wait_for(self.stop(), timeout=grace)
        except (asyncio.TimeoutError, Exception):
            pass
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), timeout=2)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None


class _Visitor:
    """One visitor's app, as the server's session registry sees it."""

    def __init__(self, front: "WebFront", service: _VisitorApp) -> None:
        self.front = front
        self.service = service
        self.end_reason = ""
        self.done = asyncio.Event()

    async def shutdown(self, reason: str) -> None:
        self.end_reason = reason
        await self.service.stop_within(self.front.server.options.stop_grace)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout=2)


class WebFront(Server):
    """The web listener (a textual-serve Server we run in our own event loop)."""

    def __init__(self, server: "GomemServer", host: str, port: int, public_url: str | None) -> None:
        super().__init__("gomemtui", host=host, port=port, title="gomemtui", public_url=public_url)
        self.server = server
        self.fixed_url = public_url
        self._runner: web.AppRunner | None = None

    # -- listening --------------------------------------------------------------------------------

    async def start(self) -> None:
        app = await self._make_app()
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        infos = await asyncio.get_running_loop().getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM,
                                                                flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        site = web.SockSite(self._runner, sock)
        await site.start()
        self.port = sock.getsockname()[1]

    async def close(self) -> None:
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._runner.cleanup(), timeout=5)
            self._runner = None

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints a logo here; our server logs its own lines)."""

    def _url_for(self, request: web.Request) -> str:
        if self.fixed_url:
            return self.fixed_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        if self.server.limiter.full:
            raise web.HTTPServiceUnavailable(
                text=f"gomemtui: the server is full ({self.server.limiter.limit} viewers at most); "
                     "try again in a while.\n")
        self.public_url = self._url_for(request)
        return await Server.handle_index.__wrapped__(self, request)  # type: ignore[attr-defined]

    # -- one visitor ----------------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        server = self.server
        peer = request.remote or "?"
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        await websocket.prepare(request)
        if server.closing or not server.limiter.acquire():
            why = "the server is shutting down" if server.closing else "the server is full"
            log.info("web visitor from %s, 0.0s, refused: %s", peer, why)
            await websocket.close(code=1013, message=f"gomemtui: {why}; try again later".encode())
            return websocket
        started = time.monotonic()
        home = server.new_home()
        visitor: _Visitor | None = None
        outcome = "left"
        try:
            width = _to_int(request.query.get("width"), 80)
            height = _to_int(request.query.get("height"), 24)
            env = viewer_env(term="xterm-256color", client_env={}, home=home, kind="web", fps=None,
                             sync=server.hub_path, role="follower", who=f"web {peer}",
                             scenarios=server.served.files, runtime_env=server.runtime_env)
            service = _VisitorApp(
                argv=child_argv(server.served.files), env=env, cwd=home,
                write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
                download_manager=self.download_manager, debug=False,
            )
            visitor = _Visitor(self, service)
            server.sessions.add(visitor)
            await service.start(width, height)
            idle = asyncio.get_running_loop().create_task(self._idle_watch(visitor, websocket))
            try:
                await self._process_messages(websocket, service)
            finally:
                idle.cancel()
                await service.stop_within(server.options.stop_grace)
            if visitor.end_reason:
                outcome = visitor.end_reason
        except asyncio.CancelledError:
            outcome = "cancelled"
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception as exc:
            outcome = f"failed: {type(exc).__name__}: {exc}"
            log.exception("web visitor from %s failed", peer)
        finally:
            if visitor is not None:
                visitor.done.set()
                server.sessions.discard(visitor)
                with contextlib.suppress(Exception):
                    await visitor.service.stop_within(0.5)
            server.limiter.release()
            shutil.rmtree(home, ignore_errors=True)
            log.info("web visitor from %s, %s, %s", peer, fmt_duration(time.monotonic() - started), outcome)
        return websocket


    async def _idle_watch(self, visitor: _Visitor, websocket: web.WebSocketResponse) -> None:
        """Close a visitor's app after --idle-timeout with nothing sent either way (as over SSH)."""
        limit = self.server.options.idle_timeout
        if not limit or limit <= 0:
            return
        period = max(0.05, min(5.0, limit / 4))
        while not websocket.closed:
            await asyncio.sleep(period)
            if time.monotonic() - visitor.service.last_activity > limit:
                visitor.end_reason = f"closed after {fmt_duration(limit)} without activity"
                # Say why on the page's terminal and in the close frame, then end the app
                # (whose exit would otherwise close the socket without a word).
                with contextlib.suppress(Exception):
                    await websocket.send_bytes(RESET_TERMINAL + f"\r\ngomemtui: {visitor.end_reason}. Bye.\r\n".encode())
                    await websocket.close(code=1000, message=f"gomemtui: {visitor.end_reason}".encode()[:120])
                await visitor.service.stop_within(self.server.options.stop_grace)
                return


def _to_int(value: str | None, default: int) -> int:
    try:
        return max(1, min(int(value or default), 1000))
    except ValueError:
        return default
