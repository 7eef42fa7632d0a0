"""The scenario on screen before the core has loaded: the first frame and the picture of
the screen kept from the last run (gomemtui.ui.first_frame), the keys pressed meanwhile,
and the core's own frame that replaces them without a visible change."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import find_scenario, list_bundled, load_program
from gomemtui.scenario.settings import Overrides
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.first_frame import FirstFrameCache, settings_text
from gomemtui.ui.screens.main import PICTURE_SETTLE, MainScreen
from gomemtui.ui.screens.why_alive import WhyAliveScreen
from tests.ui.conftest import screen_svg, screen_text, settle, shows

NARROW = (80, 24)
WIDE = (160, 48)
BUNDLED = [b.short_name for b in list_bundled()]


def kept_for(name: str) -> FirstFrameCache:
    return FirstFrameCache(find_scenario(name), settings_text(Overrides()))


def loaded_app(name: str) -> GoMemApp:
    """The app as `gomemtui NAME` opens it, its core loaded behind the first paint."""
    program = load_program(name)
    return GoMemApp(lambda: Timeline(program), path=f"{name}.toml", first_frame=kept_for(name))


class SlowCore:
    """A timeline factory that waits until `ready` is set: the core still loading."""

    def __init__(self, name: str) -> None:
        self.program = load_program(name)
        self.ready = threading.Event()

    def __call__(self) -> Timeline:
        self.ready.wait(20)
        return Timeline(self.program)


async def core_screen(name: str, size: tuple[int, int]) -> tuple[str, str]:
    """(text, SVG) of the core's screen before the first step; keeps its first frame and
    its picture."""
    app = loaded_app(name)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        kept = kept_for(name)._picture_file(size, "textual-dark-color")
        for _ in range(40):  # until the picture is taken (the screen the same twice in a row)
            await pilot.pause(PICTURE_SETTLE / 2)
            if kept is not None and kept.is_file() and app.screen._picture_kept:
                break
        assert app.screen.frames_shown >= 1 and not app.screen.early
        return screen_text(app), screen_svg(app)


@pytest.mark.parametrize("name", BUNDLED)
async def test_the_kept_first_frame_shows_what_the_core_shows(name: str) -> None:
    """Every bundled scenario at 80×24: the panels over the kept frame, before the core has
    loaded, read exactly as the core's own screen (every figure, the title, the source
    line, step 0/N), and so does the picture drawn in the first paint."""
    expected_text, expected_svg = await core_screen(name, NARROW)
    first_paint: list[str] = []
    fill = MainScreen._fill_panels

    core = SlowCore(name)
    app = GoMemApp(core, path=f"{name}.toml", first_frame=kept_for(name))

    async def record_then_fill(screen: MainScreen) -> None:
        first_paint.append(screen_text(app))
        await fill(screen)

    MainScreen._fill_panels = record_then_fill  # type: ignore[method-assign]
    try:
        async with app.run_test(size=NARROW) as pilot:
            for _ in range(50):
                await pilot.pause()
                if app.screen.filled and not app.screen.query("#kept-picture"):
                    break
            screen = app.screen
            assert isinstance(screen, MainScreen) and screen.early and screen.frames_shown == 0
            assert len(first_paint) == 1
            assert first_paint[0].splitlines() == expected_text.splitlines()  # the picture
            for _ in range(40):  # the panels over the kept frame, once they have drawn it
                if screen_text(app) == expected_text:
                    break
                await pilot.pause(0.05)
            assert screen.early
            assert screen_text(app) == expected_text
            assert screen_svg(app) == expected_svg
            core.ready.set()
            await settle(pilot)
            assert not screen.early and screen.frames_shown >= 1
            assert screen_text(app) == expected_text
    finally:
        MainScreen._fill_panels = fill  # type: ignore[method-assign]
        core.ready.set()


async def test_a_frame_kept_at_one_size_fits_another() -> None:
    """Kept at 160×48, shown at 80×24: the empty heap map is redrawn at the new size as
    the core draws it (no picture: that one is of the other size)."""
    expected_text, expected_svg = await core_screen("tour", NARROW)
    picture = kept_for("tour")._picture_file(NARROW, "textual-dark-color")
    assert picture is not None and picture.is_file()
    picture.unlink()
    await core_screen("tour", WIDE)  # the frame kept last is the one at 160×48
    frame = kept_for("tour").load()
    assert frame is not None and (frame.grid.rows, frame.grid.cols) != (0, 0)
    assert not picture.exists()
    core = SlowCore("tour")
    app = GoMemApp(core, path="tour.toml", first_frame=kept_for("tour"))
    try:
        async with app.run_test(size=NARROW) as pilot:
            for _ in range(50):
                await pilot.pause()
                if app.screen.filled:
                    break
            await pilot.pause()
            assert app.screen.early
            assert screen_text(app) == expected_text
            assert screen_svg(app) == expected_svg
    finally:
        core.ready.set()


async def test_keys_pressed_while_the_core_loads_run_once_it_is_ready() -> None:
    await core_screen("tour", WIDE)
    core = SlowCore("tour")
    app = GoMemApp(core, path="tour.toml", first_frame=kept_for("tour"))
    try:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            await pilot.press("n", "n")
            assert not app.screen.query("#kept-picture")  # the user acts: the panels themselves
            assert app.screen.early and "step 0/10" in screen_text(app)
            core.ready.set()
            await settle(pilot)
            assert app.screen.frame.next_step == 2
            assert "step 2/10" in screen_text(app)
    finally:
        core.ready.set()


async def test_why_alive_waits_for_the_core() -> None:
    await core_screen("tour", WIDE)
    core = SlowCore("tour")
    app = GoMemApp(core, path="tour.toml", first_frame=kept_for("tour"))
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            for _ in range(50):
                await pilot.pause()
                if app.screen.filled:
                    break
            assert app.screen.early
            await pilot.press("w")
            assert not isinstance(app.screen, WhyAliveScreen)
            assert await shows(pilot, "Loading the runtime")
            core.ready.set()
            await settle(pilot)
            assert isinstance(app.screen, WhyAliveScreen)
    finally:
        core.ready.set()


async def test_a_core_that_fails_behind_the_kept_frame_closes_the_app() -> None:
    await core_screen("tour", WIDE)

    def broken() -> Timeline:
        raise RuntimeError("no core")

    app = GoMemApp(broken, path="tour.toml", first_frame=kept_for("tour"))
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
    assert app.return_code == 1


# -- the cache ---------------------------------------------------------------------------------

def test_a_changed_file_or_setting_has_a_key_of_its_own(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.toml"
    scenario.write_text(find_scenario("tour").read_text())
    plain = FirstFrameCache(scenario, "").key()
    assert plain == FirstFrameCache(scenario, "").key()
    assert FirstFrameCache(scenario, "gogc=50").key() != plain
    scenario.write_text(scenario.read_text() + "\n# edited\n")
    assert FirstFrameCache(scenario, "").key() != plain
    assert FirstFrameCache(tmp_path / "missing.toml", "").key() is None


def test_settings_text_names_only_the_settings_given() -> None:
    assert settings_text(Overrides()) == ""
    assert settings_text(Overrides(gogc=50, gomemlimit=None)) == "gogc=50,gomemlimit=None"


async def test_a_broken_kept_file_is_forgotten() -> None:
    await core_screen("tour", WIDE)
    kept = kept_for("tour")
    file = kept._file()
    assert file is not None and file.is_file()
    file.write_bytes(b"not a pickle")
    assert kept.load() is None
    assert not file.exists()
    picture = kept._picture_file(WIDE, "textual-dark-color")
    assert picture is not None and picture.is_file()
    picture.write_text("[1, 2")
    assert kept.load_picture(WIDE, "textual-dark-color") is None
    assert not picture.exists()


def test_an_empty_cache_dir_turns_the_cache_off(monkeypatch) -> None:
    monkeypatch.setenv("GOMEMTUI_CACHE_DIR", "")
    kept = kept_for("tour")
    assert kept.load() is None and kept.load_picture(WIDE, "textual-dark-color") is None
