"""gomemtui serve over SSH, end to end on loopback: a real asyncssh client with a PTY."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import re
import shutil
import struct
import termios

import asyncssh
import pytest

from gomemtui.scenario import find_scenario
from tests.serve.viewer import AnonymousClient, open_viewer

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _sessions_by_pid(server) -> dict[int, object]:
    return {s.app.process.pid: s for s in server.sessions if getattr(s, "app", None) is not None}


TRUECOLOR = re.compile(rb"\x1b\[[0-9;]*[34]8;2;")
COLOR256 = re.compile(rb"\x1b\[[0-9;]*[34]8;5;")


async def test_a_viewer_sees_the_app_with_their_terminal_and_q_ends_the_session(serve, ssh, keys, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve()
    conn = await ssh(server.ssh_port, keys.viewer, username="ada")
    viewer = await open_viewer(conn, size=(80, 24), term="xterm-256color", env={"COLORTERM": "truecolor",
                                                                                "SECRET": "x"})
    await viewer.wait_for(r"Tour: a slice.*step 0/10")
    (session,) = server.sessions
    env = session.config.to_env()  # the app's whole environment
    assert env["TERM"] == "xterm-256color" and env["COLORTERM"] == "truecolor"
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
    assert env["GOMEMTUI_ROLE"] == "follower" and env["SSH_CONNECTION"].startswith("127.0.0.1 ")
    assert int(env["TEXTUAL_FPS"]) <= 10
    assert "SECRET" not in env and "PYTEST_CURRENT_TEST" not in env  # nothing leaks in either way
    with open(f"/proc/{session.app.process.pid}/environ", "rb") as started_with:  # not even what it began with
        assert b"PYTEST_CURRENT_TEST" not in started_with.read()
    assert TRUECOLOR.search(viewer.out)  # a truecolor terminal gets 24-bit colors
    rows, cols, *_ = struct.unpack("HHHH", fcntl.ioctl(session.app.master, termios.TIOCGWINSZ, b"\0" * 8))
    assert (cols, rows) == (80, 24)

    mark = viewer.mark
    viewer.press("n")
    await viewer.wait_for(r"step 1/10", since=mark)
    viewer.press("q")
    assert await viewer.closed_with() == 0
    await asyncio.sleep(0.2)
    conn.close()
    await asyncio.wait_for(conn.wait_closed(), 5)
    for _ in range(50):
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ssh ada ")]
        if lines:
            break
        await asyncio.sleep(0.1)
    assert len(lines) == 1, lines
    assert re.search(r"ssh ada \(SHA256:\S+, follower\) from 127\.0\.0\.1:\d+, [\d.]+s, 1 session: app .*quit",
                     lines[0]), lines[0]


async def test_resizes_reach_the_app(serve, ssh, keys):
    server = await serve()
    viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer), size=(80, 24))
    await viewer.wait_for(r"step 0/10")
    await viewer.wait_quiet()
    mark = viewer.mark
    viewer.chan.change_terminal_size(150, 44)
    await viewer.wait_for(r"(?s)─ Goroutines ─.*─ Event log ─|─ Event log ─.*─ Goroutines ─", since=mark)  # the wide layout: every panel
    (session,) = server.sessions
    rows, cols, *_ = struct.unpack("HHHH", fcntl.ioctl(session.app.master, termios.TIOCGWINSZ, b"\0" * 8))
    assert (cols, rows) == (150, 44)
    viewer.press("q")
    assert await viewer.closed_with() == 0


async def test_colors_fall_back_and_a_non_utf8_locale_gets_ascii(serve, ssh, keys):
    server = await serve(max_per_key=3)  # three apps on one key
    conn = await ssh(server.ssh_port, keys.viewer)
    v256, v16, latin1 = await asyncio.gather(
        open_viewer(conn, term="xterm-256color"), open_viewer(conn, term="xterm"),
        # wide enough for the layout with a border round every panel
        open_viewer(conn, term="xterm-256color", env={"LANG": "de_DE.ISO-8859-1"}, size=(120, 40)))
    await asyncio.gather(*(v.wait_for(r"step 0/10") for v in (v256, v16, latin1)))
    assert COLOR256.search(v256.out) and not TRUECOLOR.search(v256.out)
    assert not COLOR256.search(v16.out) and not TRUECOLOR.search(v16.out)
    assert re.search(rb"\x1b\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|10[0-7])m", v16.out)  # 16 colors, still in color
    assert any(b > 0x7F for b in v256.out)  # box and block glyphs for a UTF-8 terminal...
    mark = latin1.mark
    latin1.press("n", "tab", "tab")  # ... and ASCII only for the ISO-8859-1 one, whatever it shows
    await latin1.wait_for(r"step 1/10", since=mark)
    await latin1.wait_quiet()
    assert latin1.out.isascii()
    assert re.search(r"\+-+", latin1.text())  # borders drawn with + and -
    for viewer in (v256, v16, latin1):
        viewer.press("q")
    assert await asyncio.gather(*(v.closed_with() for v in (v256, v16, latin1))) == [0, 0, 0]


async def test_three_viewers_at_once_each_get_their_own_app(serve, ssh, keys):
    server = await serve(max_per_key=3)  # three apps on one key
    conns = await asyncio.gather(*(ssh(server.ssh_port, keys.viewer, username=f"v{i}") for i in range(3)))
    viewers = await asyncio.gather(*(open_viewer(c) for c in conns))
    await asyncio.gather(*(v.wait_for(r"step 0/10", timeout=30) for v in viewers))
    pids = _sessions_by_pid(server)
    assert len(pids) == 3
    marks = [v.mark for v in viewers]
    for i, viewer in enumerate(viewers):
        viewer.press(*["n"] * (i + 1))
    for i, viewer in enumerate(viewers):
        await viewer.wait_for(rf"step {i + 1}/10", since=marks[i])
    await asyncio.gather(*(v.wait_quiet() for v in viewers))
    for i, viewer in enumerate(viewers):  # nobody moved anybody else
        assert re.findall(r"step (\d+)/10", viewer.text(marks[i]))[-1] == str(i + 1)
    for viewer in viewers:
        viewer.press("q")
    assert await asyncio.gather(*(v.closed_with() for v in viewers)) == [0, 0, 0]


async def test_a_follower_follows_the_presenter_explores_alone_and_rejoins(serve, ssh, keys):
    server = await serve()
    presenter_conn, follower_conn = await asyncio.gather(ssh(server.ssh_port, keys.presenter, username="pres"),
                                                         ssh(server.ssh_port, keys.viewer, username="fol"))
    presenter, follower = await asyncio.gather(open_viewer(presenter_conn), open_viewer(follower_conn))
    await asyncio.gather(presenter.wait_for(r"step 0/10", timeout=30), follower.wait_for(r"step 0/10", timeout=30))
    await follower.wait_for(r"presenter is here")

    mark = follower.mark
    presenter.press("tab")  # the presenter shows another panel: so does the follower
    await follower.wait_for(r"STW sweep term", since=mark)

    mark = follower.mark
    presenter.press("n", "n")
    await follower.wait_for(r"step 2/10", since=mark)  # the follower's screen moves

    mark = follower.mark
    follower.press("n")  # keys that move the timeline are held back while following
    await follower.wait_for(r"follow the presenter", since=mark)
    await follower.wait_quiet()
    assert "step 3/10" not in follower.text(mark)

    # Autoplay stops at a step with pause = true (step 5 of the tour); the follower follows.
    mark = follower.mark
    presenter.press("space")
    await follower.wait_for(r"step 5/10", since=mark, timeout=20)
    await asyncio.sleep(1.5)  # at 2 steps/s, playback would have gone on by now
    await presenter.wait_quiet()
    assert re.findall(r"step (\d+)/10", presenter.text())[-1] == "5"

    follower.press("e")  # explore alone
    await follower.wait_for(r"Exploring on your own", since=mark)
    mark = follower.mark
    follower.press("n")
    await follower.wait_for(r"step 6/10", since=mark)
    presenter.press("m", "p")  # the presenter moves on; the explorer stays
    await asyncio.sleep(1.0)
    assert re.findall(r"step (\d+)/10", follower.text(mark))[-1] == "6"

    mark = follower.mark
    follower.press("f")  # rejoin: back where the presenter is
    await follower.wait_for(r"Following the presenter", since=mark)
    await follower.wait_for(r"step 4/10", since=mark)
    presenter.press("q")
    follower.press("q")
    assert await asyncio.gather(presenter.closed_with(), follower.closed_with()) == [0, 0]


async def test_the_session_limit_holds_and_the_refused_viewer_is_told_why(serve, ssh, keys):
    server = await serve(max_sessions=1)
    first = await open_viewer(await ssh(server.ssh_port, keys.viewer, username="first"))
    await first.wait_for(r"step 0/10")
    second = await open_viewer(await ssh(server.ssh_port, keys.viewer, username="second"))
    assert await second.closed_with() == 1
    assert "the server is full (1 viewers at most)" in second.text()
    first.press("q")
    assert await first.closed_with() == 0


async def test_an_unknown_key_and_a_password_are_refused(serve, ssh, keys):
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh(server.ssh_port, keys.stranger)
    with pytest.raises(asyncssh.PermissionDenied):
        await ssh(server.ssh_port, None, password="hunter2", preferred_auth="password,keyboard-interactive")
    with pytest.raises(asyncssh.PermissionDenied):  # no key at all: anonymous is off by default
        await ssh(server.ssh_port, None, client_factory=AnonymousClient)
    assert not server.sessions


async def test_anonymous_viewers_only_with_the_flag(serve, ssh, keys, caplog):
    caplog.set_level(logging.INFO, logger="gomemtui.serve")
    server = await serve(allow_anonymous=True, authorized_keys=None)
    assert any("--allow-anonymous" in r.getMessage() and r.levelno >= logging.WARNING for r in caplog.records)
    viewer = await open_viewer(await ssh(server.ssh_port, None, username="guest", client_factory=AnonymousClient))
    await viewer.wait_for(r"step 0/10")
    (session,) = server.sessions
    assert session.config.role == "follower"
    viewer.press("q")
    assert await viewer.closed_with() == 0


async def test_no_shell_no_command_no_forwarding_no_sftp_and_only_served_scenarios(serve, ssh, keys, tmp_path):
    folder = tmp_path / "talk"
    folder.mkdir()
    for name in ("03-reslice", "tour"):
        shutil.copy(find_scenario(name), folder / f"{name}.toml")
    secret = tmp_path / "secret.toml"
    shutil.copy(find_scenario("leak"), secret)
    (folder / "outside.toml").symlink_to(secret)  # a link out of the served folder
    server = await serve(str(folder))
    assert [f.name for f in server.served.files] == ["03-reslice.toml", "tour.toml"]
    conn = await ssh(server.ssh_port, keys.viewer)

    for command in ("ls -la", "../secret", str(secret), "outside", "sh"):
        refused = await open_viewer(conn, command=command)
        assert await refused.closed_with() == 1, command
        assert "only the app" in refused.text(), refused.text()
    no_pty = await open_viewer(conn, command=None, pty=False)
    assert await no_pty.closed_with() == 1
    assert "ssh -t" in no_pty.text()
    with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError)):
        await asyncio.wait_for(conn.start_sftp_client(), 10)
    with pytest.raises(asyncssh.ChannelOpenError):
        await asyncio.wait_for(conn.open_connection("127.0.0.1", server.ssh_port), 10)
    with pytest.raises(asyncssh.ChannelListenError):
        await asyncio.wait_for(conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9), 10)

    viewer = await open_viewer(conn, command="reslice")  # a served scenario, by name
    await viewer.wait_for(r"step 0/\d+")
    (session,) = server.sessions
    assert session.start == (folder / "03-reslice.toml").resolve()
    assert secret not in session.config.scenarios and len(session.config.scenarios) == 2
    viewer.press("q")
    assert await viewer.closed_with() == 0


async def test_an_idle_viewer_is_disconnected_and_told_why(serve, ssh, keys):
    server = await serve(idle_timeout=2.0)
    viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer))
    await viewer.wait_for(r"step 0/10")
    status = await viewer.closed_with(timeout=15)
    assert "without activity" in viewer.text()
    assert status == 0


async def test_closing_the_server_ends_sessions_gracefully(serve, ssh, keys):
    server = await serve()
    viewer = await open_viewer(await ssh(server.ssh_port, keys.viewer))
    await viewer.wait_for(r"step 0/10")
    await asyncio.wait_for(server.close(), 15)
    await viewer.closed_with()
    text = viewer.text()
    assert "the server is shutting down" in text
    assert viewer.out.rfind(b"\x1b[?1049l") > viewer.out.rfind(b"\x1b[?1049h")  # the terminal is given back
    assert not server.sessions


async def test_too_many_signed_in_connections_are_refused_with_a_reason(serve, keys):
    from tests.serve.viewer import connect

    server = await serve(max_sessions=1, preauth_per_address=16)  # room for 2 × 1 + 8 = 10 signed in
    lost: list[asyncio.Future] = []

    class Client(asyncssh.SSHClient):
        def __init__(self) -> None:
            self.lost = asyncio.get_running_loop().create_future()
            lost.append(self.lost)

        def connection_lost(self, exc) -> None:
            if not self.lost.done():
                self.lost.set_result(exc)

    results = await asyncio.gather(*(connect(server.ssh_port, keys.viewer, client_factory=Client)
                                     for _ in range(13)), return_exceptions=True)
    try:
        # The signed-in cap is checked as sign-in completes: the extra ones are then disconnected.
        done, _ = await asyncio.wait(lost, timeout=5)
        reasons = [f.result() for f in done] + [r for r in results if isinstance(r, Exception)]
        refused = [r for r in reasons if isinstance(r, asyncssh.DisconnectError)]
        assert len(refused) == 3, reasons
        assert all("too many connections" in str(r) for r in refused)
    finally:
        for r in results:
            if not isinstance(r, Exception):
                r.close()


async def test_with_a_folder_viewers_pick_and_followers_open_what_the_presenter_opens(serve, ssh, keys, tmp_path):
    folder = tmp_path / "talk"
    folder.mkdir()
    for name in ("03-reslice", "tour"):
        shutil.copy(find_scenario(name), folder / f"{name}.toml")
    server = await serve(str(folder))
    presenter, follower = await asyncio.gather(open_viewer(await ssh(server.ssh_port, keys.presenter)),
                                               open_viewer(await ssh(server.ssh_port, keys.viewer)))
    await asyncio.gather(presenter.wait_for(r"choose a scenario"), follower.wait_for(r"choose a scenario"))
    for viewer in (presenter, follower):  # the picker offers the served files, and only them
        await viewer.wait_for(r"(?s)Shrinking.*a slice with numbers.*Tour: a slice")
        assert "A blocked goroutine" not in viewer.text() and "Maps keep their memory" not in viewer.text()
    mark = follower.mark
    presenter.press("\x1b[B", "\r")  # down, enter: the second one
    await presenter.wait_for(r"Tour: a slice.*step 0/10")
    await follower.wait_for(r"Tour: a slice.*step 0/10", since=mark)
    mark = follower.mark
    presenter.press("n")
    await follower.wait_for(r"step 1/10", since=mark)
    marks = presenter.mark, follower.mark
    presenter.press("q")  # a picked scenario: q goes back to the picker, where q quits
    follower.press("q")
    await asyncio.gather(presenter.wait_for(r"choose a scenario", since=marks[0]),
                         follower.wait_for(r"choose a scenario", since=marks[1]))
    presenter.press("q")
    follower.press("q")
    assert await asyncio.gather(presenter.closed_with(), follower.closed_with()) == [0, 0]
