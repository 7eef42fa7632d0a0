"""The program's state as the collector sees it: its roots (`gcPrepareMarkRoots`)."""

from __future__ import annotations

import pytest

from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import NIL, parse_type
from gomemtui.runtime.values.state import BASE_STACK_USED, ProgramState
from gomemtui.runtime.values.variables import Goroutine, Var
from gomemtui.scenario import load_program

INT = parse_type("int")


def state() -> ProgramState:
    stacks = Stacks()
    stacks.set_used("main", BASE_STACK_USED)
    s = ProgramState(("main", "worker"), stacks, globals_bytes=1000)
    s.add_goroutine(Goroutine("worker", state="blocked", used=BASE_STACK_USED, started=True))
    stacks.spawn("worker")
    s.vars["g"] = Var("g", "pointer", None, INT, oid=1)
    s.vars["m"] = Var("m", "pointer", "main", INT, oid=2)
    s.vars["w"] = Var("w", "pointer", "worker", INT, oid=3)
    s.vars["nil"] = Var("nil", "pointer", "main", INT, oid=NIL)
    return s


def test_roots_are_data_and_bss_then_each_live_goroutine_s_stack() -> None:
    jobs = state().root_jobs()
    assert [j.label for j in jobs] == ["globals (data+bss)", "stack of main", "stack of worker"]
    assert [j.oids.tolist() for j in jobs] == [[1], [2], [3]]
    assert jobs[0].work == 1000 and jobs[1].work == BASE_STACK_USED


def test_a_dead_goroutine_is_no_root() -> None:
    s = state()
    s.set_goroutine_state(s.goroutines["worker"], "dead")
    assert [j.label for j in s.root_jobs()] == ["globals (data+bss)", "stack of main"]


def test_only_running_and_runnable_goroutines_want_a_p() -> None:
    s = state()
    assert s.busy_goroutines() == 1  # main runs, worker is blocked
    s.set_goroutine_state(s.goroutines["worker"], "runnable")
    assert s.busy_goroutines() == 2
    s.set_goroutine_state(s.goroutines["main"], "dead")
    assert s.busy_goroutines() == 1
    s.add_goroutine(Goroutine("worker", state="dead"))  # a finished one replaced
    assert s.busy_goroutines() == 0


def test_ids_are_never_reused() -> None:
    s = state()
    assert [s.new_id() for _ in range(3)] == [1, 2, 3]


@pytest.mark.parametrize("name", ["07-goroutine-leak", "leak", "leak-100"])
def test_the_busy_count_follows_every_goroutine_s_state_through_a_run(name: str) -> None:
    """The count is kept as states change (not recounted); it equals a recount after
    every step of the scenarios that start, park, wake and end goroutines."""
    tl = Timeline(load_program(name))
    seen = set()
    while not tl.at_end:
        tl.step()
        state = tl.runtime.state
        recount = sum(1 for g in state.goroutines.values() if g.state in ("running", "runnable"))
        assert state.busy_goroutines() == recount, f"after step {tl.position}"
        seen.update(g.state for g in state.goroutines.values())
    assert {"running", "blocked"} <= seen
