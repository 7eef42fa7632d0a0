"""How `gomemtui run` formats a run, driven by a scripted stand-in for the Timeline.

The stand-in only replays events and states written below (it simulates nothing): it
lets these tests pin the text layout and the JSON Lines shape independently of the
runtime core. The same outputs from the real core are tested in test_run_core.py.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import numpy as np

from gomemtui import headless
from gomemtui.runtime.events import Event
from gomemtui.scenario import load_program

GCTRACE = ("gc 1 @0.001s 2%: 0.010+0.12+0.003 ms clock, 0.040+0/0.10/0+0.012 ms cpu, "
           "0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)")


class ScriptedTimeline:
    """Replays one scripted (events, state) pair per step of a real compiled Program."""

    def __init__(self, program, script) -> None:
        self.program = program
        self._script = script
        self._next = 0
        self.runtime = SimpleNamespace(json_state=self._state, view=self._view, why_alive=self._why)

    @property
    def at_end(self) -> bool:
        return self._next >= len(self.program.steps)

    @property
    def current_step(self):
        return self.program.steps[self._next - 1] if self._next else None

    def step(self):
        events, _ = self._script[self._next]
        self._next += 1
        return tuple(events)

    def _state(self):
        return self._script[max(self._next - 1, 0)][1]

    def _view(self):
        return SimpleNamespace(
            memstats=SimpleNamespace(num_gc=1, num_forced_gc=1, pause_total_ns=13_000),
            gc=SimpleNamespace(pauses_ns=(13_000,), gctrace=(GCTRACE,),
                               history=(SimpleNamespace(heap_live=9000),)),
            vars=(SimpleNamespace(name="small", kind="slice", type="[]int", bytes=8192, goroutine="main",
                                  is_global=False),),
            goroutines=(SimpleNamespace(name="worker", leaked=True, state="blocked", stack_size=8192,
                                        retained_bytes=2400, vars=("list",)),),
        )

    def _why(self, name):
        return SimpleNamespace(root="stack of main", path=("small[]",), retained_bytes=8192,
                               explanation="small points into numbers[], 8 KiB")


def _state(alloc: int, **vars_) -> dict:
    return {"vars": vars_, "heap": {"alloc_bytes": np.int64(alloc), "inuse_bytes": 16384, "objects": 1,
                                    "goal_bytes": 4 << 20},
            "gc": {"cycles": 0, "phase": "off"}, "pools": {}}


def _timeline() -> ScriptedTimeline:
    program = load_program("tour", env={})
    script = []
    for i, step in enumerate(program.steps):
        events = [Event.make("alloc", f"event of step {i + 1}", var="x", bytes=np.int64(8192))]
        if step.do == "gc":
            events = [Event.make("gc_phase", "", cycle=1, phase="sweep termination"),
                      Event.make("gc_phase", "", cycle=1, phase="mark"),
                      Event.make("gc", "a cycle", cycle=1, heap0=10_000, heap1=10_000, live=8192,
                                 goal=4 << 20, line=GCTRACE),
                      Event.make("gc_phase", "", cycle=1, phase="off")]
        script.append((events, _state(8192 * (i + 1) if i < 3 else 100, numbers={"kind": "slice", "len": 0,
                                                                                 "cap": 1000, "array_bytes": 8192})))
    return ScriptedTimeline(program, script)


def test_text_shows_each_step_its_source_line_and_events() -> None:
    out = io.StringIO()
    headless.run_text(_timeline(), out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == "Tour: a slice, a reslice and a copy"
    assert lines[2].startswith("GOGC=100 GOMEMLIMIT=off GOMAXPROCS=4")
    assert "[1] main.go:10: numbers := make([]int, 0, n)  (make_slice)" in lines
    assert any(line.startswith("    # count returns the slice, so go build -gcflags=-m says") for line in lines)
    assert "    event of step 1" in lines
    assert GCTRACE in lines  # flush left, exactly as GODEBUG=gctrace=1 prints it
    assert "    GC phase: sweep termination → mark" in lines and "    GC phase: off" in lines


def test_text_summary_has_peak_cycles_pauses_and_what_is_live() -> None:
    out = io.StringIO()
    headless.run_text(_timeline(), out, notes=False)
    text = out.getvalue()
    summary = text.split("\nsummary\n", 1)[1]
    assert "10 steps, 1 GC cycle(s) (1 forced)" in summary
    assert "stop-the-world pauses: 0.013 ms in all, longest 0.013 ms" in summary
    assert "peak heap: 24 KiB (24,576 B) (step 3)" in summary
    assert "small  slice []int, 8 KiB (stack of main): small points into numbers[], 8 KiB" in summary
    assert "leaked goroutine worker: blocked for ever, 8 KiB stack" in summary
    assert "# make" not in text


def test_json_lines_one_object_per_step_then_a_summary() -> None:
    out = io.StringIO()
    headless.run_json(_timeline(), out)
    objects = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(objects) == 11
    for n, obj in enumerate(objects[:-1], 1):
        assert list(obj)[:8] == ["step", "line", "do", "vars", "heap", "gc", "pools", "events"]
        assert obj["step"] == n
        assert isinstance(obj["heap"]["alloc_bytes"], int)
    first = objects[0]
    assert (first["line"], first["do"]) == (10, "make_slice")
    assert first["events"] == [{"kind": "alloc", "var": "x", "bytes": 8192}]
    gc = objects[4]["events"][2]
    assert gc["kind"] == "gc" and gc["line"] == GCTRACE and gc["heap0"] == 10_000
    summary = objects[-1]
    assert summary["summary"] is True
    assert summary["cycles"] == 1 and summary["peak_heap_bytes"] == 24576 and summary["peak_step"] == 3
    assert summary["live"][0]["var"] == "small" and summary["live"][0]["root"] == "stack of main"
    assert summary["gctrace"] == [GCTRACE]


def test_to_jsonable_handles_numpy_enums_and_mappings() -> None:
    from types import MappingProxyType

    from gomemtui.runtime.read.views import GCPhase

    value = {"a": np.int32(3), "b": (np.float64(0.5), GCPhase.MARK), "c": MappingProxyType({"d": np.arange(2)})}
    assert headless.to_jsonable(value) == {"a": 3, "b": [0.5, "mark"], "c": {"d": [0, 1]}}
    json.dumps(headless.to_jsonable(value))


def test_long_steps_are_cut_but_gc_lines_always_shown() -> None:
    many = [Event.make("alloc", f"alloc {i}") for i in range(50)]
    many.insert(25, Event.make("gc", "cycle", line=GCTRACE))
    lines = list(headless._event_lines(many))
    assert lines[:10] == [f"    alloc {i}" for i in range(10)]
    assert lines[10] == "    ... 36 more events (36 alloc; --all-events shows them)"
    assert GCTRACE in lines
    assert lines[-4:] == [f"    alloc {i}" for i in range(46, 50)]
    assert len(list(headless._event_lines(many, all_events=True))) == 51


def test_with_gogc_off_and_no_limit_the_summary_says_the_next_gc_never_comes() -> None:
    from gomemtui.runtime.timeline import Timeline

    out = io.StringIO()
    headless.run_text(Timeline(load_program("tour", env={"GOGC": "off"})), out)
    summary = out.getvalue().split("\nsummary\n", 1)[1]
    assert "next GC at never (GOGC=off, no limit)" in summary
    assert "PiB" not in summary


def test_a_cycle_start_is_told_with_what_started_it() -> None:
    start = Event.make("gc_phase", "GC 2 starts: runtime.GC() was called. Stop the world — sweep termination "
                       "(9.4 µs)", cycle=2, phase="sweep termination", reason="forced")
    lines = list(headless._event_lines([start, Event.make("gc_phase", "", cycle=2, phase="mark")]))
    assert lines == ["    GC 2 starts: runtime.GC() was called. Stop the world — sweep termination (9.4 µs)",
                     "    GC phase: sweep termination → mark"]
