"""The program's state as the collector sees it: its roots (`gcPrepareMarkRoots`)."""

from __future__ import annotations

from gomemtui.runtime.memory.stacks import Stacks
from gomemtui.runtime.types import NIL, parse_type
from gomemtui.runtime.values.state import BASE_STACK_USED, ProgramState
from gomemtui.runtime.values.variables import Goroutine, Var

INT = parse_type("int")


def state() -> ProgramState:
    stacks = Stacks()
    stacks.set_used("main", BASE_STACK_USED)
    s = ProgramState(("main", "worker"), stacks, globals_bytes=1000)
    s.goroutines["worker"] = Goroutine("worker", state="blocked", used=BASE_STACK_USED, started=True)
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
    s.goroutines["worker"].state = "dead"
    assert [j.label for j in s.root_jobs()] == ["globals (data+bss)", "stack of main"]


def test_only_running_and_runnable_goroutines_want_a_p() -> None:
    s = state()
    assert s.busy_goroutines() == 1  # main runs, worker is blocked
    s.goroutines["worker"].state = "runnable"
    assert s.busy_goroutines() == 2


def test_ids_are_never_reused() -> None:
    s = state()
    assert [s.new_id() for _ in range(3)] == [1, 2, 3]
