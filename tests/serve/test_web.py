"""gomemtui serve --web: the page is served and each visitor gets an app (loopback only)."""

from __future__ import annotations

import asyncio
import json
import logging
import re

import aiohttp
import pytest

from tests.serve.viewer import ANSI

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _read_until(ws: aiohttp.ClientWebSocketResponse, pattern: str, timeout: float = 20.0) -> bytes:
    received = bytearray()
    regex = re.compile(pattern)
    async with asyncio.timeout(timeout):
        while not regex.search(ANSI.sub(b"", bytes(received)).decode("utf-8", "replace")):
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                received.extend(message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                raise AssertionError(f"closed before {pattern!r}: {bytes(received)[-300:]!r}")
    return bytes(received)


async def _log_lines_once_all_closed(server, caplog) -> list[str]:
    """The server's one-line log of each web visitor, once every session has closed."""
    for _ in range(100):
        if not server.sessions:
            break
        await asyncio.sleep(0.05)
    assert not server.sessions
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("web visitor from 127.0.0.1")]


async def test_the_web_page_is_served_and_each_visitor_gets_an_app(serve, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve(ssh=None, web=("127.0.0.1", 0), max_sessions=2)
    base = f"http://127.0.0.1:{server.web_port}"
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        async with http.get(base + "/") as page:
            assert page.status == 200
            html = await page.text()
        assert f"ws://127.0.0.1:{server.web_port}/ws" in html  # the socket URL is the one reached

        first = await http.ws_connect(base + "/ws?width=100&height=30")
        second = await http.ws_connect(base + "/ws?width=80&height=24")
        try:
            await asyncio.gather(_read_until(first, r"step 0/10"), _read_until(second, r"step 0/10"))
            assert len(server.sessions) == 2  # one app per visitor
            # a third visitor is over --max-sessions 2: the page and the socket say so
            async with http.get(base + "/") as page:
                assert page.status == 503 and "full" in await page.text()
            third = await http.ws_connect(base + "/ws")
            closed = await asyncio.wait_for(third.receive(), 10)
            assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 1013
            await first.send_str(json.dumps(["stdin", "n"]))
            await _read_until(first, r"step 1/10")
            await first.send_str(json.dumps(["stdin", "q"]))
            await asyncio.wait_for(first.receive(), 10)  # the app quit: the socket closes
        finally:
            await first.close()
            await second.close()
    lines = await _log_lines_once_all_closed(server, caplog)
    assert len(lines) == 3, lines


async def test_an_idle_web_visitor_is_closed_and_told_why(serve, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve(ssh=None, web=("127.0.0.1", 0), max_sessions=2, idle_timeout=1.0)
    base = f"http://127.0.0.1:{server.web_port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        visitor = await http.ws_connect(base + "/ws?width=80&height=24")
        try:
            await _read_until(visitor, r"step 0/10")
            async with asyncio.timeout(20):  # the app is paused: nothing goes either way
                while True:
                    message = await visitor.receive()
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        break
            assert "without activity" in (message.extra or "")
        finally:
            await visitor.close()
    lines = await _log_lines_once_all_closed(server, caplog)
    assert lines and "without activity" in lines[-1], lines
