"""Opening the app: the empty panels come first, their widgets just after, the data last;
Python's cyclic GC, held off by the command line, comes back with the first frame."""

from __future__ import annotations

import gc
import threading

import pytest

from gomemtui import gc_hold
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.main import PANEL_ORDER, MainScreen
from tests.ui.conftest import screen_text, settle
from tests.ui.fakes import FakeTimeline

WIDE = (160, 48)


@pytest.fixture
def collector_restored():
    """Leave the interpreter's collector as the test found it (enabled, nothing frozen)."""
    yield
    gc_hold.release()
    gc.unfreeze()
    gc.enable()


async def test_the_first_frame_is_the_panels_alone(app: GoMemApp, monkeypatch) -> None:
    """What is on screen when the panels start to fill: the frame, the header, the footer."""
    painted: list[str] = []
    fill = MainScreen._fill_panels

    async def record_then_fill(screen: MainScreen) -> None:
        painted.extend(sorted({type(w).__name__ for w in screen.walk_children()} - {"FooterKey"}))
        await fill(screen)

    monkeypatch.setattr(MainScreen, "_fill_panels", record_then_fill)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert painted == ["Horizontal", "KeyFooter", "Panel", "PanelTabs", "StatusHeader", "Vertical"]
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.filled
        assert {type(w).__name__ for w in screen.walk_children()} >= {"HeapMap", "SourceView", "PacerChart"}


async def test_panels_fill_before_the_scenario_has_loaded() -> None:
    """The panels' widgets do not wait for the core: while the timeline is still being
    made, every panel has its widget and the header says it is loading."""
    loaded = threading.Event()

    def make() -> FakeTimeline:
        loaded.wait(10)
        return FakeTimeline()

    app = GoMemApp(make, path="fake.toml")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.filled and screen.frame is None
        for panel_id in PANEL_ORDER:
            assert screen.panel(panel_id).target is not None, panel_id
        assert screen.focused is screen.panel("heap").target
        assert "loading…" in screen_text(app)
        loaded.set()
        await settle(pilot)
        assert screen.frame is not None
        assert "Fake growth" in screen_text(app)


async def test_the_first_frame_releases_the_collector_held_by_the_command_line(collector_restored) -> None:
    gc_hold.hold()
    assert not gc.isenabled() and gc_hold.held()
    app = GoMemApp(FakeTimeline(), path="fake.toml")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.screen.frames_shown >= 1
        assert gc.isenabled() and not gc_hold.held()
        assert gc.get_freeze_count() > 0


def test_hold_leaves_a_collector_it_did_not_turn_off_alone(collector_restored) -> None:
    gc.disable()
    gc_hold.hold()
    assert not gc_hold.held()
    gc_hold.release()
    assert not gc.isenabled()  # someone else turned it off; not ours to turn on
    assert gc.get_freeze_count() == 0
