"""Snapshots at 80×24 of the panels a class reads from the back of the room, in color and
under NO_COLOR: the Maps panel with two maps, the Goroutines panel with 100 leaked
goroutines, and the pacer chart with a memory limit (all over the real core).

Update with `pytest tests/ui/test_fact_snapshots.py --snapshot-update` after comparing the
text of the old and new pictures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_program, load_text
from gomemtui.ui.app import GoMemApp
from tests.ui.conftest import before

SMALL = (80, 24)
TWO_MAPS = Path(__file__).parent / "scenarios" / "two-maps.toml"
COLORS = ["color", "mono"]


def bundled_app(name: str, step: int | None = None) -> GoMemApp:
    program = load_program(name)
    return GoMemApp(Timeline(program), path=f"{name}.toml",
                    start_step=len(program.steps) if step is None else step)


def set_colors(colors: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under NO_COLOR (read when the app is made) Textual drops every color."""
    if colors == "mono":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.parametrize("colors", COLORS)
def test_maps_panel_with_two_maps(snap_compare, colors: str, monkeypatch: pytest.MonkeyPatch):
    """After delete-all on a and clear on b: the two summaries differ in tombstones only."""
    set_colors(colors, monkeypatch)
    program = compile_scenario(load_text(TWO_MAPS.read_text(), str(TWO_MAPS)))
    app = GoMemApp(Timeline(program), path=str(TWO_MAPS), start_step=len(program.steps) - 1)
    assert snap_compare(app, terminal_size=SMALL, run_before=before(zoom="maps"))


@pytest.mark.parametrize("colors", COLORS)
def test_goroutines_panel_with_100_leaks(snap_compare, colors: str, monkeypatch: pytest.MonkeyPatch):
    set_colors(colors, monkeypatch)
    assert snap_compare(bundled_app("leak-100"), terminal_size=SMALL, run_before=before(zoom="goroutines"))


@pytest.mark.parametrize("colors", COLORS)
def test_pacer_chart_with_a_memory_limit(snap_compare, colors: str, monkeypatch: pytest.MonkeyPatch):
    """GOMEMLIMIT=20MiB, the live heap past the limit's goal: the limit's line is drawn."""
    set_colors(colors, monkeypatch)
    app = bundled_app("11-memory-limit", step=6)
    assert snap_compare(app, terminal_size=SMALL, run_before=before(keys=("tab", "z")))
