"""`gomemtui serve` as a command: its options, its refusals, and SIGTERM in a real process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

import pytest

from gomemtui.cli import COMMANDS, build_parser
from gomemtui.serve.command import parse_duration, parse_hostport
from tests.serve.viewer import connect, open_viewer


def test_serve_is_a_registered_command_with_help(gomemtui_cli):
    build_parser()
    assert "serve" in COMMANDS
    result = gomemtui_cli("serve", "--help")
    assert result.status == 0
    for option in ("--ssh", "--web", "--authorized-keys", "--host-key", "--presenter-key", "--allow-anonymous",
                   "--max-sessions", "--max-per-key", "--idle-timeout", "--ascii", "--colors", "--fps"):
        assert option in result.out


def test_the_help_gives_the_fixed_limits_the_server_uses(gomemtui_cli):
    from gomemtui.serve.host import ServeOptions
    from gomemtui.serve.ptyapp import MAX_COLUMNS, MAX_ROWS

    text = " ".join(gomemtui_cli("serve", "--help").out.split())
    options = ServeOptions("tour")
    assert f"at most {options.preauth_per_address} per address and {options.preauth_total} in all" in text
    assert f"handshake within {options.handshake_timeout:g} s and sign in within {options.login_timeout:g} s" in text
    assert options.no_session_timeout == 60 and "closed after 1 minute" in text
    assert f"clamped to {MAX_COLUMNS}x{MAX_ROWS}" in text
    assert options.max_per_key == 2 and "key (default 2)" in text
    assert gomemtui_cli("serve", "tour", "--web", "127.0.0.1:0", "--max-per-key", "0").status == 2


def test_options_are_parsed_strictly():
    assert parse_hostport("127.0.0.1:2222") == ("127.0.0.1", 2222)
    assert parse_hostport("[::1]:0") == ("::1", 0)
    assert parse_hostport(":2222") == ("0.0.0.0", 2222)
    for bad in ("2222", "host:", "host:99999", "a:b:c"):
        with pytest.raises(Exception):
            parse_hostport(bad)
    assert parse_duration("15m") == 900 and parse_duration("90") == 90 and parse_duration("1h") == 3600
    with pytest.raises(Exception):
        parse_duration("soon")


def test_serve_refuses_to_start_without_what_it_needs(gomemtui_cli, tmp_path):
    result = gomemtui_cli("serve", "tour")
    assert result.status == 2 and "--ssh HOST:PORT and/or --web HOST:PORT" in result.err
    result = gomemtui_cli("serve", "tour", "--ssh", "127.0.0.1:0", "--host-key", str(tmp_path / "k"))
    assert result.status == 2 and "--authorized-keys" in result.err
    result = gomemtui_cli("serve", "no-such-scenario", "--web", "127.0.0.1:0")
    assert result.status == 2 and "no such file or bundled scenario" in result.err


async def test_sigterm_ends_every_session_gracefully_and_logs_each_connection(keys, tmp_path):
    argv = [sys.executable, "-m", "gomemtui", "serve", "tour", "--ssh", "127.0.0.1:0",
            "--authorized-keys", str(keys.authorized), "--host-key", str(tmp_path / "host_key")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOGC", "GOMEMLIMIT", "GOMAXPROCS"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.getcwd(), env.get("PYTHONPATH", "")) if p)
    server = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.DEVNULL,
                                                  stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                  env=env)
    log = bytearray()
    try:
        async with asyncio.timeout(30):
            while not (port := re.search(rb"ssh on 127\.0\.0\.1:(\d+)", log)):
                line = await server.stderr.readline()
                assert line, f"the server ended: {log.decode()}"
                log.extend(line)
        conn = await connect(int(port.group(1)), keys.viewer, username="grace")
        viewer = await open_viewer(conn)
        await viewer.wait_for(r"step 0/10", timeout=30)
        server.send_signal(signal.SIGTERM)
        await viewer.closed_with(timeout=15)
        assert "the server is shutting down" in viewer.text()
        assert viewer.out.rfind(b"\x1b[?1049l") > viewer.out.rfind(b"\x1b[?1049h")  # terminal given back
        rest = await asyncio.wait_for(server.stderr.read(), timeout=15)
        log.extend(rest)
        assert await asyncio.wait_for(server.wait(), timeout=15) == 0
        conn.close()
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    text = log.decode()
    assert "SIGTERM: shutting down" in text
    assert re.search(r"ssh grace \(SHA256:\S+, follower\) from 127\.0\.0\.1:\d+, [\d.]+s, 1 session: "
                     r"app [\d.]+s, the server is shutting down", text), text


def test_serve_ssh_does_not_need_textual_serve_and_web_says_it_does(gomemtui_cli, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if textual-serve were not installed
    result = gomemtui_cli("serve", "tour", "--web", "127.0.0.1:0")
    assert result.status == 1 and "serve needs textual_serve: pip install 'gomemtui[serve]'" in result.err
    result = gomemtui_cli("serve", "tour", "--ssh", "127.0.0.1:0", "--host-key", str(tmp_path / "k"))
    assert result.status == 2 and "--authorized-keys" in result.err  # past the import check


async def test_serve_ssh_starts_without_textual_serve_and_logs_no_dependency_warning(keys, tmp_path):
    """A real `gomemtui serve --ssh` in a process where textual_serve cannot be imported:
    it serves a viewer, and its log has none of the CryptographyDeprecationWarning lines
    asyncssh's import triggers (cryptography 51 deprecates DSA)."""
    code = ("import sys; sys.modules['textual_serve'] = None; from gomemtui.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    argv = [sys.executable, "-c", code, "serve", "tour", "--ssh", "127.0.0.1:0",
            "--authorized-keys", str(keys.authorized), "--host-key", str(tmp_path / "host_key")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOGC", "GOMEMLIMIT", "GOMAXPROCS", "PYTHONWARN"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.getcwd(), env.get("PYTHONPATH", "")) if p)
    server = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.DEVNULL,
                                                  stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                  env=env)
    log = bytearray()
    try:
        async with asyncio.timeout(30):
            while not (port := re.search(rb"ssh on 127\.0\.0\.1:(\d+)", log)):
                line = await server.stderr.readline()
                assert line, f"the server ended: {log.decode()}"
                log.extend(line)
        conn = await connect(int(port.group(1)), keys.viewer, username="ada")
        viewer = await open_viewer(conn)
        await viewer.wait_for(r"step 0/10", timeout=30)
        server.send_signal(signal.SIGTERM)
        await viewer.closed_with(timeout=15)
        log.extend(await asyncio.wait_for(server.stderr.read(), timeout=15))
        assert await asyncio.wait_for(server.wait(), timeout=15) == 0
        conn.close()
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    text = log.decode()
    assert "Warning" not in text and "warning" not in text.lower(), text
    assert "textual_serve" not in text
