"""Fixtures for the UI tests: a fake timeline, an app over it, and a way to wait for frames."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from gomemtui.ui.app import GoMemApp
from tests.ui.fakes import FakeTimeline


async def settle(pilot: Pilot) -> None:
    """Wait until queued timeline actions have run and their frame is drawn."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        playback = getattr(screen, "playback", None)
        if playback is None or not playback.busy:
            break
    await pilot.pause()


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
    """A snapshot's run_before: wait for the first frame, press `keys` one at a time
    (each action finished), then zoom a panel, and wait until everything is drawn."""
    from gomemtui.ui.screenshot import wait_idle

    async def run(pilot: Pilot) -> None:
        await wait_idle(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_idle(pilot)
        if zoom is not None:
            screen = pilot.app.screen
            screen.focus_panel(zoom)
            if not screen.narrow:
                screen.zoomed = True
            await wait_idle(pilot)
        await pilot.pause(0.05)
        await wait_idle(pilot)

    return run
