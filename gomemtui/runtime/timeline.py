"""The timeline: a position in a scenario's run, stepping forward and back.

A position is the number of actions applied to a fresh Runtime. Actions are the
scenario's steps plus what the user inserts (one unit of mark work, the end of a
stop-the-world pause, runtime.GC() now). A step action runs its step until the step
ends or the GC phase changes, whichever comes first, so a long step (a loop, a repeat,
a long append, a big map insert) in which the heap starts cycles is several positions,
one per phase change: the viewer can stop at each cycle's start and mark inside the
step, and pausing there changes nothing in the run (`Runtime.run_step`).

Stepping back restores the nearest checkpoint and replays, so the state after rewinding
is exactly that of a straight run (the core is deterministic). Going back and then
forward again replays the same actions; a different action taken after stepping back
discards the old future, as an editor's undo does.

A caller that must stay responsive (the app's worker thread) sets `slice_hook`: long
step actions then run in slices of about `SLICE_SECONDS` of real time and the hook is
called between them, with the step's progress; it may raise (`Cancelled`, a real-cost
ceiling) to stop the action, after which the timeline puts itself back at its position
before its next use.

Checkpoints are taken when enough work has been done since the last one (measured
in actions and in replay time), so rewinding never replays more than a few
milliseconds of work; old checkpoints are thinned to bound memory.
"""

from __future__ import annotations

import bisect
import gc
import time
from dataclasses import dataclass
from typing import Callable

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
SLICE_SECONDS = 0.05
"""Real time a long step runs before the slice hook is called again."""
PART_EVENTS_KEPT = 200
"""Events kept of each part of a step that paused at a phase change, for the explanation
after rewinding (it shows 40; the event log keeps 60 an entry)."""
CYCLE_PHASES = (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM)
STW_PHASES = (GCPhase.SWEEP_TERM, GCPhase.MARK_TERM)


class Cancelled(Exception):
    """Raised by a slice hook to stop the running action (the user quit or interrupted)."""


@dataclass(frozen=True)
class Action:
    """One thing applied to the runtime: a scenario step or a user's GC command."""

    kind: str
    """"step" (run step `step` until it ends or the GC phase changes), "mark", "phase"
    (the collector's next phase, without the program) or "gc"."""
    step: int = -1


class Timeline:
    """Drives a Runtime through a Program, with checkpoints for instant rewind."""

    def __init__(self, program: Program, *, rewind: bool = True) -> None:
        self.program = program
        self.rewind = rewind
        """Whether checkpoints are taken for rewinding (`gomemtui run`, which never goes
        back, needs none beyond the start)."""
        self.runtime = Runtime(program.settings, program.goroutines)
        self._history: list[Action] = []
        self._pos = 0
        self._steps_after: list[int] = [0]
        """Scenario steps done at each position."""
        self._phase_after: list[GCPhase] = [self.runtime.phase]
        self._epoch_after: list[int] = [self.runtime.collector.phase_changes]
        """GC phase changes so far, at each position."""
        self._cycles_after: list[int] = [0]
        """GC cycles started so far, at each position."""
        self._inside_after: list[int] = [-1]
        """The step paused part-way at each position (-1: none)."""
        self._part_events: dict[int, tuple[Event, ...]] = {}
        """Events of each step part that ended at a phase change, by position after it."""
        self._dirty = False
        """An action stopped half-way (cancelled): the runtime is not at `_pos` until settled."""
        self.slice_hook: Callable[[str], None] | None = None
        """Called between slices of a long step with its progress; may raise to stop it."""
        self._next_hook = time.perf_counter() + SLICE_SECONDS
        """When the slice hook is due again between short step actions."""
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
    def action_kinds(self) -> tuple[str, ...]:
        """The kind of each action up to `position`, "part" for a step action that stopped
        at a GC phase change inside its step (what a follower replays with `next_phase`)."""
        return tuple(
            "part" if a.kind == "step" and self._inside_after[k + 1] >= 0 else a.kind
            for k, a in enumerate(self._history[: self._pos])
        )

    @property
    def next_step(self) -> int:
        """Index of the next scenario step to run (len(steps) at the end)."""
        return self._steps_after[self._pos]

    @property
    def current_step(self) -> Step | None:
        """The step paused part-way, else the last scenario step run (None before the first)."""
        inside = self._inside_after[self._pos]
        if inside >= 0:
            return self.program.steps[inside]
        done = self._steps_after[self._pos]
        return self.program.steps[done - 1] if done else None

    @property
    def inside_step(self) -> int:
        """Index of the step paused part-way at this position (-1: between steps)."""
        return self._inside_after[self._pos]

    @property
    def where(self) -> str:
        """Where a step paused part-way stands ("inside step 4, iteration 31,544 of
        50,000"; "" between steps)."""
        inside = self._inside_after[self._pos]
        if inside < 0:
            return ""
        progress = self.runtime.progress()
        return f"inside step {inside + 1}" + (f", {progress}" if progress else " (not started)")

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
            return self._run_step(action.step)
        if action.kind == "mark":
            events = rt.mark_unit()
        elif action.kind == "phase":
            events = rt.advance_phase()
        elif action.kind == "gc":
            events = rt.gc()
        else:  # pragma: no cover - actions are made here only
            raise ValueError(action.kind)
        return tuple(events)

    def _run_step(self, index: int) -> tuple[Event, ...]:
        """Run (or resume) step `index` until it ends or the GC phase changes; between
        slices of real time, call the slice hook."""
        rt = self.runtime
        op = self.program.steps[index].op
        epoch = rt.collector.phase_changes
        hook = self.slice_hook
        deadline = time.perf_counter() + SLICE_SECONDS

        def should_pause() -> bool:
            if rt.collector.phase_changes != epoch:
                return True
            return hook is not None and time.perf_counter() >= deadline

        if hook is not None and time.perf_counter() >= self._next_hook:
            # A step that stops at every phase change (a loop of runtime.GC()) is many
            # short actions: the hook is called between them too, as between slices.
            hook(self._where_in(index))
            self._next_hook = time.perf_counter() + SLICE_SECONDS
        rt.events.take()
        events: list[Event] = []
        while True:
            ended = rt.run_step(op, should_pause, (index,))
            events.extend(rt.events.take())
            if ended or rt.collector.phase_changes != epoch or hook is None:
                rt.generation += 1
                return tuple(events)
            hook(self._where_in(index))
            deadline = self._next_hook = time.perf_counter() + SLICE_SECONDS

    def _where_in(self, index: int) -> str:
        progress = self.runtime.progress()
        return f"step {index + 1}" + (f", {progress}" if progress else "")

    def _do(self, action: Action) -> tuple[Event, ...]:
        self.settle()
        if self._pos < len(self._history) and self._history[self._pos] != action:
            self._truncate_future()
        started = time.perf_counter()
        try:
            events = self._run(action)
        except BaseException:
            self._dirty = True  # stopped half-way: back to `_pos` before the next use
            raise
        self._work_since_checkpoint += time.perf_counter() - started
        self._actions_since_checkpoint += 1
        if self._pos < len(self._history):
            self._pos += 1
        else:
            self._history.append(action)
            self._pos += 1
            rt = self.runtime
            inside = action.step if action.kind == "step" and rt.step_paused else (
                self._inside_after[-1] if action.kind != "step" else -1)
            done = self._steps_after[-1] + (1 if action.kind == "step" and inside < 0 else 0)
            self._steps_after.append(done)
            self._inside_after.append(inside)
            self._phase_after.append(rt.phase)
            self._epoch_after.append(rt.collector.phase_changes)
            self._cycles_after.append(rt.collector.num_gc + (1 if rt.collector.cycle is not None else 0))
        self._remember_part(events)
        self._last_events = self._events_here(events)
        self._maybe_checkpoint()
        return events

    def _remember_part(self, events: tuple[Event, ...]) -> None:
        """Keep the events of a step part that paused (the explanation of the step's end
        shows the whole step's events, also after rewinding)."""
        if self.rewind and self._inside_after[self._pos] >= 0 and self._history[self._pos - 1].kind == "step":
            self._part_events.setdefault(self._pos, events[:PART_EVENTS_KEPT])

    def previous_stop(self, position: int) -> int:
        """Where the move that ended at `position` began: before the step's first part
        when the action there ended a step run in parts, else one action before."""
        if position <= 0:
            return 0
        action = self._history[position - 1]
        p = position - 1
        if action.kind == "step" and self._inside_after[position] < 0:
            while p > 0 and self._history[p - 1] == action and self._inside_after[p] == action.step:
                p -= 1
        return p

    def _events_here(self, events: tuple[Event, ...]) -> tuple[Event, ...]:
        """What the explanation shows at this position: the last action's events, and,
        where that action ended a step run in parts, the earlier parts' events first."""
        start = self.previous_stop(self._pos)
        if start >= self._pos - 1:
            return events
        earlier = (self._part_events.get(p, ()) for p in range(start + 1, self._pos))
        return tuple(e for part in earlier for e in part) + events

    def _truncate_future(self) -> None:
        del self._history[self._pos :]
        for after in (self._steps_after, self._phase_after, self._epoch_after, self._cycles_after,
                      self._inside_after):
            del after[self._pos + 1 :]
        for pos in [p for p in self._part_events if p > self._pos]:
            del self._part_events[pos]
        future = [p for p in self._checkpoints if p > self._pos]
        for pos in future:
            del self._checkpoints[pos]
            self._checkpoint_bytes.pop(pos, None)
        if future:
            _free_dropped()

    def _maybe_checkpoint(self) -> None:
        if not self.rewind:
            return
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
        if dropped:
            _free_dropped()
        return dropped

    def preload(self) -> None:
        """Import now what the core otherwise imports at first use (scipy, at the first
        GC), for a caller that has idle time (the app, once its first frame is shown)."""
        graph.preload()

    def step(self) -> tuple[Event, ...]:
        """Run the next scenario step to its end, or the rest of a step paused part-way
        (nothing at the end). Returns every event of what it ran."""
        if self.at_end:
            return ()
        index = self.next_step
        collected: list[Event] = []
        while self.next_step == index:
            collected.extend(self._do(Action("step", index)))
        return tuple(collected)

    def mark_unit(self) -> tuple[Event, ...]:
        """One unit of mark work (a root, a span or an object)."""
        return self._do(Action("mark"))

    def run_gc(self) -> tuple[Event, ...]:
        """`runtime.GC()` now, inserted at this point of the program."""
        return self._do(Action("gc"))

    def next_phase(self) -> tuple[Event, ...]:
        """Run the program until the GC phase changes: a cycle starts, its mark ends, its
        sweep ends — inside a step when that is where it happens. Nothing is forced: in a
        stop-the-world pause the user stopped in, the pause ends; after the last step, a
        running mark is finished by the workers (the program waits); with no cycle
        running after the last step, nothing happens (returns no events)."""
        self.settle()
        rt = self.runtime
        if rt.phase in STW_PHASES:
            return self._do(Action("phase"))
        epoch = rt.collector.phase_changes
        collected: list[Event] = []
        while not self.at_end:
            collected.extend(self._do(Action("step", self.next_step)))
            if rt.collector.phase_changes != epoch:
                return tuple(collected)
        if rt.phase is GCPhase.MARK:
            collected.extend(self._do(Action("phase")))
        return tuple(collected)

    def next_cycle(self) -> tuple[Event, ...]:
        """Run the program until the next GC cycle starts (see `next_phase`)."""
        self.settle()
        started = self._cycles_after[self._pos]
        collected: list[Event] = []
        while True:
            before = self._pos
            collected.extend(self.next_phase())
            if self._pos == before or self._cycles_after[self._pos] != started:
                return tuple(collected)

    # -- going back ---------------------------------------------------------------------------

    def settle(self) -> None:
        """After a cancelled action: put the runtime back at `_pos`."""
        if self._dirty:
            self._dirty = False
            hook, self.slice_hook = self.slice_hook, None  # a short replay: not to be cut short
            try:
                self.goto_position(self._pos, force=True)
            finally:
                self.slice_hook = hook

    def goto_position(self, target: int, force: bool = False) -> None:
        """Put the runtime in the state after `target` actions (within the recorded history)."""
        if not force:
            self.settle()
        target = max(0, min(target, len(self._history)))
        if target == self._pos and not force:
            return
        if target <= self._pos:
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
            try:
                events = self._run(self._history[self._pos])
            except BaseException:
                self._dirty = True
                raise
            self._work_since_checkpoint += time.perf_counter() - started
            self._actions_since_checkpoint += 1
            self._pos += 1
            self._last_events = self._events_here(events)
            self._maybe_checkpoint()

    def step_back(self) -> bool:
        """Back to before the last step or GC command (skipping the stops inside a step
        that `]` makes); False at the start."""
        if self._pos == 0:
            return False
        target = self._pos - 1
        while target > 0 and self._inside_after[target] >= 0 and self._history[target - 1].kind == "step":
            target -= 1
        self.goto_position(target)
        return True

    def prev_phase(self) -> bool:
        """Back to the last position before this one where the GC phase changed; False
        (staying here) when there is none."""
        return self._back_to_change(self._epoch_after)

    def prev_cycle(self) -> bool:
        """Back to the last position before this one where a GC cycle started; False
        (staying here) when there is none."""
        return self._back_to_change(self._cycles_after)

    def _back_to_change(self, counts: list[int]) -> bool:
        """Go to the last position before this one where `counts` (a figure recorded at
        each position) moved; False when it never did."""
        for j in range(self._pos - 1, 0, -1):
            if counts[j] != counts[j - 1]:
                self.goto_position(j)
                return True
        return False

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


def _free_dropped() -> None:
    """Free dropped checkpoints now. A checkpoint is a deep copy of the runtime's state,
    full of reference cycles, so reference counting leaves it to the cyclic collector;
    that collector counts Python objects, not bytes, and a checkpoint of a big heap is
    mostly numpy arrays: without this, dropped checkpoints of a million-object heap
    piled up to gigabytes before a full collection came."""
    gc.collect()
