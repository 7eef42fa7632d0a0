"""Real Go's GC cycles, from a `GODEBUG=gctrace=1` log, over the pacer chart
(`gomemtui SCENARIO --against LOG`).

The log's clock is the real program's wall time and the chart's is the simulation's, so
the real cycles are placed as `run --against` pairs them: by number. Real cycle k is
drawn at the simulated time the model's cycle k started, with its heap at the start and
its goal (whole MiB, as gctrace prints them), once the model has started its own cycle k;
real cycles past the model's last one are counted in the legend, not drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gomemtui.runtime.enums import GCPhase
from gomemtui.ui.widgets.pacer_chart import REAL_STYLE, Overlay

if TYPE_CHECKING:
    from gomemtui.runtime.gc.history import PacerPoint
    from gomemtui.runtime.read.gctrace_log import RealCyclePoint


def cycle_starts(history: tuple[PacerPoint, ...]) -> list[int]:
    """The simulated times at which the model's cycles started, oldest first: the samples
    where the phase leaves "no cycle running" (`gcStart`)."""
    starts: list[int] = []
    previous = GCPhase.OFF
    for point in history:
        if previous == GCPhase.OFF and point.phase != GCPhase.OFF:
            starts.append(point.time_ns)
        previous = point.phase
    return starts


def real_overlay(points: tuple[RealCyclePoint, ...], history: tuple[PacerPoint, ...],
                 model_cycles: int) -> Overlay:
    """The real cycles the model has reached (`model_cycles` started so far), each at its
    model twin's start time, with a legend label saying how many are drawn."""
    starts = cycle_starts(history)
    reached = min(len(points), len(starts), model_cycles)
    drawn = tuple((starts[i], p.heap_start, p.goal) for i, p in enumerate(points[:reached]))
    label = f"real Go {reached}/{len(points)}"
    return Overlay(label, REAL_STYLE, drawn)
