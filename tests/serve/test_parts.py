"""The serve parts on their own: glyphs, protocol, environment, served set, host key, hub, sync."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import sys
import unicodedata

import asyncssh
import pytest

from gomemtui.scenario import find_scenario, load_program
from gomemtui.serve.environ import color_system, viewer_env
from gomemtui.serve.glyphs import to_ascii
from gomemtui.serve.hostkey import load_or_create_host_key
from gomemtui.serve.hub import SyncHub
from gomemtui.serve.protocol import PresenterState, ProtocolError, decode, encode, rle_decode, rle_encode
from gomemtui.serve.scenarios import ServeError, resolve_served
from gomemtui.ui.remote import (
    _kind_driver, apply_position, ascii_wanted, history_letters, read_position, slow_link_fps,
)


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

    _kind_driver(Base, True, None)(object()).write("╭─█─╮ step")
    _kind_driver(Base, False, None)(object()).write("█")
    assert written == ["+-#-+ step", "█"]
    assert ascii_wanted({"LANG": "en_US.ISO-8859-1"}) and ascii_wanted({"LC_ALL": "C"})
    assert ascii_wanted({"GOMEMTUI_ASCII": "1", "LANG": "C.UTF-8"})
    assert not ascii_wanted({"LANG": "en_US.UTF-8"}) and not ascii_wanted({})
    assert not ascii_wanted({"LC_ALL": "POSIX", "GOMEMTUI_ASCII": "0"})
    assert slow_link_fps({"SSH_CONNECTION": "1 2 3 4"}) == 10
    assert slow_link_fps({"SSH_CONNECTION": "1 2 3 4", "GOMEMTUI_FPS": "5"}) == 5
    assert slow_link_fps({"GOMEMTUI_SLOW_LINK": "0", "SSH_CONNECTION": "x"}) is None
    assert slow_link_fps({}) is None


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
    env = viewer_env(term="xterm-256color; rm -rf /", client_env={"LANG": "fr_FR.ISO-8859-1", "LD_PRELOAD": "x",
                                                                   "COLORTERM": "truecolor"},
                     home=tmp_path, kind="ssh", runtime_env={"GOGC": "50", "PATH": "/evil"})
    assert "AWS_SECRET_ACCESS_KEY" not in env and "LD_PRELOAD" not in env
    assert env["TERM"] == "xterm-256color" and env["PATH"] == os.defpath and env["GOGC"] == "50"
    assert env["GOMEMTUI_ASCII"] == "1" and env["LANG"] == "C.UTF-8" and env["HOME"] == str(tmp_path)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor" and env["TEXTUAL_FPS"] == "10"
    utf8 = viewer_env(term="xterm", client_env={"LC_ALL": "en_GB.UTF-8"}, home=tmp_path, kind="ssh")
    assert utf8["GOMEMTUI_ASCII"] == "0" and utf8["TEXTUAL_COLOR_SYSTEM"] == "standard"
    assert viewer_env(term="xterm", client_env={}, home=tmp_path, kind="ssh", force_ascii=True)["GOMEMTUI_ASCII"] == "1"


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


# -- the PTY ---------------------------------------------------------------------------------------------

ECHO = """
import os, sys, tty
tty.setraw(0)
os.write(1, b"raw!")
data = b""
while len(data) < 256:
    data += os.read(0, 256 - len(data))
os.write(1, b"<" + data.hex().encode() + b">")
"""


async def test_an_app_on_its_pty_gets_every_byte_as_sent(tmp_path):
    from gomemtui.serve.ptyapp import PtyApp

    received = bytearray()
    app = PtyApp([sys.executable, "-c", ECHO], {"PATH": os.defpath}, tmp_path, (80, 24), received.extend)
    await app.start()
    try:
        async with asyncio.timeout(10):
            while b"raw!" not in received:  # it has put its terminal in raw mode
                await asyncio.sleep(0.02)
        app.write(bytes(range(256)))
        assert await asyncio.wait_for(app.wait(), 10) == 0
    finally:
        await app.stop(1)
    echoed = bytes(received).split(b"<")[-1].split(b">")[0]
    assert bytes.fromhex(echoed.decode()) == bytes(range(256))
