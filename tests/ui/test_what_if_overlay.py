"""The app's what-if overlays: `o` (or the palette) → a setting → the scenario re-run in the
background → its heap and goal on the pacer chart and its figures in the header; removal.

The figures the app shows are compared with `gomemtui run X --gogc 50 --json` (what the
command line prints), never with the overlay code's own computation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomemtui.cli import main
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.screens.what_if import WhatIfScreen
from gomemtui.ui.screenshot import wait_idle
from gomemtui.ui.widgets.header import StatusHeader
from gomemtui.ui.widgets.pacer_chart import PacerChart
from tests.ui.conftest import screen_text

TWO_BUFFERS = str(Path(__file__).parents[1] / "cli" / "data" / "two-buffers.toml")


def app_at(scenario: str, step: int | None = None) -> GoMemApp:
    return GoMemApp(Timeline(load_program(scenario)), path=Path(scenario).name, start_step=step)


def run_json_summary(capsys, *argv: str) -> dict:
    """The summary object `gomemtui run ... --json` prints."""
    capsys.readouterr()
    assert main(["run", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out.splitlines()[-1])


async def what_ifs_done(pilot, screen: MainScreen) -> None:
    """Wait for every what-if run (and the run played) to finish, and its frame to be drawn."""
    for _ in range(1200):  # each run is a child process: up to a minute on a loaded machine
        runs = screen.what_ifs.runs if screen.what_ifs else []
        played = screen.what_ifs.played if screen.what_ifs else None
        if runs and all(r.trace or r.error for r in [*runs, played]):
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError("the what-if runs did not finish in a minute")
    await wait_idle(pilot)


async def add(pilot, text: str) -> None:
    await pilot.press("o")
    assert isinstance(pilot.app.screen, WhatIfScreen)
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def test_o_then_a_setting_overlays_the_run_and_its_figures_equal_run_json(monkeypatch, capsys):
    for name in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS"):
        monkeypatch.delenv(name, raising=False)
    as_written = run_json_summary(capsys, "gogc-100")
    fifty = run_json_summary(capsys, "gogc-100", "--gogc", "50")
    app = app_at("gogc-100", step=5)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await add(pilot, "GOGC=50")
        assert isinstance(app.screen, MainScreen)
        await what_ifs_done(pilot, screen)
        header = screen.query_one(StatusHeader)
        figures = {r.label: r for r in header.runs}
        assert list(figures) == ["as opened", "GOGC=50"]
        for label, summary in (("as opened", as_written), ("GOGC=50", fifty)):
            assert figures[label].cycles == summary["cycles"]
            assert figures[label].peak_heap_bytes == summary["peak_heap_bytes"]
        assert header.size.height == 2
        text = screen_text(app)
        assert f"GOGC=50: {fifty['cycles']} cycles" in text.splitlines()[1]
        chart = screen.query_one("#pacer", PacerChart)
        (overlay,) = chart.overlays
        assert overlay.label == "GOGC=50" and overlay.style == "dashdot"
        assert overlay.points and max(heap for _, heap, _ in overlay.points) <= fifty["peak_heap_bytes"]
        assert "GOGC=50" in text  # the legend entry


async def test_an_overlay_follows_the_step_shown(monkeypatch, capsys):
    """Going back to step 3 shows the what-if after its own third step: fewer cycles, and
    samples only up to that step's simulated time."""
    app = app_at("gogc-100", step=5)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        await add(pilot, "GOGC=200")
        await what_ifs_done(pilot, screen)
        chart = screen.query_one("#pacer", PacerChart)
        at_end = chart.overlays[0].points
        end_cycles = screen.query_one(StatusHeader).runs[1].cycles
        await pilot.press("home")
        await wait_idle(pilot)
        assert screen.frame.next_step == 0
        assert chart.overlays[0].points == tuple(p for p in at_end if p[0] <= 0) or \
            len(chart.overlays[0].points) <= 1
        assert screen.query_one(StatusHeader).runs[1].cycles == 0
        await pilot.press("end")
        await wait_idle(pilot)
        assert chart.overlays[0].points == at_end
        assert screen.query_one(StatusHeader).runs[1].cycles == end_cycles


async def test_removing_overlays_clears_the_chart_and_the_header():
    app = app_at(TWO_BUFFERS, step=4)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        await add(pilot, "GOGC=50")
        await add(pilot, "green_tea=false")
        await what_ifs_done(pilot, screen)
        chart = screen.query_one("#pacer", PacerChart)
        assert [o.label for o in chart.overlays] == ["GOGC=50", "green_tea=false"]
        assert [o.style for o in chart.overlays] == ["dashdot", "sparse"]
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, WhatIfScreen)
        await pilot.press("tab")  # to the list: presets, then "Remove ..." entries
        options = dialog.query_one("#what-if-options")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[-3:] == ["remove:GOGC=50", "remove:green_tea=false", "remove:"]
        options.highlighted = ids.index("remove:GOGC=50")
        await pilot.press("enter")
        await wait_idle(pilot)
        assert [o.label for o in chart.overlays] == ["green_tea=false"]
        assert [r.label for r in screen.query_one(StatusHeader).runs] == ["as opened", "green_tea=false"]
        screen.remove_what_if()  # the palette's "Remove what-if overlays"
        await wait_idle(pilot)
        await pilot.pause(0.1)
        assert chart.overlays == ()
        assert screen.query_one(StatusHeader).runs == ()
        assert screen.query_one(StatusHeader).size.height == 1


async def test_a_bad_setting_is_explained_in_the_dialog():
    app = app_at(TWO_BUFFERS, step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_idle(pilot)
        await add(pilot, "GOGC=lots")
        assert isinstance(app.screen, WhatIfScreen)
        assert 'GOGC=lots: expected a percentage such as 100, or "off"' in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.what_ifs is None


async def test_a_fourth_what_if_is_refused_until_one_is_removed():
    app = app_at(TWO_BUFFERS, step=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        for setting in ("GOGC=50", "GOGC=200", "GOGC=off"):
            await add(pilot, setting)
        await what_ifs_done(pilot, screen)
        await pilot.press("o")
        assert "3 what-ifs are shown: remove one to add another." in screen_text(app)
        assert app.screen.query_one("#what-if-input").disabled


async def test_keys_still_step_while_a_what_if_runs():
    """A what-if plays in a worker thread: the run played steps on meanwhile."""
    app = app_at("gogc-100", step=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        await add(pilot, "GOGC=50")
        await pilot.press("n")
        await wait_idle(pilot)
        assert screen.frame.next_step == 1
        await what_ifs_done(pilot, screen)
        assert screen.what_ifs.runs[0].trace is not None


@pytest.mark.parametrize("colors", ["color", "mono"])
@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_of_two_overlays(snap_compare, monkeypatch, size, colors):
    """gogc-100 at its end with GOGC=50 and GOGC=200 drawn over its pacer chart."""
    if colors == "mono":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)

    async def run_before(pilot) -> None:
        await wait_idle(pilot)
        await add(pilot, "GOGC=50")
        await add(pilot, "GOGC=200")
        await what_ifs_done(pilot, pilot.app.screen)

    assert snap_compare(app_at("gogc-100", step=5), terminal_size=size, run_before=run_before)
