"""Fixtures for the UI tests: a fake timeline, an app over it, and a way to wait for frames."""

from __future__ import annotations

import html
import re

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot

from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screenshot import wait_idle
from tests.ui.fakes import FakeTimeline


async def settle(pilot: Pilot) -> None:
    """Wait until the panels are filled, queued timeline actions have run and their frame
    is drawn (the screenshot command's wait, with fewer rounds)."""
    await wait_idle(pilot, rounds=50)


_SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="([0-9.]+)" clip-path="url\(#[^)]*-line-(\d+)\)">'
    r"([^<]*)</text>"
)
"""One run of text in `App.export_screenshot`'s SVG: its x, width, row and characters."""


def screen_svg(app: App) -> str:
    """The screen as `App.export_screenshot` pictures it: characters, colors and styles
    (two screens that look alike give the same SVG)."""
    return app.export_screenshot()


def screen_text(app: App) -> str:
    """What the terminal shows, as plain text (one line per row), read from the screen's
    SVG picture: each run of text sits at x = its first cell × the cell width."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, length, row, escaped in _SVG_TEXT.findall(screen_svg(app)):
        text = html.unescape(escaped).replace("\xa0", " ")
        col = round(float(x) / (float(length) / len(text)))
        for char in text.rstrip("\n"):  # a row's end is written as a newline past its last cell
            rows[int(row)][col] = char
            if cell_len(char) == 2 and col + 1 < width:
                rows[int(row)][col + 1] = ""
            col += cell_len(char)
    return "\n".join("".join(cells).rstrip() for cells in rows)


async def shows(pilot: Pilot, text: str, rounds: int = 40) -> bool:
    """Whether `text` comes on screen within a moment (a toast, mounted after the frame)."""
    for _ in range(rounds):
        if text in screen_text(pilot.app):
            return True
        await pilot.pause(0.05)
    return False


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
