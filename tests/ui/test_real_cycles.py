"""Real Go's cycles from a gctrace log on the pacer chart: `gomemtui SCENARIO --against LOG`."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.cli import main
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.gc.history import PacerPoint
from gomemtui.runtime.read.gctrace_log import parse_gctrace, real_cycle_points
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.real_cycles import cycle_starts, real_overlay
from gomemtui.ui.screenshot import wait_idle
from gomemtui.ui.widgets.pacer_chart import REAL_STYLE, PacerChart
from tests.ui.conftest import screen_text

LOGS = Path(__file__).resolve().parents[1] / "oracle" / "gctrace_logs"
MIB = 1 << 20
TWO_CYCLES = (
    "gc 1 @0.001s 2%: 0.01+0.2+0.01 ms clock, 0.01+0.1/0.1/0+0.01 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P\n"
    "gc 2 @0.003s 2%: 0.01+0.2+0.01 ms clock, 0.01+0.1/0.1/0+0.01 ms cpu, 5->6->2 MB, 7 MB goal, 0 MB stacks, 0 MB globals, 1 P\n"
)


def point(t: int, phase: GCPhase) -> PacerPoint:
    return PacerPoint(t, 0, 0, 0, 0, 0, phase)


def test_cycle_starts_are_where_the_phase_leaves_off() -> None:
    history = (point(0, GCPhase.OFF), point(10, GCPhase.SWEEP_TERM), point(11, GCPhase.MARK),
               point(12, GCPhase.SWEEP), point(20, GCPhase.OFF), point(30, GCPhase.MARK), point(31, GCPhase.OFF))
    assert cycle_starts(history) == [10, 30]


def test_real_cycles_are_drawn_at_their_model_twins_start_once_the_model_reached_them() -> None:
    real = real_cycle_points(parse_gctrace(TWO_CYCLES, "two.log"))
    history = (point(0, GCPhase.OFF), point(10, GCPhase.MARK), point(15, GCPhase.OFF), point(40, GCPhase.MARK))
    both = real_overlay(real, history, model_cycles=2)
    assert both.style == REAL_STYLE and both.label == "real Go 2/2"
    assert both.points == ((10, 4 * MIB, 4 * MIB), (40, 5 * MIB, 7 * MIB))  # heap at start, goal
    first = real_overlay(real, history[:3], model_cycles=1)
    assert first.points == ((10, 4 * MIB, 4 * MIB),) and first.label == "real Go 1/2"


async def test_the_app_draws_the_log_over_the_pacer_chart() -> None:
    log = real_cycle_points(parse_gctrace((LOGS / "gogc-100.log").read_text(), "gogc-100.log"))
    assert len(log) == 19
    program = load_program("gogc-100", env={})
    app = GoMemApp(lambda: Timeline(program), path="gogc-100", real_cycles=log)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        await pilot.press("end")
        await wait_idle(pilot)
        chart = app.screen.query_one("#pacer", PacerChart)
        (overlay,) = chart.overlays
        cycles = app.screen.frame.view.gc.cycle
        assert overlay.label == f"real Go {min(cycles, 19)}/19"
        assert overlay.points[0][1:] == (3 * MIB, 4 * MIB)  # gc 1: 3->3->1 MB, 4 MB goal
        assert f"real Go {min(cycles, 19)}/19" in screen_text(app)
        await pilot.press("home")
        await wait_idle(pilot)
        assert chart.overlays[0].points == () and chart.overlays[0].label == "real Go 0/19"


def test_a_log_that_cannot_be_read_fails_before_the_app_opens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tour", "--against", str(tmp_path / "missing.log")]) == 2
    assert "missing.log: cannot read the gctrace log" in capsys.readouterr().err
    empty = tmp_path / "empty.log"
    empty.write_text("hello\n")
    assert main(["tour", "--against", str(empty)]) == 1
    err = capsys.readouterr().err
    assert "empty.log:1: not a gctrace line" in err and "Traceback" not in err
