"""The timeline: a position in a scenario's run, stepping forward and back.

A position is the number of actions applied to a fresh Runtime. Actions are the
scenario's steps plus what the user inserts (one unit of mark work, next GC phase,
runtime.GC() now). Stepping back restores the nearest checkpoint and replays, so the
state after rewinding is exactly that of a straight run (the core is deterministic).
Going back and then forward again replays the same actions; a different action taken
after stepping back discards the old future, as an editor's undo does.

Checkpoints are taken when enough work has been done since the last one (measured
in actions and in replay time), so rewinding never replays more than a few
milliseconds of work; old checkpoints are thinned to bound memory.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass

from gomemtui.runtime import graph
from gomemtui.runtime.events import Event
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.program import Program, Step
from gomemtui.runtime.enums import GCPhase

CHECKPOINT_EVERY_ACTIONS = 64
CHECKPOINT_EVERY_SECONDS = 0.02
SNAPSHOT_COST_FACTOR = 2.0
"""Work between checkpoints is at least this many times the cost of taking one, so
checkpointing never takes more than about a third of the playing time."""
MAX_CHECKPOINTS = 512
MAX_CHECKPOINT_BYTES = 512 << 20
"""Checkpoints of a big heap are thinned to stay within this much memory."""


@dataclass(frozen=True)
class Action:
    """One thing applied to the runtime: a scenario step or a user's GC command."""

    kind: str
    """"step", "mark", "phase" or "gc"."""
    step: int = -1


class Timeline:
    """Drives a Runtime through a Program, with checkpoints for instant rewind."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.runtime = Runtime(program.settings, program.goroutines)
        self._history: list[Action] = []
        self._pos = 0
        self._steps_after: list[int] = [0]
        """Scenario steps done at each position."""
        self._phase_after: list[GCPhase] = [self.runtime.phase]
        self._checkpoints: dict[int, object] = {0: self.runtime.snapshot()}
        self._checkpoint_bytes: dict[int, int] = {0: self.runtime.state_nbytes()}
        self._snapshot_cost = 0.0
        self._work_since_checkpoint = 0.0
        self._actions_since_checkpoint = 0
        self._last_events: tuple[Event, ...] = ()

    # -- where we are ----------------------------------------------------------------------

    @property
    def position(self) -> int:
        """Actions applied so far (0 = before the first step)."""
        return self._pos

    @property
    def length(self) -> int:
        """Actions recorded (positions beyond `position` can be replayed with `goto_position`)."""
        return len(self._history)

    @property
    def actions(self) -> tuple[Action, ...]:
        """The actions applied to reach `position`, oldest first (what a follower replays)."""
        return tuple(self._history[: self._pos])

    @property
    def next_step(self) -> int:
        """Index of the next scenario step to run (len(steps) at the end)."""
        return self._steps_after[self._pos]

    @property
    def current_step(self) -> Step | None:
        """The last scenario step run (None before the first)."""
        done = self._steps_after[self._pos]
        return self.program.steps[done - 1] if done else None

    @property
    def last_action(self) -> Action | None:
        return self._history[self._pos - 1] if self._pos else None

    @property
    def at_end(self) -> bool:
        return self.next_step >= len(self.program.steps)

    @property
    def at_start(self) -> bool:
        return self._pos == 0

    @property
    def last_events(self) -> tuple[Event, ...]:
        """Events of the last action."""
        return self._last_events

    # -- doing ------------------------------------------------------------------------------

    def _run(self, action: Action) -> tuple[Event, ...]:
        rt = self.runtime
        if action.kind == "step":
            events = rt.apply(self.program.steps[action.step].op)
        elif action.kind == "mark":
            events = rt.mark_unit()
        elif action.kind == "phase":
            events = rt.advance_phase()
        elif action.kind == "gc":
            events = rt.gc()
        else:  # pragma: no cover - actions are made here only
            raise ValueError(action.kind)
        return tuple(events)

    def _do(self, action: Action) -> tuple[Event, ...]:
        if self._pos < len(self._history) and self._history[self._pos] != action:
            self._truncate_future()
        started = time.perf_counter()
        events = self._run(action)
        self._work_since_checkpoint += time.perf_counter() - started
        self._actions_since_checkpoint += 1
        if self._pos < len(self._history):
            self._pos += 1
        else:
            self._history.append(action)
            self._pos += 1
            done = self._steps_after[-1] + (1 if action.kind == "step" else 0)
            self._steps_after.append(done)
            self._phase_after.append(self.runtime.phase)
        self._last_events = events
        self._maybe_checkpoint()
        return events

    def _truncate_future(self) -> None:
        del self._history[self._pos :]
        del self._steps_after[self._pos + 1 :]
        del self._phase_after[self._pos + 1 :]
        for pos in [p for p in self._checkpoints if p > self._pos]:
            del self._checkpoints[pos]

    def _maybe_checkpoint(self) -> None:
        if self._pos in self._checkpoints:
            self._work_since_checkpoint = 0.0
            self._actions_since_checkpoint = 0
            return
        worth_it = self._work_since_checkpoint >= SNAPSHOT_COST_FACTOR * self._snapshot_cost
        long_enough = self._work_since_checkpoint >= CHECKPOINT_EVERY_SECONDS
        many_actions = self._actions_since_checkpoint >= CHECKPOINT_EVERY_ACTIONS
        if worth_it and (long_enough or many_actions):
            self._checkpoint()

    def _checkpoint(self) -> None:
        started = time.perf_counter()
        self._checkpoints[self._pos] = self.runtime.snapshot()
        self._checkpoint_bytes[self._pos] = self.runtime.state_nbytes()
        self._snapshot_cost = time.perf_counter() - started
        self._work_since_checkpoint = 0.0
        self._actions_since_checkpoint = 0
        while len(self._checkpoints) > MAX_CHECKPOINTS or (
            sum(self._checkpoint_bytes.values()) > MAX_CHECKPOINT_BYTES and len(self._checkpoints) > 2
        ):
            if not self._thin_checkpoints():
                break

    def _thin_checkpoints(self) -> bool:
        """Drop every other checkpoint in the older half (position 0 and the newest kept)."""
        positions = sorted(self._checkpoints)
        older = positions[1 : max(2, len(positions) // 2)]
        dropped = False
        for pos in older[::2]:
            if pos != positions[-1]:
                del self._checkpoints[pos]
                self._checkpoint_bytes.pop(pos, None)
                dropped = True
        return dropped

    def preload(self) -> None:
        """Import now what the core otherwise imports at first use (scipy, at the first
        GC), for a caller that has idle time (the app, once its first frame is shown)."""
        graph.preload()

    def step(self) -> tuple[Event, ...]:
        """Run the next scenario step (nothing at the end)."""
        if self.at_end:
            return ()
        return self._do(Action("step", self.next_step))

    def mark_unit(self) -> tuple[Event, ...]:
        """One unit of mark work (a root, a span or an object)."""
        return self._do(Action("mark"))

    def run_gc(self) -> tuple[Event, ...]:
        """`runtime.GC()` now, inserted at this point of the program."""
        return self._do(Action("gc"))

    def next_phase(self) -> tuple[Event, ...]:
        """Advance to the next GC phase (running steps until a cycle starts if none runs)."""
        phase = self.runtime.phase
        if phase in (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM):
            return self._do(Action("phase"))
        collected: list[Event] = []
        while not self.at_end:
            collected.extend(self.step())
            if self.runtime.phase != phase and self.runtime.phase is not GCPhase.SWEEP or (
                any(e.kind == "gc" for e in self._last_events)
            ):
                return tuple(collected)
        if self.runtime.phase is phase:
            # No cycle started before the end: start one here, as ] promises a phase change.
            collected.extend(self._do(Action("phase")))
        return tuple(collected)

    # -- going back ---------------------------------------------------------------------------

    def goto_position(self, target: int) -> None:
        """Put the runtime in the state after `target` actions (within the recorded history)."""
        target = max(0, min(target, len(self._history)))
        if target == self._pos:
            return
        if target < self._pos:
            # Restore a checkpoint before the target, so that at least the last action is
            # replayed: its events are what the explain panel shows at the target.
            base = max(p for p in self._checkpoints if p <= max(target - 1, 0))
            self.runtime.restore(self._checkpoints[base])
            self._pos = base
            self._last_events = ()
        self._work_since_checkpoint = 0.0
        self._actions_since_checkpoint = 0
        while self._pos < target:
            started = time.perf_counter()
            events = self._run(self._history[self._pos])
            self._work_since_checkpoint += time.perf_counter() - started
            self._actions_since_checkpoint += 1
            self._pos += 1
            self._last_events = events
            self._maybe_checkpoint()

    def step_back(self) -> bool:
        """Undo the last action; False at the start."""
        if self._pos == 0:
            return False
        self.goto_position(self._pos - 1)
        return True

    def prev_phase(self) -> bool:
        """Step back to where the GC phase last changed (before the current position)."""
        if self._pos == 0:
            return False
        target = 0
        for j in range(self._pos - 1, 0, -1):
            if self._phase_after[j] != self._phase_after[j - 1]:
                target = j
                break
        self.goto_position(target)
        return True

    def goto_step(self, index: int) -> None:
        """Position just after scenario step `index` (-1: the start)."""
        want = max(-1, min(index, len(self.program.steps) - 1)) + 1
        pos = bisect.bisect_left(self._steps_after, want)
        if pos < len(self._steps_after):
            self.goto_position(pos)
            return
        self.goto_position(len(self._history))
        while self.next_step < want and not self.at_end:
            self.step()

    def home(self) -> None:
        self.goto_position(0)

    def end(self) -> None:
        """Run every remaining scenario step."""
        self.goto_position(len(self._history))
        while not self.at_end:
            self.step()
