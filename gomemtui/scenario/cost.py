"""What running a scenario will cost the machine: real memory and real time.

The limits of `limits.py` that count simulated things (4 GiB of live heap, a million
operations) say what gomemtui agrees to simulate. This module estimates what simulating
it costs for real, from the checked steps, every `repeat` and loop iteration multiplied
in (nested loops too). What the core spends its memory and time on:

- heap objects: each object id is a row of numpy arrays, never reused
  (`runtime/memory/objects.py`), and every GC cycle reads the whole object table;
- pointer slots: an int64 pair per pointer field of an object and per element of an
  array of pointers, never reused (`runtime/values/pointers.py`);
- slice backing arrays: the program state keeps a record of each;
- map keys, and keys or values stored out of line (> 128 B: one heap object each, with
  a name and a part record);
- operations run one at a time by their handler (a loop's body, a `repeat` the runtime
  does not run in one go), each with its events, which `gomemtui run` keeps;
- GC cycles: the forced ones (`gc` steps) and an upper bound of the heap-triggered ones,
  each with a fixed cost and mark work proportional to the object table at that time, the
  maps' out-of-line parts, the roots and the pools used;
- the timeline's checkpoints (the app steps back through them), which copy the object
  table and the pointer slots;
- after every top-level step, `run`'s look at every variable and goroutine.

This module holds the figures (`Work`), what one unit of each costs, and the estimate of
a whole run (`CostEstimate`); `cost_walk.estimate` computes it from the steps, and
`budget.budget_problems` turns a figure past its limit (`limits.py`) into a `Problem` at
the step responsible.

The unit costs (`UNIT_SECONDS`, `UNIT_BYTES`, `OP_COSTS`) were measured on a 2-core
machine with `benchmarks/bench_cost.py`, which prints measured against estimated time
and peak memory of `gomemtui run` for a table of scenarios, and rounded up: the estimate
is an upper bound within a small factor (the checkpoints, which `run` does not take, are
counted for the app).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from gomemtui.scenario.model import StepSpec

__all__ = ["Work", "CostEstimate", "UNIT_SECONDS", "UNIT_BYTES", "OP_COSTS", "CHECKPOINT_BYTES"]

UNIT_SECONDS: dict[str, float] = {
    "start": 1.3,
    "steps": 3e-4,
    "step_reads": 2.5e-5,
    "objects": 1.5e-6,
    "pointer_slots": 1.2e-7,
    "map_keys": 4e-6,
    "map_objects": 1e-5,
    "span_objects": 1.2e-4,
    "page_scans": 2.5e-8,
    "gc_cycles": 1.5e-3,
    "mark_objects": 5e-8,
    "mark_slots": 3e-9,
    "pool_sweeps": 3e-5,
    "map_marks": 6e-7,
    "root_scans": 1.5e-5,
}
"""Seconds of the simulator per unit of each `Work` figure (`start`: start-up, imports
and the first GC's scipy included; `steps` and `step_reads`: what `run` does after each
top-level step, reading the state of every variable and goroutine). Operations run one
at a time cost `OP_COSTS`."""

UNIT_BYTES: dict[str, int] = {
    "start": 120 << 20,
    "steps": 4096,
    "step_reads": 400,
    "objects": 140,
    "pointer_slots": 32,
    "arrays": 1500,
    "map_keys": 250,
    "map_objects": 300,
    "gc_cycles": 10_000,
    "pool_sweeps": 500,
    "checkpoint_objects": 64,
    "checkpoint_slots": 32,
}
"""Peak resident bytes per unit of each `Work` figure (`start`: the process before it
runs a step; `steps` and `step_reads`: the state `run` keeps after each top-level step).
The object table and the pointer slots are counted with the copies that
growing them makes; the timeline's checkpoints copy them again after top-level steps
(`checkpoint_*`: per object and per slot of such a copy), up to `CHECKPOINT_BYTES`."""

CHECKPOINT_BYTES = 640 << 20
"""More than the timeline keeps in checkpoints (`timeline.MAX_CHECKPOINT_BYTES` of numpy
arrays, and their Python containers)."""

_EVENT = 1000
"""Bytes of the event an operation reports each time it runs (`run` keeps them all)."""

OP_COSTS: dict[str, tuple[float, int]] = {
    "new": (6e-5, _EVENT), "make_slice": (9e-5, _EVENT), "append": (2.8e-5, 100),
    "reslice": (1.5e-5, _EVENT), "copy_slice": (9e-5, _EVENT), "make_map": (3.5e-4, _EVENT),
    "map_insert": (5.5e-5, 100), "map_insert_out_of_line": (2e-4, 100), "map_delete": (4e-5, _EVENT),
    "map_clear": (4e-5, _EVENT),
    "pool_new": (8e-5, _EVENT), "pool_get": (6e-5, _EVENT), "pool_put": (9e-5, _EVENT),
    "assign": (2e-5, _EVENT), "assign_field": (3.5e-5, _EVENT), "drop": (1.5e-5, _EVENT),
    "global": (1.5e-5, _EVENT), "go": (6e-5, _EVENT), "block": (5e-5, _EVENT), "exit": (5e-5, _EVENT),
    "call": (1.6e-5, _EVENT), "gc": (2e-5, _EVENT), "set_gc_percent": (3e-5, _EVENT),
    "set_memory_limit": (3e-5, _EVENT), "make_string": (1e-4, _EVENT), "concat": (8e-5, _EVENT),
    "substring": (3e-5, _EVENT), "string_bytes": (7e-5, _EVENT), "set_elem": (3.5e-5, _EVENT),
    "box": (6e-5, _EVENT), "closure": (7e-5, _EVENT), "make_chan": (1e-4, _EVENT), "send": (6e-5, _EVENT), "recv": (6e-5, _EVENT),
    "close_chan": (4e-5, _EVENT), "free_os_memory": (1e-4, _EVENT), "set_finalizer": (5e-5, _EVENT),
    "add_cleanup": (8e-5, _EVENT), "weak_make": (6e-5, _EVENT), "weak_value": (4e-5, _EVENT),
}
"""(seconds, bytes) of one operation run by its handler, besides what it allocates (a
`gc`'s cycle is counted in `gc_cycles`); the bytes are its events' (an `append` or a
`map_insert` reports only its growths). `assign_field` is an `assign` to `var.field`,
which runs the write barrier; `map_insert_out_of_line` a `map_insert` into a map whose
keys or values are objects of their own."""


@dataclass(slots=True)
class Work:
    """Real work of a stretch of a run, with every repeat and loop iteration counted."""

    steps: int = 0
    """Top-level steps run."""
    step_reads: int = 0
    """Sum over top-level steps of the variables and goroutines there are after it."""
    operations: int = 0
    """Operations run one at a time by their handler (each emits events)."""
    op_seconds: float = 0.0
    """Their time (`OP_COSTS`)."""
    op_bytes: int = 0
    """Their events' memory (`OP_COSTS`)."""
    objects: int = 0
    """Heap objects allocated: rows of the object table."""
    pointer_slots: int = 0
    """Pointer slots given to new objects (a pointer field, an element of []*T)."""
    arrays: int = 0
    """Slice backing arrays made (heap or stack): a record each."""
    map_keys: int = 0
    """Keys inserted in maps."""
    map_objects: int = 0
    """Map keys and values stored out of line, one object each."""
    forced_cycles: int = 0
    """GC cycles of `gc` steps."""
    heap_cycles: float = 0.0
    """An upper bound of the heap-triggered GC cycles (a fraction per allocation)."""
    mark_objects: float = 0.0
    """Sum over GC cycles of the object table's rows at that time."""
    mark_slots: float = 0.0
    """Sum over GC cycles of the pointer slots at that time."""
    map_marks: float = 0.0
    """Sum over GC cycles of the map keys and values stored out of line so far (a cycle
    goes through each map's parts one by one)."""
    pool_sweeps: float = 0.0
    """Sum over GC cycles of the sync.Pools used so far (`poolCleanup` runs through them)."""
    root_scans: float = 0.0
    """Sum over GC cycles of the variables and goroutines there are then (the roots)."""
    allocated_bytes: int = 0
    """Simulated bytes allocated (requested sizes)."""
    span_objects: int = 0
    """Objects of 4 KiB or more: a span each (or for two), allocated and swept."""
    large_objects: int = 0
    """Objects of more than 32 KiB: each gets a span of its own."""
    page_scans: int = 0
    """Pages of the heap read to place large objects (a scan of the mapped heap each)."""
    checkpoint_bytes: int = 0
    """What the timeline's checkpoints after top-level steps copy (not capped)."""
    goroutines: int = 0
    """Goroutines started."""

    @property
    def gc_cycles(self) -> int:
        """Forced and (at most) heap-triggered GC cycles."""
        return self.forced_cycles + math.ceil(self.heap_cycles - 1e-9)

    @property
    def mark_work(self) -> int:
        """GC cycles × heap objects: the object-table rows all cycles read."""
        return math.ceil(self.mark_objects)

    def seconds(self) -> float:
        """Estimated seconds of simulation, start-up left out."""
        u = UNIT_SECONDS
        return (self.steps * u["steps"] + self.step_reads * u["step_reads"] + self.op_seconds
                + self.objects * u["objects"] + self.pointer_slots * u["pointer_slots"]
                + self.map_keys * u["map_keys"] + self.map_objects * u["map_objects"]
                + self.span_objects * u["span_objects"] + self.page_scans * u["page_scans"]
                + (self.forced_cycles + self.heap_cycles) * u["gc_cycles"]
                + self.mark_objects * u["mark_objects"] + self.mark_slots * u["mark_slots"]
                + self.map_marks * u["map_marks"] + self.pool_sweeps * u["pool_sweeps"]
                + self.root_scans * u["root_scans"])

    def memory_bytes(self) -> int:
        """Estimated peak resident bytes, start-up left out."""
        u = UNIT_BYTES
        return int(self.steps * u["steps"] + self.step_reads * u["step_reads"]
                   + self.objects * u["objects"] + self.pointer_slots * u["pointer_slots"]
                   + self.arrays * u["arrays"] + self.map_keys * u["map_keys"]
                   + self.map_objects * u["map_objects"] + self.op_bytes
                   + (self.forced_cycles + self.heap_cycles) * u["gc_cycles"]
                   + self.pool_sweeps * u["pool_sweeps"] + min(self.checkpoint_bytes, CHECKPOINT_BYTES))

    def add(self, other: Work, times: float = 1) -> None:
        """Add `times` × `other`, figure by figure (counts rounded to whole units)."""
        for name in _INTS:
            setattr(self, name, getattr(self, name) + round(getattr(other, name) * times))
        for name in _FLOATS:
            setattr(self, name, getattr(self, name) + getattr(other, name) * times)

    def minus(self, other: Work) -> Work:
        """This work less `other` (what was done in between)."""
        out = Work()
        for name in _FIELDS:
            setattr(out, name, getattr(self, name) - getattr(other, name))
        return out

    def copy(self) -> Work:
        out = Work()
        out.add(self)
        return out


_FIELDS = tuple(f.name for f in fields(Work))
_FLOATS = tuple(f.name for f in fields(Work) if f.type == "float")
_INTS = tuple(name for name in _FIELDS if name not in _FLOATS)


@dataclass
class CostEstimate:
    """What a scenario's run is estimated to cost."""

    steps: dict[tuple[int, ...], Work]
    """The work of every step, by `StepSpec.path`: an operation's own, a loop's entry
    only its top-level step count (its body's entries hold the rest)."""
    total: Work
    live_peak: int
    """An upper bound of the simulated live heap, in bytes."""
    live_peak_path: tuple[int, ...]
    """The step where that bound is reached."""
    live_retained: int
    """The part of `live_peak` kept by pointers stored in objects, slices and pools."""

    @property
    def seconds(self) -> float:
        """Estimated seconds of `gomemtui run`, start-up included."""
        return UNIT_SECONDS["start"] + self.total.seconds()

    @property
    def memory_bytes(self) -> int:
        """Estimated peak resident bytes of `gomemtui run`, start-up included."""
        return UNIT_BYTES["start"] + self.total.memory_bytes()

    def work_of(self, step: StepSpec) -> Work:
        """The work of `step` with its body's."""
        out = Work()
        pending = [step]
        while pending:
            s = pending.pop()
            if s.path in self.steps:
                out.add(self.steps[s.path])
            pending.extend(s.body)
        return out
