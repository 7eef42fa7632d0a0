"""`gomemtui run`: play a compiled scenario to the end without a UI.

Two outputs over the same walk through the `Timeline`:

* `run_text` — for people: each step with its source line and what the runtime did
  (the events' sentences), every GC cycle as its exact ``GODEBUG=gctrace=1`` line, and
  a summary (peak heap, cycles, pauses, what is still live and why).
* `run_json` — JSON Lines as DESIGN.md fixes them: one object per top-level step
  (``step``, ``line``, ``do``, ``vars``, ``heap``, ``gc``, ``pools``, ``events``), then one
  object with ``"summary": true``.

Everything shown is computed by the runtime and its read side (`RuntimeReader.json_state`,
`view`, `why_alive`, `Event`); this module only walks and formats.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol, TextIO

from gomemtui.runtime.events import Event
from gomemtui.runtime.program import Program, Step
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_exact, format_goal, json_printable, printable

__all__ = ["StepResult", "RunSummary", "walk", "summarize", "run_text", "run_json", "to_jsonable"]


class TimelineLike(Protocol):
    """The part of `gomemtui.runtime.timeline.Timeline` a headless run needs."""

    runtime: Any
    program: Program

    @property
    def at_end(self) -> bool: ...

    @property
    def current_step(self) -> Step | None: ...

    def step(self) -> tuple[Event, ...]: ...


@dataclass(frozen=True)
class StepResult:
    """One top-level step played: the step, its events and the state after it."""

    number: int
    """1 for the first [[step]]."""
    step: Step
    events: tuple[Event, ...]
    state: dict[str, Any]
    """`RuntimeReader.json_state()` after the step: vars, heap, gc, pools."""


@dataclass
class RunSummary:
    """What a whole run amounted to (the last line of `run --json`)."""

    steps: int = 0
    cycles: int = 0
    forced_cycles: int = 0
    peak_heap_bytes: int = 0
    """The largest heap seen: HeapAlloc after each step, heap0/heap1 of each GC cycle,
    and the pacer's samples of the live heap."""
    peak_step: int = 0
    pause_total_ns: int = 0
    pauses_ns: list[int] = field(default_factory=list)
    heap: dict[str, Any] = field(default_factory=dict)
    gc: dict[str, Any] = field(default_factory=dict)
    pools: dict[str, Any] = field(default_factory=dict)
    live: list[dict[str, Any]] = field(default_factory=list)
    leaked_goroutines: list[dict[str, Any]] = field(default_factory=list)
    gctrace: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"summary": True, **{k: v for k, v in self.__dict__.items()}}


def to_jsonable(value: Any) -> Any:
    """`value` with numpy scalars, enums, tuples and mappings made plain JSON values."""
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if getattr(value, "ndim", 0) and hasattr(value, "tolist"):  # numpy array
        return to_jsonable(value.tolist())
    if hasattr(value, "item"):  # numpy scalar
        return to_jsonable(value.item())
    return str(value)


def walk(timeline: TimelineLike) -> Iterator[StepResult]:
    """Play every top-level step, yielding what each did.

    The timeline's slice hook, if set (the real-cost ceilings of `run`), is also called
    after each step, so short steps are checked as well as the slices of long ones.
    """
    number = 0
    while not timeline.at_end:
        events = tuple(timeline.step())
        step = timeline.current_step
        assert step is not None
        number += 1
        hook = getattr(timeline, "slice_hook", None)
        if hook is not None:
            hook(f"after step {number}")
        yield StepResult(number, step, events, to_jsonable(_reader(timeline).json_state()))


def _reader(timeline: TimelineLike) -> Any:
    """The read side of the timeline's runtime (`RuntimeReader`), or a fake runtime that
    answers `json_state`, `view` and `why_alive` itself (as `Player` reads it)."""
    from gomemtui.runtime.core import Runtime
    from gomemtui.runtime.read.reader import RuntimeReader

    rt = timeline.runtime
    return RuntimeReader(rt) if isinstance(rt, Runtime) else rt


def summarize(timeline: TimelineLike, results: list[StepResult]) -> RunSummary:
    """The summary of a finished run, from the runtime's views."""
    from gomemtui.runtime.read.outcome import PeakHeap  # with the core, which the run has loaded

    rt = _reader(timeline)
    view = rt.view()
    peak = PeakHeap()  # the one definition of the peak heap (runtime.read.outcome)
    for r in results:
        peak.see_step(r.number, r.state.get("heap", {}).get("alloc_bytes"), r.events)
    gc_view = view.gc
    peak.see_history(getattr(gc_view, "history", ()))
    final = results[-1].state if results else to_jsonable(rt.json_state())
    summary = RunSummary(
        steps=len(results),
        cycles=int(view.memstats.num_gc),
        forced_cycles=int(view.memstats.num_forced_gc),
        peak_heap_bytes=peak.bytes,
        peak_step=peak.step,
        pause_total_ns=int(view.memstats.pause_total_ns),
        pauses_ns=[int(p) for p in gc_view.pauses_ns],
        heap=final.get("heap", {}),
        gc=final.get("gc", {}),
        pools=final.get("pools", {}),
        gctrace=list(gc_view.gctrace),
    )
    for var in view.vars:
        entry: dict[str, Any] = {
            "var": var.name, "kind": var.kind, "type": var.type, "bytes": int(var.bytes),
            "goroutine": var.goroutine, "global": bool(var.is_global),
        }
        try:
            why = rt.why_alive(var.name)
        except (KeyError, LookupError, ValueError):
            why = None
        if why is not None:
            entry.update(root=why.root, path=list(why.path), retained_bytes=int(why.retained_bytes),
                         why=why.explanation)
        summary.live.append(to_jsonable(entry))
    for g in view.goroutines:
        if g.leaked:
            summary.leaked_goroutines.append(to_jsonable({
                "goroutine": g.name, "state": g.state, "stack_bytes": int(g.stack_size),
                "retained_bytes": int(g.retained_bytes), "vars": list(g.vars),
            }))
    return summary


# -- text -------------------------------------------------------------------------------

def _settings_line(program: Program) -> str:
    s = program.settings
    gogc = "off" if s.gogc is None else str(s.gogc)
    limit = "off" if s.gomemlimit is None else format_bytes(s.gomemlimit, **MESSAGE_STYLE)
    marking = "Green Tea marking" if s.green_tea else "classic marking (nogreenteagc)"
    return f"GOGC={gogc} GOMEMLIMIT={limit} GOMAXPROCS={s.gomaxprocs}, {marking}"


def _source_line(program: Program, line: int) -> str:
    lines = program.source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


KEEP_HEAD = 10
KEEP_TAIL = 4
"""A step with more events than these shows the first and last ones and counts the rest
(GC lines are always shown); `run --all-events` shows everything."""


def _event_lines(events: Iterable[Event], *, all_events: bool = False) -> Iterator[str]:
    """Event sentences, indented; gctrace lines flush left; runs of phase changes on one line.

    A loop's hundreds of events are cut to the first and last few, with a count of the
    others by kind — unless `all_events`.
    """
    events = list(events)
    ordinary = [i for i, e in enumerate(events) if e.kind not in ("gc", "gc_phase")]
    hidden: set[int] = set()
    if not all_events and len(ordinary) > KEEP_HEAD + KEEP_TAIL + 1:
        hidden = set(ordinary[KEEP_HEAD:-KEEP_TAIL])
    phases: list[str] = []
    said_hidden = False

    def flush() -> Iterator[str]:
        if phases:
            yield "    GC phase: " + " → ".join(phases)
            phases.clear()

    for i, e in enumerate(events):
        if e.kind == "gc_phase":
            phase = str(to_jsonable(e.data.get("phase", e.text)))
            if phase == "sweep termination" and e.text:  # a cycle starts: say what started it
                yield from flush()
                yield f"    {e.text}"
            phases.append(phase)
            continue
        yield from flush()
        if i in hidden:
            if not said_hidden:
                said_hidden = True
                kinds: dict[str, int] = {}
                for j in sorted(hidden):
                    kinds[events[j].kind] = kinds.get(events[j].kind, 0) + 1
                counts = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
                yield f"    ... {len(hidden)} more events ({counts}; --all-events shows them)"
            continue
        if e.kind == "gc" and e.data.get("line"):
            yield str(e.data["line"])
        else:
            yield f"    {e.text}"
    yield from flush()


def _ns(ns: int) -> str:
    return f"{ns / 1e6:.3f} ms"


def format_summary(summary: RunSummary) -> Iterator[str]:
    """The summary block of `run`'s text output."""
    yield "summary"
    yield (f"  {summary.steps} steps, {summary.cycles} GC cycle(s)"
           + (f" ({summary.forced_cycles} forced)" if summary.forced_cycles else ""))
    if summary.pauses_ns:
        yield (f"  stop-the-world pauses: {_ns(summary.pause_total_ns)} in all, longest "
               f"{_ns(max(summary.pauses_ns))}")
    where = f" (step {summary.peak_step})" if summary.peak_step else ""
    yield f"  peak heap: {format_exact(summary.peak_heap_bytes, exact_below=1024)}{where}"
    heap = summary.heap
    if heap:
        alloc, inuse = (format_bytes(int(heap.get(key, 0)), **MESSAGE_STYLE)
                        for key in ("alloc_bytes", "inuse_bytes"))
        goal = format_goal(int(heap.get("goal_bytes", 0)), **MESSAGE_STYLE)
        yield (f"  heap at the end: HeapAlloc {alloc}, HeapInuse {inuse}, "
               f"{heap.get('objects', 0)} objects, next GC at {goal}")
    if summary.live:
        yield "  still live:"
        width = max(len(v["var"]) for v in summary.live)
        for v, more in _elided(summary.live, lambda v: str(v["var"])):
            if more:
                yield f"    … {more}"
                continue
            why = v.get("why") or v.get("root") or ""
            scope = "global" if v.get("global") else f"stack of {v.get('goroutine')}"
            yield (f"    {v['var']:<{width}}  {v['kind']} {v.get('type', '')}, "
                   f"{format_bytes(int(v.get('bytes', 0)), **MESSAGE_STYLE)} ({scope})" + (f": {why}" if why else ""))
    else:
        yield "  still live: nothing"
    leaked = summary.leaked_goroutines
    if len(leaked) > 1:
        held = sum(int(g["retained_bytes"]) for g in leaked)
        stacks = sum(int(g["stack_bytes"]) for g in leaked)
        yield (f"  {len(leaked)} leaked goroutines keep {format_exact(held)} of heap "
               f"and {format_bytes(stacks, **MESSAGE_STYLE)} of stack alive, each its own:")
    for g, more in _elided(leaked, lambda g: str(g["goroutine"])):
        if more:
            yield f"  … {more}"
            continue
        yield (f"  leaked goroutine {g['goroutine']}: {g['state']} for ever, "
               f"{format_bytes(g['stack_bytes'], **MESSAGE_STYLE)} stack, "
               f"keeps {format_bytes(g['retained_bytes'], **MESSAGE_STYLE)} "
               "of heap alive")


# -- go count (issue 13) --

ELIDE_OVER = 20
"""A `go` step's goroutines (`worker#17`), or their variables (`buf@worker#17`), listed
one a line up to this many; more are shown as the first and last few and a count."""
ELIDE_KEEP = 3


def _elided(items: list[dict[str, Any]], name: Callable[[dict[str, Any]], str]) -> Iterator[tuple[dict[str, Any], str]]:
    """`items` in order as (item, ""), with each run of more than `ELIDE_OVER` items of one
    `go` step's goroutines (`worker#17`, or a variable `buf@worker#17`) cut to its
    first `ELIDE_KEEP` and last one, and ({}, "N more …") in between."""
    def family(item: dict[str, Any]) -> str | None:
        head, mark, tail = name(item).rpartition("@")[2].rpartition("#")
        return head if mark and tail.isdigit() else None

    i = 0
    while i < len(items):
        fam = family(items[i])
        j = i + 1
        while fam is not None and j < len(items) and family(items[j]) == fam:
            j += 1
        run = items[i:j]
        if len(run) <= ELIDE_OVER:
            for item in run:
                yield item, ""
        else:
            for item in run[:ELIDE_KEEP]:
                yield item, ""
            hidden = run[ELIDE_KEEP:-1]
            yield {}, (f"{len(hidden):,} more of the same go step's goroutines, {name(hidden[0])} … "
                       f"{name(hidden[-1])} (run --json lists every one)")
            yield run[-1], ""
        i = j


def run_text(timeline: TimelineLike, out: TextIO, *, notes: bool = True,
             all_events: bool = False) -> RunSummary:
    """Play `timeline` to the end, writing the human-readable log to `out`.

    Every line passes through `printable`: titles, notes, source lines and names come from
    the scenario file, and a control character in them must not act on the terminal.
    """
    def write(text: str) -> None:
        out.write(printable(text))

    program = timeline.program
    name = program.source_name
    if program.title:
        write(f"{program.title}\n")
    if program.summary:
        write(f"{program.summary}\n")
    write(_settings_line(program) + "\n\n")
    results = []
    for r in walk(timeline):
        results.append(r)
        step = r.step
        code = _source_line(program, step.line)
        where = _goroutine_of(step)
        write(f"[{r.number}] {name}:{step.line}: {code or step.do}  ({step.do}{where})\n")
        if notes and step.note:
            write(f"    # {step.note}\n")
        for line in _event_lines(r.events, all_events=all_events):
            write(line + "\n")
    summary = summarize(timeline, results)
    write("\n")
    for line in format_summary(summary):
        write(line + "\n")
    return summary


def _goroutine_of(step: Step) -> str:
    g = getattr(step.op, "g", None)
    if g is None:
        inner = getattr(step.op, "op", None)
        g = getattr(inner, "g", "main")
    return "" if g == "main" else f" in {g}"


# -- JSON Lines -------------------------------------------------------------------------

STEP_KEYS = ("step", "line", "do", "vars", "heap", "gc", "pools", "events", "goroutines", "goal")
"""The keys of each step object, in order (DESIGN.md)."""


def step_object(r: StepResult) -> dict[str, Any]:
    """One `run --json` line for a step."""
    obj: dict[str, Any] = {"step": r.number, "line": r.step.line, "do": r.step.do}
    for key in ("vars", "heap", "gc", "pools"):
        obj[key] = r.state.get(key, {})
    obj["events"] = [to_jsonable(e.to_json()) for e in r.events]
    for key, value in r.state.items():  # anything more the core adds
        obj.setdefault(key, value)
    return obj


def run_json(timeline: TimelineLike, out: TextIO) -> RunSummary:
    """Play `timeline` to the end, writing JSON Lines to `out`."""
    results = []
    # json.dumps escapes the C0 controls itself; json_printable escapes the rest a terminal acts on.
    dump: Callable[[Any], str] = lambda obj: json_printable(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    for r in walk(timeline):
        results.append(r)
        out.write(dump(step_object(r)) + "\n")
    summary = summarize(timeline, results)
    out.write(dump(to_jsonable(summary.to_json())) + "\n")
    return summary


# -- what-if table (`run X --what-if SETTING`) -------------------------------------------

WHAT_IF_COLUMNS = ("cycles", "peak heap", "STW pause", "GC CPU", "heap at end", "live at end")
"""The figures of each row of `run --what-if`, after the setting."""


@dataclass(frozen=True)
class WhatIfRow:
    """One row of the what-if table: a run's name, its settings and its figures."""

    label: str
    """"as written", "as given: GOGC=50" (flags and environment), or the what-if ("GOGC=200")."""
    what_if: str | None
    """The what-if's setting, None for the run as written or given."""
    settings: Any
    """The `RuntimeSettings` the run started with."""
    figures: Any
    """`gomemtui.runtime.read.outcome.RunFigures` of the run."""


def what_if_cells(row: WhatIfRow) -> list[str]:
    """A row's cells, in `WHAT_IF_COLUMNS` order after its label."""
    f = row.figures
    return [row.label, f"{f.cycles}" + (f" ({f.forced_cycles} forced)" if f.forced_cycles else ""),
            format_bytes(f.peak_heap_bytes), _ns(f.pause_total_ns), f"{f.gc_cpu_fraction * 100:.1f} %",
            format_bytes(f.heap_bytes), format_bytes(f.live_bytes)]


def write_what_if_table(program: Program, rows: list[WhatIfRow], out: TextIO) -> None:
    """The what-if table: the title, the run's settings, then one line per run."""
    if program.title:
        out.write(printable(program.title) + "\n")
    out.write(_settings_line(program) + "\n\n")
    table = [["setting", *WHAT_IF_COLUMNS], *(what_if_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        out.write(printable("  ".join(cells).rstrip()) + "\n")


def what_if_object(row: WhatIfRow) -> dict[str, Any]:
    """One `run --what-if --json` line: the run, its settings and its figures."""
    s = row.settings
    return {"run": row.label, "what_if": row.what_if,
            "settings": {"gogc": s.gogc, "gomemlimit": s.gomemlimit, "gomaxprocs": s.gomaxprocs,
                         "green_tea": s.green_tea},
            **to_jsonable(row.figures.__dict__)}


def write_what_if_json(rows: list[WhatIfRow], out: TextIO) -> None:
    """`run --what-if --json`: one object per run, as JSON Lines."""
    for row in rows:
        out.write(json_printable(json.dumps(what_if_object(row), ensure_ascii=False, separators=(",", ":"))) + "\n")


def play_what_if(program: Program, check: Callable[[str], None] | None = None) -> Any:
    """Play `program` to the end without reading its state after each step (as the table
    needs only the figures); `RunFigures` of the run. `check` is the real-cost ceilings'."""
    from gomemtui.runtime.read.outcome import play_trace
    from gomemtui.runtime.timeline import Timeline

    return play_trace(Timeline(program, rewind=False), check).figures
