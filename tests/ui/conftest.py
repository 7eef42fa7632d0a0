"""Fixtures for the UI tests: a fake timeline, an app over it, and a way to wait for frames."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screenshot import wait_idle
from tests.ui.fakes import FakeTimeline


async def settle(pilot: Pilot) -> None:
    """Wait until the panels are filled, queued timeline actions have run and their frame
    is drawn (the screenshot command's wait, with fewer rounds)."""
    await wait_idle(pilot, rounds=50)


def screen_text(app, styles: bool = False) -> str:
    """What the terminal shows, as plain text (one line per row), or with ANSI styles."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=styles)


@pytest.fixture
def timeline() -> FakeTimeline:
    """A fresh fake timeline of 12 steps."""
    return FakeTimeline()


@pytest.fixture
def app(timeline: FakeTimeline) -> GoMemApp:
    """The app over the fake timeline."""
    return GoMemApp(timeline, path="fake.toml")


def before(keys: tuple[str, ...] = (), zoom: str | None = None):
    """A snapshot's run_before: the same settling as `gomemtui screenshot` (keys, zoom)."""
    from gomemtui.ui.screenshot import settle_at

    async def run(pilot: Pilot) -> None:
        await settle_at(pilot, keys, zoom)

    return run
