"""gomemtui serve under a flood or a careless client (issue #15): nobody is locked out.

Loopback only (127.0.0.1), a bounded number of connections, every wait with a timeout.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import struct
import termios
import time

import aiohttp
import asyncssh
import pytest

from gomemtui.serve.child import CRASH_MESSAGE
from tests.serve.test_web import _read_until
from tests.serve.viewer import open_viewer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _bare_connections(port: int, count: int) -> list[asyncio.StreamWriter]:
    """`count` TCP connections that never start the SSH handshake."""
    writers = []
    for _ in range(count):
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        writers.append(writer)
    return writers


def _log_lines(caplog, start: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(start)]


async def _visit_line(caplog) -> str:
    """The one log line of the (one) web visit, once written."""
    async with asyncio.timeout(10):
        while not _log_lines(caplog, "web visitor from 127.0.0.1, "):
            await asyncio.sleep(0.05)
    (line,) = _log_lines(caplog, "web visitor from 127.0.0.1, ")
    return line


async def test_sixty_bare_connections_do_not_keep_a_keyed_viewer_out(serve, ssh, keys, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    # Before: the 60 filled the connection cap (2 × 20 + 8 = 48) and the keyed viewer was
    # refused "too many connections" until the bare ones hit the login timeout.
    server = await serve()
    bare = await _bare_connections(server.ssh_port, 60)
    try:
        started = time.monotonic()
        viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer, username="ada"))
        await viewer.wait_for(r"step 0/10")
        assert time.monotonic() - started < 10  # well within the 30 s login timeout
        waiting = [c for c in server.ssh.connections if not c.authenticated]
        assert len(waiting) <= server.options.preauth_per_address  # the oldest bare ones were dropped
        viewer.press("q")
        assert await viewer.closed_with() == 0
    finally:
        for writer in bare:
            writer.close()
    # The flood is logged as one line and, 10 s on, a count (not a line per connection).
    dropped = [line for line in _log_lines(caplog, "ssh ? from 127.0.0.1") if "not signed in" in line]
    assert len(dropped) == 1, dropped
    assert server.ssh._dropped["127.0.0.1"] >= 60 - server.options.preauth_per_address - 1


async def test_dropped_connections_are_logged_as_one_line_and_a_count(serve, caplog, monkeypatch):
    import gomemtui.serve.ssh as ssh_front

    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    monkeypatch.setattr(ssh_front, "DROP_LOG_PERIOD", 0.3)
    server = await serve(preauth_per_address=3)
    bare = await _bare_connections(server.ssh_port, 15)  # each past the 3rd drops the oldest: 12 drops
    try:
        async with asyncio.timeout(5):
            while not _log_lines(caplog, "ssh: "):
                await asyncio.sleep(0.05)
    finally:
        for writer in bare:
            writer.close()
    assert len([line for line in _log_lines(caplog, "ssh ? from 127.0.0.1") if "dropped" in line]) == 1
    assert _log_lines(caplog, "ssh: ") == ["ssh: 11 more connections from 127.0.0.1 dropped before signing in "
                                           "(in 0.3s)"]


async def test_a_connection_without_the_ssh_handshake_is_closed_soon(serve):
    server = await serve(handshake_timeout=0.5)
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", server.ssh_port), 5)
    try:
        async with asyncio.timeout(5):
            assert (await reader.readline()).startswith(b"SSH-2.0-")  # the server's version line
            assert await reader.read() == b""  # then, with nothing from us, it hangs up
    finally:
        writer.close()


async def test_a_third_session_on_one_connection_or_key_is_refused_politely(serve, ssh, keys):
    server = await serve()
    conn = await ssh(server.ssh_port, keys.viewer)
    first, second = await asyncio.gather(open_viewer(conn), open_viewer(conn))
    await asyncio.gather(first.wait_for(r"step 0/10", timeout=30), second.wait_for(r"step 0/10", timeout=30))
    third = await open_viewer(conn)
    assert await third.closed_with() == 1
    assert "at most 2 sessions at once per connection" in third.text()
    other = await open_viewer(await ssh(server.ssh_port, keys.viewer))  # the same key, another connection
    assert await other.closed_with() == 1
    assert "at most 2 sessions at once per SSH key" in other.text()
    assert len(server.sessions) == 2 and server.host.used == 2  # the refused ones took no app slot
    for viewer in (first, second):
        viewer.press("q")
    assert await asyncio.gather(first.closed_with(), second.closed_with()) == [0, 0]
    again = await open_viewer(conn)  # the places are free again
    await again.wait_for(r"step 0/10")
    again.press("q")
    assert await again.closed_with() == 0


async def test_a_signed_in_connection_without_a_session_is_closed(serve, ssh, keys, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve(no_session_timeout=0.5)
    conn = await ssh(server.ssh_port, keys.viewer, username="idler")
    await asyncio.wait_for(conn.wait_closed(), 5)
    for _ in range(50):
        if _log_lines(caplog, "ssh idler "):
            break
        await asyncio.sleep(0.1)
    (line,) = _log_lines(caplog, "ssh idler ")
    assert "no session; closed after 0.5s without a session" in line, line


async def test_a_pixel_width_of_70000_keeps_the_viewer(serve, ssh, keys):
    server = await serve()
    viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer))
    await viewer.wait_for(r"step 0/10")
    viewer.chan.change_terminal_size(100, 30, 70000, 70000)  # a winsize holds 16 bits: struct.error before
    (session,) = server.sessions
    async with asyncio.timeout(5):
        while True:
            rows, cols, pixw, pixh = struct.unpack("HHHH", fcntl.ioctl(session.app.master, termios.TIOCGWINSZ,
                                                                       b"\0" * 8))
            if cols == 100:
                break
            await asyncio.sleep(0.05)
    assert (cols, rows, pixw, pixh) == (100, 30, 65535, 65535)
    mark = viewer.mark
    viewer.press("n")
    await viewer.wait_for(r"step 1/10", since=mark)
    viewer.press("q")
    assert await viewer.closed_with() == 0


async def test_a_crashed_app_shows_the_viewer_a_short_message_and_logs_the_details(serve, ssh, keys, caplog,
                                                                                   monkeypatch):
    """The server's side of a crash: the app's report (`child.CRASH_FILE`, stood in for here,
    as a served app has no bug to trigger) goes to the log; the viewer sees one short line."""
    import gomemtui.serve.ssh as ssh_front

    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    report = 'Traceback (most recent call last):\n  File "/srv/venv/site-packages/x.py", line 1\nKeyError: 0'
    monkeypatch.setattr(ssh_front, "read_crash", lambda home: report)
    server = await serve()
    viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer, username="cy"))
    await viewer.wait_for(r"step 0/10")
    (session,) = server.sessions
    session.app.process.kill()  # the app dies with a non-zero status
    assert await viewer.closed_with() != 0
    assert CRASH_MESSAGE in viewer.text()
    assert "site-packages" not in viewer.text()
    failed = [r for r in caplog.records if "the app failed" in r.getMessage()]
    assert len(failed) == 1 and "KeyError: 0" in failed[0].getMessage()


# -- web ------------------------------------------------------------------------------------------


async def test_a_web_visitors_resize_is_clamped_like_ssh(serve, monkeypatch):
    from textual_serve.app_service import AppService

    import gomemtui.serve.web as web_front

    sizes: list[tuple[int, int]] = []
    started: list[dict] = []
    real_set, real_start = AppService.set_terminal_size, web_front.start_viewer

    async def record_size(self, width: int, height: int) -> None:
        sizes.append((width, height))
        await real_set(self, width, height)

    async def record_start(*args, **kwargs):
        started.append(dict(kwargs["extra_env"]))
        return await real_start(*args, **kwargs)

    monkeypatch.setattr(AppService, "set_terminal_size", record_size)
    monkeypatch.setattr(web_front, "start_viewer", record_start)
    server = await serve(ssh=None, web=("127.0.0.1", 0))
    base = f"http://127.0.0.1:{server.web_port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        visitor = await http.ws_connect(base + "/ws?width=10000&height=10000")
        try:
            await _read_until(visitor, r"step 0/10")
            assert (started[0]["COLUMNS"], started[0]["ROWS"]) == ("1000", "500")
            await visitor.send_str(json.dumps(["resize", {"width": 10000, "height": 10000}]))
            await visitor.send_str(json.dumps(["resize", {"width": 120, "height": 40}]))
            async with asyncio.timeout(5):
                while len(sizes) < 2:
                    await asyncio.sleep(0.05)
            assert sizes == [(1000, 500), (120, 40)]  # the limits of an SSH window (ptyapp.clamp_size)
            await visitor.send_str(json.dumps(["stdin", "q"]))
            await asyncio.wait_for(visitor.receive(), 10)
        finally:
            await visitor.close()
    async with asyncio.timeout(10):
        while server.sessions:
            await asyncio.sleep(0.05)


async def test_a_malformed_web_message_logs_one_line_and_the_visit_goes_on(serve, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve(ssh=None, web=("127.0.0.1", 0))
    base = f"http://127.0.0.1:{server.web_port}"
    malformed = ["{not json", json.dumps({"kind": "stdin"}), json.dumps(["resize", "wide"]), "1" * 5000,
                 "[" * 200_000]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        visitor = await http.ws_connect(base + "/ws?width=80&height=24")
        try:
            await _read_until(visitor, r"step 0/10")
            for text in malformed:
                await visitor.send_str(text)
            await visitor.send_bytes(b"\x00\x01")
            await visitor.send_str(json.dumps(["stdin", "n"]))  # the app is still there
            await _read_until(visitor, r"step 1/10")
            await visitor.send_str(json.dumps(["stdin", "q"]))
            await asyncio.wait_for(visitor.receive(), 10)
        finally:
            await visitor.close()
    async with asyncio.timeout(10):
        while server.sessions:
            await asyncio.sleep(0.05)
    records = [r for r in caplog.records if "malformed" in r.getMessage()]
    warnings = [r for r in records if r.levelno == logging.WARNING]
    assert len(warnings) == len(malformed) + 1  # one line each...
    for record in records:
        assert "\n" not in record.getMessage() and record.exc_info is None  # ... and no traceback
    assert not any(r.exc_info for r in caplog.records)
    visit = await _visit_line(caplog)
    assert visit.endswith(f"({len(malformed) + 1} malformed messages)"), visit


async def test_a_web_visitors_crashed_app_shows_a_short_message_and_the_visit_ends(serve, caplog, monkeypatch):
    """As over SSH: the app's crash report (stood in for) goes to the log, one line to the page."""
    import gomemtui.serve.web as web_front

    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    monkeypatch.setattr(web_front, "read_crash", lambda home: "Traceback ...\nKeyError: 0")
    server = await serve(ssh=None, web=("127.0.0.1", 0))
    base = f"http://127.0.0.1:{server.web_port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        visitor = await http.ws_connect(base + "/ws?width=80&height=24")
        try:
            await _read_until(visitor, r"step 0/10")
            (session,) = server.sessions
            session.process.kill()
            shown = await _read_until(visitor, r"internal error")
            assert CRASH_MESSAGE in shown.decode("utf-8", "replace")
            closed = await asyncio.wait_for(visitor.receive(), 10)
            assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        finally:
            await visitor.close()
    async with asyncio.timeout(10):
        while server.sessions:
            await asyncio.sleep(0.05)
    assert len([r for r in caplog.records if "the app failed" in r.getMessage()]) == 1
    visit = await _visit_line(caplog)
    assert visit.endswith(", crashed"), visit
