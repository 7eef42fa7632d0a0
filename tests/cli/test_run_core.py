"""`gomemtui run` end to end on the real runtime core, for every bundled scenario, and
for every scenario the checker accepts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

from gomemtui import headless
from gomemtui.scenario import ScenarioError, compile_scenario, list_bundled, load_scenario, load_text
from tests.scenario.test_loader_fuzz import coherent_scenarios

BUNDLED = list_bundled()
GCTRACE_RE = re.compile(
    r"^gc \d+ @\d+\.\d{3}s \d+%: [\d.]+\+[\d.]+\+[\d.]+ ms clock, [\d.]+\+[\d.]+/[\d.]+/[\d.]+\+[\d.]+ ms cpu, "
    r"\d+->\d+->\d+ MB, \d+ MB goal, \d+ MB stacks, \d+ MB globals, \d+ P( \(forced\))?$"
)


@pytest.mark.parametrize("scenario", BUNDLED, ids=[s.name for s in BUNDLED])
def test_run_text_of_every_bundled_scenario(gomemtui, scenario) -> None:
    r = gomemtui("run", str(scenario.path))
    assert r.status == 0, r.err
    n_steps = len(load_scenario(scenario.path).steps)
    for n in range(1, n_steps + 1):
        assert re.search(rf"^\[{n}\] \S+:\d+: ", r.out, re.M), f"step {n} missing"
    traces = [line for line in r.out.splitlines() if line.startswith("gc ")]
    for line in traces:
        assert GCTRACE_RE.match(line), line
    summary = r.out.split("\nsummary\n", 1)[1]
    assert "peak heap:" in summary and "GC cycle(s)" in summary and "still live" in summary


@pytest.mark.parametrize("scenario", BUNDLED, ids=[s.name for s in BUNDLED])
def test_run_json_of_every_bundled_scenario_has_the_design_fields(gomemtui, scenario) -> None:
    r = gomemtui("run", str(scenario.path), "--json")
    assert r.status == 0, r.err
    objects = [json.loads(line) for line in r.out.splitlines()]
    steps = load_scenario(scenario.path).steps
    assert len(objects) == len(steps) + 1
    for n, (obj, step) in enumerate(zip(objects, steps), 1):
        assert obj["step"] == n and obj["line"] == step.source_line and obj["do"] == step.do
        assert set(obj["heap"]) >= {"alloc_bytes", "inuse_bytes", "objects", "goal_bytes"}
        assert set(obj["gc"]) >= {"cycles", "phase"}
        for name, var in obj["vars"].items():
            need = {"slice": {"len", "cap", "array_bytes"}, "map": {"len", "bytes"}, "pointer": {"bytes"}}
            assert set(var) >= need.get(var["kind"], set()) | {"kind"}, (name, var)
        for pool in obj["pools"].values():
            assert set(pool) >= {"hits", "misses", "news", "cached"}
        for event in obj["events"]:
            if event["kind"] == "growslice":
                assert set(event) >= {"var", "old_len", "old_cap", "new_cap", "new_bytes"}
            if event["kind"] == "gc":
                assert set(event) >= {"cycle", "heap0", "heap1", "live", "goal", "line"}
                assert GCTRACE_RE.match(event["line"])
            if event["kind"] == "pool_get":
                assert event["source"] in {"private", "shared", "victim", "new", "nil"}
    assert objects[-1]["summary"] is True
    gc_events = [e for o in objects[:-1] for e in o["events"] if e["kind"] == "gc"]
    assert objects[-1]["cycles"] == len(gc_events)


def test_run_is_deterministic() -> None:
    def run() -> str:
        return subprocess.run([sys.executable, "-m", "gomemtui", "run", "tour", "--json"], capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL, check=True).stdout

    assert run() == run()


def test_tour_numbers_are_real_gos(gomemtui) -> None:
    objects = [json.loads(line) for line in gomemtui("run", "tour", "--json").out.splitlines()]
    assert objects[0]["vars"]["numbers"] == {"kind": "slice", "len": 0, "cap": 1000, "array_bytes": 8192}
    assert objects[2]["vars"]["small"]["cap"] == 1000  # the reslice keeps the array
    grows = [(e["new_cap"], e["stack"]) for e in objects[9]["events"] if e["kind"] == "growslice"]
    # Go 1.27: a non-escaping append starts in a 32-byte stack buffer (tests/realgo measures it)
    assert grows == [(4, True)] + [(cap, False) for cap in (8, 16, 32, 64, 128, 256, 512)]
    assert objects[-1]["forced_cycles"] == 2


def test_gogc_override_reaches_the_runtime(gomemtui, monkeypatch) -> None:
    """GOGC sets the pacer's goal: with tour's tiny heap it is heapMinimum, 4 MiB × GOGC/100
    (runtime.(*gcControllerState).commit); GOGC=off puts it out of reach."""

    def final_goal() -> int:
        return json.loads(gomemtui("run", "tour", "--json").out.splitlines()[-1])["heap"]["goal_bytes"]

    monkeypatch.setenv("GOGC", "off")
    assert "GOGC=off" in gomemtui("run", "tour").out
    assert final_goal() > 1 << 60
    monkeypatch.setenv("GOGC", "50")
    assert final_goal() == 2 << 20
    monkeypatch.setenv("GOGC", "200")
    assert final_goal() == 8 << 20


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coherent_scenarios())
def test_whatever_the_checker_accepts_the_core_runs(text: str) -> None:
    """Every step runs; the end state is a consistent heap; rewinding to the start and
    replaying reaches the very same state."""
    from gomemtui.runtime.timeline import Timeline

    try:
        scenario = load_text(text, "fuzz.toml")
    except ScenarioError:
        return
    program = compile_scenario(scenario)
    timeline = Timeline(program)
    results = list(headless.walk(timeline))
    assert [r.number for r in results] == list(range(1, len(program.steps) + 1))
    assert timeline.at_end and timeline.next_step == len(program.steps)

    end = results[-1].state if results else {}
    heap = end.get("heap", {"alloc_bytes": 0, "inuse_bytes": 0, "objects": 0})
    assert 0 <= heap["alloc_bytes"] <= heap["inuse_bytes"] and heap["objects"] >= 0
    for name, var in end.get("vars", {}).items():
        if var["kind"] == "slice":
            assert 0 <= var["len"] <= var["cap"], (name, var)
    cycles_run = sum(1 for r in results for e in r.events if e.kind == "gc")
    assert end.get("gc", {"cycles": 0})["cycles"] == cycles_run

    digest = timeline.runtime.digest()
    timeline.home()
    timeline.end()
    assert timeline.runtime.digest() == digest
