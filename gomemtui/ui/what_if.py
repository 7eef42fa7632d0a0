"""What-if overlays: the scenario re-run with other settings in the background, drawn
over the pacer chart and compared in the header, step for step with the run played.

Each what-if (and, with the first, the run as it is played, for the header's figures) is
played to its end by `runtime.read.outcome.play_trace` in a child process
(`what_if_child`), waited for by a thread worker: keys and playback go on at their speed
meanwhile, a removed what-if's process is killed at once, and the real-cost ceilings of
the app (`gomemtui.ceiling`) stop one that grows too big.
The figures shown for step k are those of the what-if after its own k-th step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget

from gomemtui.scenario.whatif import MAX_WHAT_IFS, WhatIf, program_with
from gomemtui.ui.widgets.header import RunFigures
from gomemtui.ui.widgets.pacer_chart import OVERLAY_STYLES, Overlay

if TYPE_CHECKING:
    from gomemtui.runtime.program import Program
    from gomemtui.runtime.read.outcome import RunTrace
    from gomemtui.ui.frame import Frame

AS_PLAYED = "as opened"
"""The header's name for the run played, with the settings the app was opened with."""


@dataclass
class WhatIfRun:
    """One run in the background or done."""

    label: str
    program: Program
    style: str = "solid"
    """Its line style on the pacer chart."""
    trace: RunTrace | None = None
    """Its figures and samples, once played."""
    error: str = ""
    """Why it stopped, if it failed."""
    reported: bool = False
    """Whether the user has been told why it failed."""
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass
class WhatIfUpdated(Message):
    """A what-if run finished, failed or was removed: redraw the overlays."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WhatIfUpdated)


class WhatIfOverlays:
    """Up to `MAX_WHAT_IFS` what-if runs of the program on a screen, and the run played.

    Args:
        host: The widget (the main screen) that runs the workers and gets `WhatIfUpdated`.
        ceiling: Whether each run is stopped at the app's real-cost ceilings.
    """

    def __init__(self, host: Widget, ceiling: bool = True) -> None:
        self.host = host
        self.ceiling = ceiling
        self.runs: list[WhatIfRun] = []
        """The what-ifs, in the order they were added."""
        self.played: WhatIfRun | None = None
        """The run played, re-run once for its figures step by step."""
        self._lock = threading.Lock()
        """One run plays at a time (the machine may have two cores, one for the app)."""

    @property
    def full(self) -> bool:
        """Whether no more what-ifs can be added."""
        return len(self.runs) >= MAX_WHAT_IFS

    def add(self, what_if: WhatIf, program: Program) -> str:
        """Start a what-if of `program` ("" when started, else why not)."""
        if self.full:
            return f"at most {MAX_WHAT_IFS} what-ifs at once: remove one first"
        if any(r.label == what_if.label for r in self.runs):
            return f"{what_if.label} is shown already"
        used = {r.style for r in self.runs}
        style = next(s for s in OVERLAY_STYLES if s not in used)
        run = WhatIfRun(what_if.label, program_with(program, what_if.overrides), style)
        self.runs.append(run)
        if self.played is None:
            self.played = WhatIfRun(AS_PLAYED, program)
            self._start(self.played)
        self._start(run)
        return ""

    def remove(self, label: str | None = None) -> None:
        """Remove the what-if named `label` (None: all of them), stopping it if it runs."""
        gone = [r for r in self.runs if label is None or r.label == label]
        for run in gone:
            run.cancel.set()
            self.runs.remove(run)
        if not self.runs and self.played is not None:
            self.played.cancel.set()
            self.played = None
        self.host.post_message(WhatIfUpdated())

    def close(self) -> None:
        """Stop every run (the screen is going away)."""
        for run in [*self.runs, *([self.played] if self.played else [])]:
            run.cancel.set()

    def _start(self, run: WhatIfRun) -> None:
        self.host.run_worker(lambda: self._play(run), thread=True, group="what-if", exit_on_error=False)

    def _play(self, run: WhatIfRun) -> None:
        """Play `run` to its end in a child process (waited for in a worker thread)."""
        from gomemtui.ui.what_if_child import Cancelled, RunFailed, play_in_child

        with self._lock:
            if run.cancel.is_set():
                return
            try:
                run.trace = play_in_child(run.program, run.cancel, self.ceiling)
            except Cancelled:
                return
            except RunFailed as exc:
                run.error = str(exc)
        self.host.post_message(WhatIfUpdated())

    # -- what the chart and the header show --------------------------------------------

    def overlays(self, frame: Frame | None) -> tuple[Overlay, ...]:
        """Each finished what-if's heap and goal up to the step `frame` shows."""
        done = frame.next_step if frame is not None else 0
        out = []
        for run in self.runs:
            if run.trace is None:
                continue
            until = run.trace.at_step(done).time_ns
            points = tuple((p.time_ns, p.heap_live, p.goal) for p in run.trace.history_until(until))
            out.append(Overlay(run.label, run.style, points))
        return tuple(out)

    def header_runs(self, frame: Frame | None) -> tuple[RunFigures, ...]:
        """The run played and each what-if, with their figures after the step `frame` shows."""
        if not self.runs:
            return ()
        done = frame.next_step if frame is not None else 0
        return tuple(_figures(run, done) for run in [*([self.played] if self.played else []), *self.runs])


def _figures(run: WhatIfRun, done: int) -> RunFigures:
    if run.error:
        return RunFigures(run.label, note="failed")
    if run.trace is None:
        return RunFigures(run.label, note="running…")
    f = run.trace.at_step(done)
    return RunFigures(run.label, f.cycles, f.peak_heap_bytes, f.gc_cpu_fraction)
