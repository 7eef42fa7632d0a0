"""The timeline: a position in a scenario's run, stepping forward and back.

(Work in progress: the signatures below are the contract the CLI and the UI use.)

A position is the number of actions applied to a fresh Runtime. Actions are the
scenario's steps plus what the user inserts (one unit of mark work, next GC phase,
runtime.GC() now); stepping back restores the nearest checkpoint and replays, so the
state after rewinding is exactly that of a straight run.
"""

from __future__ import annotations

from gomemtui.runtime.events import Event
from gomemtui.runtime.machine import Runtime
from gomemtui.runtime.ops import Program, Step


class Timeline:
    """Drives a Runtime through a Program, with checkpoints for instant rewind."""

    def __init__(self, program: Program) -> None:
        raise NotImplementedError

    runtime: Runtime
    program: Program

    @property
    def position(self) -> int:
        """Actions applied so far (0 = before the first step)."""
        raise NotImplementedError

    @property
    def next_step(self) -> int:
        """Index of the next scenario step to run (len(steps) at the end)."""
        raise NotImplementedError

    @property
    def current_step(self) -> Step | None:
        """The last scenario step run (None before the first)."""
        raise NotImplementedError

    @property
    def at_end(self) -> bool:
        raise NotImplementedError

    @property
    def last_events(self) -> tuple[Event, ...]:
        """Events of the last action."""
        raise NotImplementedError

    def step(self) -> tuple[Event, ...]:
        """Run the next scenario step."""
        raise NotImplementedError

    def step_back(self) -> bool:
        """Undo the last action; False at the start."""
        raise NotImplementedError

    def mark_unit(self) -> tuple[Event, ...]:
        raise NotImplementedError

    def next_phase(self) -> tuple[Event, ...]:
        """Advance to the next GC phase (running steps until a cycle starts if none runs)."""
        raise NotImplementedError

    def prev_phase(self) -> bool:
        """Step back to where the GC phase last changed."""
        raise NotImplementedError

    def run_gc(self) -> tuple[Event, ...]:
        raise NotImplementedError

    def goto_step(self, index: int) -> None:
        """Position just after scenario step `index` (-1: the start)."""
        raise NotImplementedError

    def home(self) -> None:
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError
