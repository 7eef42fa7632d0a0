"""The serve parts on their own: glyphs, protocol, viewer configuration, served set, host key, hub, sync."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import struct
import unicodedata
from dataclasses import replace

import asyncssh
import pytest

from gomemtui.scenario import find_scenario, load_program
from gomemtui.serve.hostkey import load_or_create_host_key
from gomemtui.serve.hub import SyncHub
from gomemtui.serve.scenarios import ServeError, resolve_served
from gomemtui.serve.ssh import color_system, terminal_config
from gomemtui.sync import (
    PresenterState, ProtocolError, ViewerConfig, decode, encode, rle_decode, rle_encode,
)
from gomemtui.ui.follow import apply_position, history_letters, read_position
from gomemtui.ui.terminal import kind_driver, to_ascii


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# -- glyphs ------------------------------------------------------------------------------------

def test_ascii_keeps_every_cell_where_it_was():
    sample = ("╭─ Heap map ─╮│├┼┤╰┴╯━┃═║ ▁▂▃▄▅▆▇█ ░▒▓ ▕██░░▏ ⠀⠁⠂⠄⡀⣿⠉⣀ →←▸◂‖ ▶ ‖ paused · … "
              "é 中 ≥ µs ✓ ●")
    out = to_ascii(sample)
    assert out.isascii() and len(out) == _cells(sample)
    assert to_ascii("╭──╮") == "+--+" and to_ascii("│") == "|"
    assert to_ascii("⠀⠉⣀⣿") == " '.:"  # braille: nothing, top dots, bottom dots, both
    assert to_ascii("░▒▓█") == ".:##"
    escapes = "\x1b[38;2;1;2;3m\x1b[?2026h"
    assert to_ascii(escapes + "█") == escapes + "#"


def test_the_app_driver_writes_ascii_only_when_asked():
    written = []

    class Base:
        def __init__(self, app, *args, **kwargs):
            pass

        def write(self, data):
            written.append(data)

    kind_driver(Base, True, None)(object()).write("╭─█─╮ step")  # type: ignore[arg-type]
    kind_driver(Base, False, None)(object()).write("█")  # type: ignore[arg-type]
    assert written == ["+-#-+ step", "█"]


def test_a_local_run_asks_for_ascii_and_a_frame_cap_through_its_environment():
    def asked(env: dict[str, str]) -> tuple[bool, int | None]:
        config = ViewerConfig.from_env(env)
        return config.ascii, config.fps

    assert asked({"LANG": "en_US.ISO-8859-1"})[0] and asked({"LC_ALL": "C"})[0]
    assert asked({"GOMEMTUI_ASCII": "1", "LANG": "C.UTF-8"})[0]
    assert not asked({"LANG": "en_US.UTF-8"})[0] and not asked({})[0]
    assert not asked({"LC_ALL": "POSIX", "GOMEMTUI_ASCII": "0"})[0]
    assert asked({"SSH_CONNECTION": "1 2 3 4"})[1] == 10
    assert asked({"SSH_CONNECTION": "1 2 3 4", "GOMEMTUI_FPS": "5"})[1] == 5
    assert asked({"GOMEMTUI_SLOW_LINK": "0", "SSH_CONNECTION": "x"})[1] is None
    assert asked({})[1] is None
    local = ViewerConfig.from_env({"GOMEMTUI_SYNC": "/run/s.sock", "GOMEMTUI_ROLE": "Presenter"})
    assert (local.sync, local.role, local.served) == ("/run/s.sock", "presenter", "")
    assert ViewerConfig.from_env({"GOMEMTUI_ROLE": "admin"}).role == "follower"


# -- protocol ------------------------------------------------------------------------------------

def test_positions_travel_compactly_and_bad_messages_are_refused():
    letters = "s" * 500 + "mmm" + "p" + "g" + "ss"
    assert rle_encode(letters) == "s500m3p1g1s2" and rle_decode(rle_encode(letters)) == letters
    state = PresenterState("tour.toml", letters, "gc", True, 502, "mark")
    assert PresenterState.from_wire(decode(encode({"type": "state", "state": state.to_wire()}))["state"]) == state
    for bad in ("s1x2", "s", "q3", "s99999999", "s1000000s1"):
        with pytest.raises(ProtocolError):
            rle_decode(bad)
    for wire in ({"scenario": "../etc/passwd", "actions": "s1"}, {"scenario": "t", "actions": "s1", "zoomed": 1},
                 {"actions": "s1"}, [1, 2]):
        with pytest.raises(ProtocolError):
            PresenterState.from_wire(wire)
    for line in (b"not json\n", b"[1]\n", b'{"no": "type"}\n'):
        with pytest.raises(ProtocolError):
            decode(line)


# -- environment ----------------------------------------------------------------------------------

def test_colors_follow_the_terminal_capped_by_the_server():
    assert color_system("xterm-256color", "truecolor") == "truecolor"
    assert color_system("xterm-256color", None) == "256"
    assert color_system("xterm", None) == "16"
    assert color_system("xterm-256color", "truecolor", cap="256") == "256"
    assert color_system("screen", "24bit", cap="16") == "16"


def test_a_viewers_environment_is_built_not_inherited(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hush")
    client = {"LANG": "fr_FR.ISO-8859-1", "LD_PRELOAD": "x", "COLORTERM": "truecolor"}
    config = replace(terminal_config("xterm-256color; rm -rf /", client), served="ssh", home=str(tmp_path), fps=10,
                     runtime_env={"GOGC": "50", "PATH": "/evil"})
    env = config.to_env()
    assert "AWS_SECRET_ACCESS_KEY" not in env and "LD_PRELOAD" not in env
    assert env["TERM"] == "xterm-256color" and env["PATH"] == os.defpath and env["GOGC"] == "50"
    assert env["GOMEMTUI_ASCII"] == "1" and env["LANG"] == "C.UTF-8" and env["HOME"] == str(tmp_path)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor" and env["TEXTUAL_FPS"] == "10" and env["COLORTERM"] == "truecolor"
    utf8 = terminal_config("xterm", {"LC_ALL": "en_GB.UTF-8", "NO_COLOR": ""})
    assert (utf8.ascii, utf8.color_system, utf8.truecolor, utf8.no_color) == (False, "standard", False, True)
    assert terminal_config("xterm", {}, force_ascii=True).ascii is True
    assert terminal_config("xterm-256color", {"COLORTERM": "truecolor"}, colors="256").color_system == "256"


def test_the_app_reads_back_the_configuration_the_server_wrote(tmp_path):
    sent = ViewerConfig(served="ssh", sync=str(tmp_path / "sync.sock"), role="presenter", who="ada SHA256:x",
                        scenarios=(tmp_path / "a.toml", tmp_path / "b.toml"), ascii=True, fps=4, home=str(tmp_path),
                        term="screen-256color", color_system="256", no_color=True,
                        ssh_connection="127.0.0.1 5 127.0.0.1 22", runtime_env={"GOGC": "off", "GOMAXPROCS": "2"})
    env = sent.to_env()
    assert ViewerConfig.from_env(env) == sent
    assert env["GOMEMTUI_SCENARIOS"] == os.pathsep.join([str(tmp_path / "a.toml"), str(tmp_path / "b.toml")])
    assert (env["GOMEMTUI_SLOW_LINK"], env["GOMEMTUI_FPS"], env["TEXTUAL_ANIMATIONS"]) == ("1", "4", "none")
    web = ViewerConfig(served="web", home=str(tmp_path), color_system="truecolor", term="xterm-256color")
    assert ViewerConfig.from_env(web.to_env()) == web and "TEXTUAL_FPS" not in web.to_env()


# -- the served set ----------------------------------------------------------------------------------

def test_a_folder_serves_its_good_files_and_nothing_outside(tmp_path):
    folder = tmp_path / "talk"
    folder.mkdir()
    shutil.copy(find_scenario("tour"), folder / "tour.toml")
    shutil.copy(find_scenario("03-reslice"), folder / "03-reslice.toml")
    (folder / "broken.toml").write_text("[scenario]\ntitle = 3\n")
    outside = tmp_path / "private.toml"
    shutil.copy(find_scenario("leak"), outside)
    (folder / "link.toml").symlink_to(outside)
    served = resolve_served(str(folder))
    assert served.folder and [f.name for f in served.files] == ["03-reslice.toml", "tour.toml"]
    assert served.by_name("reslice") == served.by_name("03-reslice.toml") == folder.resolve() / "03-reslice.toml"
    for name in ("link", "private", "../private", str(outside), "talk/tour", "", ".", "..", "tour;ls"):
        assert served.by_name(name) is None, name
    assert not served.contains(outside)
    single = resolve_served("tour")
    assert not single.folder and single.files == (find_scenario("tour").resolve(),)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ServeError):
        resolve_served(str(empty))


# -- host key ----------------------------------------------------------------------------------------

def test_the_host_key_is_made_once_private_and_never_overwritten(tmp_path):
    path = tmp_path / "keys" / "host"
    key = load_or_create_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (tmp_path / "keys" / "host.pub").read_bytes() == key.export_public_key()
    assert load_or_create_host_key(path).get_fingerprint() == key.get_fingerprint()
    assert key.get_algorithm() == "ssh-ed25519"

    path.chmod(0o644)
    before = path.read_bytes()
    with pytest.raises(ServeError, match="chmod 600"):
        load_or_create_host_key(path)
    assert path.read_bytes() == before
    garbage = tmp_path / "garbage"
    garbage.write_text("not a key")
    garbage.chmod(0o600)
    with pytest.raises(ServeError, match="left as it is"):
        load_or_create_host_key(garbage)
    assert garbage.read_text() == "not a key"


# -- the hub ----------------------------------------------------------------------------------------------

async def test_the_hub_relays_the_presenter_to_followers(tmp_path):
    hub = SyncHub(tmp_path / "run" / "sync.sock")
    await hub.start()
    assert stat.S_IMODE(hub.path.stat().st_mode) == 0o600

    async def client(role: str):
        reader, writer = await asyncio.open_unix_connection(str(hub.path))
        writer.write(encode({"type": "hello", "role": role}))
        return reader, writer

    async def receive(reader):
        return decode(await asyncio.wait_for(reader.readline(), 5))

    try:
        f_reader, f_writer = await client("follower")
        assert await receive(f_reader) == {"type": "welcome", "presenters": 0, "state": None}
        p_reader, p_writer = await client("presenter")
        assert (await receive(p_reader))["presenters"] == 1
        assert await receive(f_reader) == {"type": "presenter", "present": True}
        state = PresenterState("tour.toml", "ssm", "heap", False, 2, "mark")
        p_writer.write(encode({"type": "state", "state": state.to_wire()}))
        got = await receive(f_reader)
        assert PresenterState.from_wire(got["state"]) == state
        f_writer.write(encode({"type": "state", "state": PresenterState("x", "s").to_wire()}))  # ignored
        p_writer.close()
        assert await receive(f_reader) == {"type": "presenter", "present": False}
        again_reader, again_writer = await client("presenter")  # a presenter who comes back...
        welcome = await receive(again_reader)
        assert PresenterState.from_wire(welcome["state"]) == state  # ... resumes the talk
        again_writer.close()
        f_writer.close()
    finally:
        await hub.close()
    assert not hub.path.exists()


# -- following: the follower's timeline lands exactly on the presenter's ------------------------------------

def test_a_follower_replays_the_presenters_position_exactly():
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.ui.player import Action, Player

    program = load_program("tour")
    presenter, follower = Player(Timeline(program)), Player(Timeline(program))

    def same() -> None:
        assert history_letters(follower.timeline) == history_letters(presenter.timeline)
        a, b = presenter.frame(), follower.frame()
        assert (a.position, a.next_step, a.view.gc, a.view.memstats) == (b.position, b.next_step, b.view.gc,
                                                                          b.view.memstats)
        assert (a.grid.cells == b.grid.cells).all()

    script = [["step", "step", "step"], ["next_phase", "mark_unit", "mark_unit"], ["run_gc", "step"],
              ["step_back", "step_back", "step_back"], ["home"], ["end"], ["prev_phase"], ["next_phase"]]
    for actions in script:
        for name in actions:
            presenter.perform(Action(name))
        key, letters, steps, phase = read_position(presenter)
        assert key == "tour.toml" and steps == presenter.timeline.next_step
        apply_position(follower, letters)
        same()
    assert apply_position(follower, history_letters(presenter.timeline)) is False  # already there


def test_a_follower_replays_stops_inside_a_step_exactly():
    """gogc-100's heap starts cycles inside its loop steps: ] stops there (letter "h")."""
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.ui.player import Action, Player

    program = load_program("gogc-100")
    presenter, follower = Player(Timeline(program)), Player(Timeline(program))
    script = [["next_phase"] * 4, ["mark_unit", "next_phase"], ["step"], ["next_cycle", "prev_phase"], ["step_back"]]
    for actions in script:
        for name in actions:
            presenter.perform(Action(name))
        letters = history_letters(presenter.timeline)
        apply_position(follower, letters)
        assert history_letters(follower.timeline) == letters
        assert follower.timeline.where == presenter.timeline.where
        assert follower.timeline.runtime.digest() == presenter.timeline.runtime.digest()
    assert "h" in letters


# -- the PTY and the forked app process -------------------------------------------------------------------

def _echo_raw() -> int:
    """In the forked child: say what it got (environment, session, terminal), then echo 256 raw bytes as hex."""
    import json
    import tty

    tty.setraw(0)
    facts = {"env": dict(os.environ), "cwd": os.getcwd(), "leader": os.getsid(0) == os.getpid(),
             "terminal": os.tcgetpgrp(0) == os.getpid()}
    os.write(1, b"raw!" + json.dumps(facts).encode() + b"\n")
    data = b""
    while len(data) < 256:
        data += os.read(0, 256 - len(data))
    os.write(1, b"<" + data.hex().encode() + b">")
    return 3


async def test_an_app_on_its_pty_gets_every_byte_and_only_the_environment_it_is_given(tmp_path, monkeypatch):
    import json

    from gomemtui.serve.ptyapp import PtyApp
    from gomemtui.serve.viewers import spawn

    monkeypatch.setenv("SERVER_SECRET", "hush")
    received = bytearray()
    app = PtyApp((80, 24), received.extend)
    env = {"PATH": os.defpath, "HOME": str(tmp_path)}
    await app.start(lambda slave: spawn(_echo_raw, (), stdio=(slave,) * 3, env=env, cwd=tmp_path, terminal=True))
    try:
        async with asyncio.timeout(30):
            while b"\n" not in received.partition(b"raw!")[2]:  # it has put its terminal in raw mode
                await asyncio.sleep(0.02)
        app.write(bytes(range(256)))
        assert await asyncio.wait_for(app.wait(), 10) == 3
    finally:
        await app.stop(1)
    facts = json.loads(bytes(received).partition(b"raw!")[2].partition(b"\n")[0])
    assert facts == {"env": env, "cwd": str(tmp_path), "leader": True, "terminal": True}
    echoed = bytes(received).split(b"<")[-1].split(b">")[0]
    assert bytes.fromhex(echoed.decode()) == bytes(range(256))


# -- following: keys and commands that move the timeline are held back by action name ----------------------

async def test_a_follower_holds_back_timeline_actions_whatever_asks_for_them():
    from gomemtui.sync import ViewerConfig
    from gomemtui.ui.app import make_app
    from gomemtui.ui.follow import _Link
    from gomemtui.ui.screens.main import MainScreen
    from gomemtui.ui.screenshot import wait_idle

    app = make_app(load_program("tour"), "tour.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_idle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen) and main.frame is not None
        await pilot.press("n")  # exploring: n steps
        await wait_idle(pilot)
        assert main.frame.next_step == 1
        app.remote = _Link(ViewerConfig(sync="/nowhere"), presenter_present=True)  # a follower, following
        for press in (lambda: pilot.press("n"), lambda: pilot.press("g"), lambda: app.run_action("screen.step")):
            await press()
            await wait_idle(pilot)
            assert main.frame.next_step == 1 and main.frame.position == 1  # held back
        await pilot.press("tab")  # looking around is not moving the timeline
        await wait_idle(pilot)
        assert main.active != "heap"
        assert app.check_action("explore_alone", ()) and not app.check_action("follow_presenter", ())
        await pilot.press("e")  # explore alone: n steps again
        await pilot.press("n")
        await wait_idle(pilot)
        assert main.frame.next_step == 2


def test_a_crashing_app_leaves_its_traceback_in_the_crash_file_not_on_the_terminal(tmp_path, monkeypatch, capsys):
    """A real Textual crash (an exception in a handler): its traceback goes to the crash
    file the server logs, and nothing of it to the viewer's terminal."""
    from textual.app import App

    from gomemtui.serve.child import CRASH_FILE, _run_reporting_crashes, read_crash

    class Crashing(App):
        def on_mount(self) -> None:
            raise KeyError("boom\x1b]0;title\x07")

        def run(self, **kwargs):  # type: ignore[override]
            return super().run(headless=True)

    monkeypatch.chdir(tmp_path)
    status = _run_reporting_crashes(Crashing())  # type: ignore[arg-type]
    captured = capsys.readouterr()
    assert status == 1
    assert "boom" not in captured.err and "boom" not in captured.out
    report = read_crash(tmp_path)
    assert report is not None and "KeyError" in report and "on_mount" in report
    assert "\x1b" not in report and "\x07" not in report  # control characters escaped for the log
    assert (tmp_path / CRASH_FILE).exists()
    assert read_crash(tmp_path / "nowhere") is None


def test_a_window_size_is_clamped_to_what_a_winsize_holds():
    from gomemtui.serve.ptyapp import _winsize

    # struct winsize is four unsigned shorts: rows, columns, pixel width, pixel height
    assert struct.unpack("HHHH", _winsize(100, 30, 70000, -5)) == (30, 100, 65535, 0)
    assert struct.unpack("HHHH", _winsize(10**6, 10**6)) == (500, 1000, 0, 0)
    assert struct.unpack("HHHH", _winsize(0, 0)) == (24, 80, 0, 0)
