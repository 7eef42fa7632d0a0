"""The real-cost budget: a scenario whose run would cost more than gomemtui agrees to
spend is refused at load time, as `file:line: message` at the step responsible.

`cost_walk.estimate` gives the work of every step; this module compares it with the limits of
`limits.py`, in this order, and reports each figure past its limit once:

1. what one top-level step allocates (its `repeat` and loop iterations included), and the
   live-heap bound: the simulated limits (4 GiB), counted through loops;
2. the figures of the whole run (heap objects, pointer slots, map keys,
   operations run one at a time, GC cycles, mark work), blamed on the step that does the
   most of it;
3. when no figure is past its limit, the estimated time and peak memory of the run.

A message names the step, the figure and its limit, what one unit costs, and for a loop
the body item that does most of it; it is written at the key that scales the step
(`times`, `repeat`, `len`, `count`, ...).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from gomemtui.scenario.cost import UNIT_BYTES, UNIT_SECONDS, CostEstimate, Work
from gomemtui.scenario.cost_walk import estimate
from gomemtui.scenario.errors import Problem, ScenarioError
from gomemtui.scenario.limits import (
    MAX_GC_CYCLES, MAX_HEAP_BYTES, MAX_HEAP_OBJECTS, MAX_MAP_KEYS, MAX_MARK_WORK,
    MAX_POINTER_SLOTS, MAX_RUN_BYTES, MAX_RUN_SECONDS, MAX_SINGLE_OPERATIONS,
)
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.settings import Overrides, describe_overrides, settings_for
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_count, format_duration, format_si

__all__ = ["budget_problems", "budget_problems_with", "check_budget_with", "FIGURES", "Figure"]

_SMALLER = "make the counts smaller: the runtime behaves the same at a smaller scale"
_SCALE_KEYS = ("times", "repeat", "cap", "len", "count", "batch", "hint")
"""The keys that scale a step, in the order a message prefers to point at them."""


@dataclass(frozen=True)
class Figure:
    """One figure of the budget: how it is counted, its limit, and how messages say it."""

    name: str
    value: Callable[[Work], int]
    limit: int
    noun: str
    """What is counted ("heap objects")."""
    why: str
    """What one unit costs the simulator, for the message."""
    verb: str = "makes"


FIGURES: tuple[Figure, ...] = (
    Figure("objects", lambda w: w.objects, MAX_HEAP_OBJECTS, "heap objects",
           "the simulator keeps a row of its object table for each, read by every GC cycle", "allocates"),
    Figure("pointer_slots", lambda w: w.pointer_slots, MAX_POINTER_SLOTS, "pointer slots",
           "one per pointer field and per element of an array of pointers, each a real int64 pair", "allocates"),
    Figure("map_keys", lambda w: w.map_keys, MAX_MAP_KEYS, "map keys", "", "inserts"),
    Figure("operations", lambda w: w.operations, MAX_SINGLE_OPERATIONS, "operations one at a time",
           "a `repeat` runs a `new`, an `append` without batch or value, or a `map_insert` in one go", "runs"),
    Figure("gc_cycles", lambda w: w.gc_cycles, MAX_GC_CYCLES, "GC cycles",
           "heap-triggered ones counted as the most GOGC and GOMEMLIMIT allow", "runs"),
    Figure("mark_work", lambda w: w.mark_work, MAX_MARK_WORK, "GC cycles × heap objects",
           "each cycle reads every row of the object table, freed objects included", "needs"),
)
"""The figures of the whole run, in the order they are checked."""


def check_budget_with(scenario: Scenario, overrides: Overrides | None) -> None:
    """The budget again when settings from outside the file (the environment, flags,
    what-if and compare settings) change the run; raises ScenarioError naming them. The
    loader checked the file's own settings: a GOGC of 5 set outside the file may start
    twenty times the cycles."""
    if overrides is None:
        return
    problems, _ = budget_problems_with(scenario, overrides)
    if problems:
        label = describe_overrides(overrides)
        raise ScenarioError(dataclasses.replace(p, message=f"{p.message} (with {label} set outside the file)")
                            for p in problems)


def budget_problems_with(scenario: Scenario, overrides: Overrides) -> tuple[list[Problem], str]:
    """The budget's problems of `scenario` run with `overrides` laid over its `[runtime]`,
    and a label of the settings they change ("" and no problems when they change none:
    the loader checked those)."""
    spec = scenario.runtime
    settings = settings_for(spec, overrides)
    changed = {name: getattr(settings, name) for name in ("gogc", "gomemlimit", "gomaxprocs", "green_tea")
               if getattr(settings, name) != getattr(spec, name)}
    if not changed:
        return [], ""
    problems = budget_problems(dataclasses.replace(scenario, runtime=dataclasses.replace(spec, **changed)))
    return problems, describe_overrides(Overrides(**changed))


def budget_problems(scenario: Scenario, cost: CostEstimate | None = None) -> list[Problem]:
    """The problems of `scenario` (a checked one) whose run would cost too much."""
    cost = cost if cost is not None else estimate(scenario)
    problems: list[Problem] = []

    def report(step: StepSpec, message: str) -> None:
        problems.append(Problem(_scale_line(step), f"{step.label} ({step.do}): {message}", scenario.path))

    works = {step.path: cost.work_of(step) for step in scenario.steps}
    for step in scenario.steps:
        work = works[step.path]
        if work.allocated_bytes > MAX_HEAP_BYTES:
            report(step, (
                f"{_this(step)} allocates about {_bytes(work.allocated_bytes)} of simulated heap"
                f"{_most(step, cost, lambda w: w.allocated_bytes, work, 'it')}; a step, with its repeat and loop "
                f"iterations, may allocate at most {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)} ({_SMALLER})"))
    if cost.live_peak > MAX_HEAP_BYTES:
        step = _top_step(scenario, cost.live_peak_path)
        kept = (f", {_bytes(cost.live_retained)} of it by pointers stored in objects, slices and pools "
                "(counted for every iteration)" if cost.live_retained else "")
        report(step, (
            f"the live heap could reach about {_bytes(cost.live_peak)} here{kept}; gomemtui simulates "
            f"at most {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)} of live heap ({_SMALLER})"))
    for figure in FIGURES:
        total = figure.value(cost.total)
        if total > figure.limit:
            step = max(scenario.steps, key=lambda s: figure.value(works[s.path]))
            mine = figure.value(works[step.path])
            of_all = "" if mine == total else f" (the run {format_count(total)} in all)"
            why = f"{figure.why}; " if figure.why else ""
            most = _most(step, cost, figure.value, works[step.path])
            report(step, (
                f"{_this(step)} {figure.verb} about {format_count(mine)} {figure.noun}{of_all}{most}; "
                f"a run may have at most {format_count(figure.limit)} ({why}{_SMALLER})"))
    if problems:
        return problems
    if cost.seconds > MAX_RUN_SECONDS:
        step, work, where = _responsible(scenario, works, cost.total, Work.seconds,
                                         MAX_RUN_SECONDS - UNIT_SECONDS["start"])
        report(step, (
            f"the run would take about {format_duration(cost.seconds)} (estimated; the limit is "
            f"{format_duration(MAX_RUN_SECONDS)}), {where}: {_time_parts(work)} ({_SMALLER})"))
    elif cost.memory_bytes > MAX_RUN_BYTES:
        step, work, where = _responsible(scenario, works, cost.total, Work.memory_bytes,
                                         MAX_RUN_BYTES - UNIT_BYTES["start"])
        report(step, (
            f"the run would need about {format_bytes(cost.memory_bytes, **MESSAGE_STYLE)} of memory "
            f"(estimated; the limit is {format_bytes(MAX_RUN_BYTES, **MESSAGE_STYLE)}), {where}: "
            f"{_memory_parts(work)} ({_SMALLER})"))
    return problems


def _responsible(scenario: Scenario, works: dict[tuple[int, ...], Work], total: Work,
                 amount: Callable[[Work], float], allowed: float) -> tuple[StepSpec, Work, str]:
    """The step to blame for the run's time or memory (`amount`), the work to describe
    and how the message says where: the step doing at least half of it, else the step
    where the run passes what is `allowed` (the whole run described)."""
    step = max(scenario.steps, key=lambda s: amount(works[s.path]))
    work = works[step.path]
    whole = amount(total)
    if 2 * amount(work) >= whole:
        share = format_duration(amount(work)) if amount is Work.seconds else \
            format_bytes(int(amount(work)), **MESSAGE_STYLE)
        return step, work, f"{share} of it in {_this(step)}"
    running = 0.0
    for step in scenario.steps:
        running += amount(works[step.path])
        if running > allowed:
            break
    return step, total, f"past the limit at this step, over {format_count(len(scenario.steps))} steps"


def _this(step: StepSpec) -> str:
    return "this loop" if step.do == "loop" else "this step"


def _bytes(n: int) -> str:
    return f"{format_si(n)} ({format_bytes(n, **MESSAGE_STYLE)})"


def _scale_line(step: StepSpec) -> int:
    """The line of the key that scales `step` (`times` of a loop, `repeat`, `len`, ...)."""
    for key in _SCALE_KEYS:
        if step.has(key) and (key != "repeat" or step.repeat > 1):
            return step.line_of(key)
    return step.line


def _top_step(scenario: Scenario, path: tuple[int, ...]) -> StepSpec:
    return scenario.steps[path[0]]


def _most(step: StepSpec, cost: CostEstimate, value: Callable[[Work], int], whole_work: Work,
          them: str = "them") -> str:
    """", most of them in body item 2 (new)" for a loop; "" otherwise."""
    if step.do != "loop":
        return ""
    leaves = [s for s in _leaves(step) if s.path in cost.steps]
    if not leaves:
        return ""
    top = max(leaves, key=lambda s: value(cost.steps[s.path]))
    part = value(cost.steps[top.path])
    if part <= 0:
        return ""
    where = ", ".join(f"body item {i + 1}" for i in top.path[1:])
    whole = value(whole_work)
    share = f"all of {them}" if part >= whole else (f"most of {them}" if 2 * part > whole else "the largest share")
    return f", {share} in {where} ({top.do})"


def _leaves(step: StepSpec) -> list[StepSpec]:
    out: list[StepSpec] = []
    for s in step.body:
        out.extend(_leaves(s) if s.do == "loop" else [s])
    return out


def _time_parts(work: Work) -> str:
    """What the time of `work` goes to, the biggest parts first."""
    u = UNIT_SECONDS
    parts = [
        (work.steps * u["steps"] + work.step_reads * u["step_reads"],
         f"reading the state after {format_count(work.steps)} steps"),
        (work.op_seconds, f"{format_count(work.operations)} operations run one at a time"),
        (work.objects * u["objects"] + work.pointer_slots * u["pointer_slots"],
         f"{format_count(work.objects)} heap objects"),
        (work.map_keys * u["map_keys"] + work.map_objects * u["map_objects"],
         f"{format_count(work.map_keys)} map keys"),
        ((work.forced_cycles + work.heap_cycles) * u["gc_cycles"] + work.mark_objects * u["mark_objects"]
         + work.mark_slots * u["mark_slots"] + work.pool_sweeps * u["pool_sweeps"]
         + work.root_scans * u["root_scans"],
         f"up to {format_count(work.gc_cycles)} GC cycles over up to {format_count(work.objects)} objects"),
    ]
    return _biggest(parts, format_duration)


def _memory_parts(work: Work) -> str:
    """What the memory of `work` goes to, the biggest parts first."""
    u = UNIT_BYTES
    parts = [
        (work.steps * u["steps"] + work.step_reads * u["step_reads"],
         f"the state kept after {format_count(work.steps)} steps"),
        (work.objects * u["objects"], f"{format_count(work.objects)} heap objects"),
        (work.pointer_slots * u["pointer_slots"], f"{format_count(work.pointer_slots)} pointer slots"),
        (work.arrays * u["arrays"], f"{format_count(work.arrays)} backing arrays"),
        (work.map_keys * u["map_keys"] + work.map_objects * u["map_objects"],
         f"{format_count(work.map_keys)} map keys"),
        (work.op_bytes, f"the events of {format_count(work.operations)} operations"),
        ((work.forced_cycles + work.heap_cycles) * u["gc_cycles"] + work.pool_sweeps * u["pool_sweeps"],
         f"{format_count(work.gc_cycles)} GC cycles"),
    ]
    return _biggest(parts, lambda n: format_bytes(int(n), **MESSAGE_STYLE))


def _biggest(parts: list[tuple[float, str]], fmt: Callable[[float], str]) -> str:
    shown = [f"{what} (about {fmt(amount)})" for amount, what in sorted(parts, key=lambda p: -p[0])
             if amount > 0][:2]
    return ", ".join(shown) if shown else "its operations"

