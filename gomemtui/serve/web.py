"""The browser front (textual-serve): one app process per visitor.

textual-serve gives the page, its scripts and the app side of its protocol (`AppService`:
what the app sends back, downloads included); this front decides who gets an app and
starts it as SSH viewers' apps are started (`gomemtui.serve.viewers`: forked warm, in a
session of its own, with its own environment, never the server's), on a pair of pipes
for Textual's web driver. It uses textual-serve's public API only: the `Server`
constructor, attributes and request handlers, and `AppService`'s public methods.

Visitors count against --max-sessions like SSH viewers, and a visitor past the limit is
told why (the page says so; the socket closes with "try again later"); an idle visitor's
app is closed as over SSH. Web visitors are followers. There is no sign-in on the web
side: bind it to an address only your audience reaches.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import socket
import time
from importlib.metadata import version
from pathlib import Path
from typing import Literal

import aiohttp_jinja2
import jinja2
from aiohttp import WSMessage, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from gomemtui.serve.child import CRASH_MESSAGE, read_crash
from gomemtui.serve.host import Host
from gomemtui.serve.ptyapp import RESET_TERMINAL, clamp_size
from gomemtui.serve.viewers import ViewerProcess, start_viewer
from gomemtui.sync import ViewerConfig
from gomemtui.units import format_duration

__all__ = ["WebFront"]

log = logging.getLogger("gomemtui.serve")

PRELUDE = b"__GANGLION__\n"
"""What Textual's web driver writes first."""

MAX_LOGGED_MALFORMED = 10
"""Malformed messages logged (one line each) per visit; the rest are only counted."""


class MalformedMessage(ValueError):
    """A websocket message that is not what textual-serve's page sends."""


class _VisitorApp(AppService):
    """One visitor's app: started by us, spoken to in textual-serve's packets."""

    def __init__(self, front: WebFront, websocket: web.WebSocketResponse, who: str) -> None:
        async def close() -> None:
            await websocket.close()

        super().__init__("gomemtui", write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                         close=close, download_manager=front.download_manager)
        self.front = front
        self.who = who
        self.process: ViewerProcess | None = None
        self.home: Path | None = None
        """The app's private folder (removed when the visitor leaves)."""
        self.end_reason = ""
        self.malformed = 0
        """Malformed messages received from the page."""
        self.crashed = False
        """The app stopped on an unhandled exception (the visitor was told, the server's log has it)."""
        self._reported = False
        self.last_activity = time.monotonic()
        """When something last went either way: keys or a resize in, the app's output out."""
        self.done = asyncio.Event()
        self._pipe: asyncio.StreamWriter | None = None
        self._output: asyncio.StreamReader | None = None
        self._output_transport: asyncio.ReadTransport | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self, width: int, height: int) -> None:
        host = self.front.shared
        self.home = host.new_home()
        config = host.viewer_config(self.home, ViewerConfig(served="web", who=self.who, term="xterm-256color",
                                                            color_system="truecolor"))
        web_driver = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "TEXTUAL_FPS": "60",
                      "TERM_PROGRAM": "textual", "TERM_PROGRAM_VERSION": version("textual-serve"),
                      "COLUMNS": str(width), "ROWS": str(height)}
        app_in, ours_in = os.pipe()
        ours_out, app_out = os.pipe()
        try:
            self.process = await start_viewer(config, host.served.files, None, stdio=(app_in, app_out),
                                              terminal=False, extra_env=web_driver)
        except BaseException:
            os.close(ours_in)
            os.close(ours_out)
            raise
        finally:
            os.close(app_in)
            os.close(app_out)
        loop = asyncio.get_running_loop()
        self._output = output = asyncio.StreamReader(limit=1 << 22)
        self._output_transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(output),
                                                                 open(ours_out, "rb", 0))
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, open(ours_in, "wb", 0))
        self._pipe = asyncio.StreamWriter(transport, protocol, None, loop)
        self._reader = asyncio.create_task(self.run())

    async def run(self) -> None:
        """Hand the app's packets to textual-serve's handlers until it ends."""
        output = self._output
        assert output is not None
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        try:
            while (line := await output.readline()) and line != PRELUDE:
                pass
            while True:
                kind = await output.readexactly(1)
                size = int.from_bytes(await output.readexactly(4), "big")
                payload = await output.readexactly(size)
                handler = handlers.get(kind)
                if handler is not None:
                    await handler(payload)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        # Its output ended: the app exited, or died without a word (killed, a crash before
        # Textual's driver ran); tell the page if it crashed, and close the visit.
        if self.process is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.process.wait(), timeout=2)
        await self.report_crash()
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def _send(self, kind: Literal[b"D", b"M"], payload: bytes) -> bool:
        if self._pipe is None or self._pipe.is_closing():
            return False
        try:
            self._pipe.write(self.encode_packet(kind, payload))
            await self._pipe.drain()
        except (ConnectionError, RuntimeError):
            return False
        return True

    async def send_bytes(self, data: bytes) -> bool:
        self.last_activity = time.monotonic()
        return await self._send(b"D", data)

    async def send_meta(self, data: dict[str, str | None | int | bool]) -> bool:
        return await self._send(b"M", json.dumps(data).encode())

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Resize the app, within the sizes an SSH viewer may ask for (`ptyapp.clamp_size`)."""
        self.last_activity = time.monotonic()
        await super().set_terminal_size(*clamp_size(width, height))

    async def on_data(self, payload: bytes) -> None:
        self.last_activity = time.monotonic()
        await super().on_data(payload)

    async def on_meta(self, data: bytes) -> None:
        """As textual-serve's, but when the app exits, its crash (if any) is reported first."""
        with contextlib.suppress(ValueError):
            meta = json.loads(data)
            if isinstance(meta, dict) and meta.get("type") == "exit" and self.process is not None:
                # The app writes its crash report after it has told the page it exits.
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.process.wait(), timeout=2)
                await self.report_crash()
        await super().on_meta(data)

    async def report_crash(self) -> None:
        """Log what the app wrote to stderr (its crash report); tell the visitor if it crashed (once)."""
        process = self.process
        if self._reported or self.home is None or process is None or process.returncode is None:
            return
        self._reported = True
        report = read_crash(self.home)
        if report is None:
            return
        status = process.returncode
        log.error("%s: the app %s:\n%s", self.who.replace("web ", "web visitor from ", 1),
                  "failed" if status else "wrote to stderr", report)
        if status:
            self.crashed = True
            with contextlib.suppress(Exception):
                await self.remote_write_bytes(RESET_TERMINAL + f"\r\n{CRASH_MESSAGE}\r\n".encode())

    async def stop(self) -> None:
        """Ask the app to quit and wait for its output to end."""
        await self.front.download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        if self._reader is not None:
            await self._reader

    async def stop_within(self, grace: float) -> None:
        """Ask the app to quit; kill its session after `grace` seconds."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), timeout=grace)
        process = self.process
        if process is not None and process.returncode is None:
            process.kill()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), timeout=2)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        if self._pipe is not None:
            self._pipe.close()
        if self._output_transport is not None:
            self._output_transport.close()

    async def shutdown(self, reason: str) -> None:
        """End the app for the server's stop."""
        self.end_reason = reason
        await self.stop_within(self.front.shared.options.stop_grace)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout=2)


class WebFront(Server):
    """The web listener (a textual-serve Server run in our own event loop)."""

    def __init__(self, host: Host, address: str, port: int) -> None:
        public_url = host.options.public_url
        super().__init__("gomemtui", host=address, port=port, title="gomemtui", public_url=public_url)
        self.shared = host
        """What the server shares with its fronts (`self.host` is textual-serve's: the address)."""
        self.fixed_url = public_url
        self._runner: web.AppRunner | None = None

    # -- listening --------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
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
        await web.SockSite(self._runner, sock).start()
        self.port = sock.getsockname()[1]

    async def close(self) -> None:
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._runner.cleanup(), timeout=5)
            self._runner = None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.shared.full:
            raise web.HTTPServiceUnavailable(
                text=f"gomemtui: the server is full ({self.shared.options.max_sessions} viewers at most); "
                     "try again in a while.\n")
        # The page's socket URL is the address the visitor reached (unless --public-url).
        self.public_url = self.fixed_url.rstrip("/") if self.fixed_url else f"{request.scheme}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        return response

    # -- one visitor ----------------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        host = self.shared
        peer = request.remote or "?"
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        await websocket.prepare(request)
        if host.closing or not host.acquire():
            why = "the server is shutting down" if host.closing else "the server is full"
            log.info("web visitor from %s, 0.0s, refused: %s", peer, why)
            await websocket.close(code=1013, message=f"gomemtui: {why}; try again later".encode())
            return websocket
        started = time.monotonic()
        visitor = _VisitorApp(self, websocket, f"web {peer}")
        outcome = "left"
        try:
            host.sessions.add(visitor)
            await visitor.start(*clamp_size(_to_int(request.query.get("width"), 80),
                                            _to_int(request.query.get("height"), 24)))
            idle = asyncio.get_running_loop().create_task(self._idle_watch(visitor, websocket))
            try:
                await self._messages(websocket, visitor)
            finally:
                idle.cancel()
                await visitor.stop_within(host.options.stop_grace)
            status = visitor.process.returncode if visitor.process is not None else None
            await visitor.report_crash()
            outcome = visitor.end_reason or ("crashed" if visitor.crashed else f"exit {status}" if status else outcome)
        except asyncio.CancelledError:
            outcome = "cancelled"
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception as exc:
            outcome = f"failed: {type(exc).__name__}: {exc}"
            log.exception("web visitor from %s failed", peer)
        finally:
            visitor.done.set()
            host.sessions.discard(visitor)
            with contextlib.suppress(Exception):
                await visitor.stop_within(0.5)
            host.release()
            if visitor.home is not None:
                shutil.rmtree(visitor.home, ignore_errors=True)
            if visitor.malformed:
                outcome += f" ({visitor.malformed} malformed message{'s' if visitor.malformed != 1 else ''})"
            log.info("web visitor from %s, %s, %s", peer, format_duration(time.monotonic() - started), outcome)
        return websocket

    async def _messages(self, websocket: web.WebSocketResponse, visitor: _VisitorApp) -> None:
        """What the page sends: keys, resizes, focus, pings.

        A message that is not one of these, well formed, is skipped and logged in one line
        (the first `MAX_LOGGED_MALFORMED` of a visit; the visit's log line counts them all).
        """
        async for message in websocket:
            try:
                await self._message(websocket, visitor, message)
            except MalformedMessage as exc:
                visitor.malformed += 1
                if visitor.malformed <= MAX_LOGGED_MALFORMED:
                    log.warning("web visitor from %s: malformed message skipped (%s)%s", visitor.who[4:], exc,
                                "; further ones are only counted" if visitor.malformed == MAX_LOGGED_MALFORMED
                                else "")

    async def _message(self, websocket: web.WebSocketResponse, visitor: _VisitorApp, message: WSMessage) -> None:
        """Act on one message from the page; MalformedMessage if it is not one the page sends."""
        if message.type == WSMsgType.BINARY:
            raise MalformedMessage(f"binary, {len(message.data)} bytes")
        if message.type != WSMsgType.TEXT:
            return
        try:
            envelope = json.loads(message.data)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, a number with too many digits, [[[[…
            raise MalformedMessage(f"not JSON: {type(exc).__name__} at {getattr(exc, 'pos', '?')}") from None
        if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
            raise MalformedMessage(f"not [kind, data]: {type(envelope).__name__}")
        kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
        if kind == "stdin" and isinstance(data, str):
            await visitor.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            width, height = _to_int(str(data.get("width")), 80), _to_int(str(data.get("height")), 24)
            await visitor.set_terminal_size(width, height)
        elif kind == "ping" and (data is None or isinstance(data, (str, int, float))):
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await visitor.blur()
        elif kind == "focus":
            await visitor.focus()
        else:
            raise MalformedMessage(f"unknown {kind[:20]!r} or bad data")

    async def _idle_watch(self, visitor: _VisitorApp, websocket: web.WebSocketResponse) -> None:
        """Close a visitor's app after --idle-timeout with nothing sent either way (as over SSH)."""
        limit = self.shared.options.idle_timeout
        if not limit or limit <= 0:
            return
        period = max(0.05, min(5.0, limit / 4))
        while not websocket.closed:
            await asyncio.sleep(period)
            if time.monotonic() - visitor.last_activity > limit:
                visitor.end_reason = f"closed after {format_duration(limit)} without activity"
                # Say why on the page's terminal and in the close frame, then end the app
                # (whose exit would otherwise close the socket without a word).
                with contextlib.suppress(Exception):
                    bye = f"\r\ngomemtui: {visitor.end_reason}. Bye.\r\n".encode()
                    await websocket.send_bytes(RESET_TERMINAL + bye)
                    await websocket.close(code=1000, message=f"gomemtui: {visitor.end_reason}".encode()[:120])
                await visitor.stop_within(self.shared.options.stop_grace)
                return


def _to_int(value: str | None, default: int) -> int:
    """A whole number from the page (`default` if it is not one); `clamp_size` bounds it."""
    try:
        return int(value or default)
    except ValueError:
        return default
