"""Snapshot tests (pytest-textual-snapshot): the main screen and each zoomed panel.

Started paused, at fixed sizes, with nothing on screen that depends on the wall
clock. Update with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at
the report before committing new pictures. Textual is pinned narrowly (pyproject)
because its SVGs change between releases.
"""

from __future__ import annotations

import pytest

from gomemtui.ui.app import GoMemApp
from tests.ui.conftest import before
from tests.ui.fakes import FakeTimeline

SIZES = [(80, 24), (160, 48)]
PANELS = ["source", "heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "log"]


def fake_app(step: int) -> GoMemApp:
    return GoMemApp(FakeTimeline(), path="fake.toml", start_step=step)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_after_three_steps(snap_compare, size):
    assert snap_compare(fake_app(3), terminal_size=size, run_before=before())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_mid_mark(snap_compare, size):
    keys = ("right_square_bracket", "right_square_bracket", "m")
    assert snap_compare(fake_app(4), terminal_size=size, run_before=before(keys))


@pytest.mark.parametrize("panel", PANELS)
def test_zoomed_panel(snap_compare, panel):
    assert snap_compare(fake_app(5), terminal_size=(160, 48), run_before=before(zoom=panel))


def test_help_screen(snap_compare):
    assert snap_compare(fake_app(0), terminal_size=(80, 24), run_before=before(("question_mark",)))
