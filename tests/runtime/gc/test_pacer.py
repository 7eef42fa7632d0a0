"""Pacer: heap goals of real Go 1.27.3 (pacer_goal.json) to the byte, trigger bounds,
worker plans, assist ratio and the GC CPU limiter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomemtui.runtime.gc.pacer import (
    MAX_INT64,
    MAX_UINT64,
    GCCPULimiter,
    Pacer,
    worker_plan,
)
from tests.oracle_data import oracle_cases

MiB = 1 << 20


def _committed(case: dict) -> tuple[Pacer, object]:
    """A pacer after mark termination, fed with the oracle's own terms."""
    gogc = None if case["gogc"] < 0 else case["gogc"]
    limit = None if case["memory_limit"] == MAX_INT64 else case["memory_limit"]
    pacer = Pacer(gogc, limit, gomaxprocs=1, globals_bytes=case["globals_scan"])
    # runtime/metrics memory classes -> the inputs of memoryLimitHeapGoal.
    mapped_ready = case["memory_classes_total"] - case["memory_classes_heap_released"]
    heap_free = case["memory_classes_heap_free"]
    heap_alloc = case["memory_classes_heap_objects"]
    goal = pacer.commit(
        heap_marked=case["heap_live_marked"],
        stack_scan=case["stack_scan"],
        heap_live=case["heap_live_marked"],  # resetLive: heapLive = bytesMarked
        non_heap_bytes=mapped_ready - heap_free - heap_alloc,
        heap_free=heap_free,
        heap_alloc=heap_alloc,
        heap_scan=case["heap_scan"],
        sweep_done=False,  # commit runs in mark termination, before sweeping
    )
    return pacer, goal


def _case_id(c: dict) -> str:
    return f"gogc{c['gogc']}-limit{c['memory_limit']}-live{c['retained_mib']}MiB"


@pytest.mark.parametrize("case", oracle_cases("pacer_goal"), ids=_case_id)
def test_heap_goal_matches_real_go(case: dict) -> None:
    pacer, goal = _committed(case)
    assert goal.goal == case["heap_goal_metric"] == case["memstats_next_gc"]
    assert pacer.heap_goal() == case["heap_goal_metric"]
    # ... and every term of the formula, as the oracle computed it.
    if case["formula_gcpercent_goal"] == MAX_UINT64:
        assert goal.percent_goal is None and pacer.gogc is None
    else:
        assert goal.percent_goal == case["formula_gcpercent_goal"]
    assert goal.heap_minimum == case["formula_heap_minimum"]
    assert goal.sweep_floor == case["formula_sweep_floor"]
    assert goal.goal >= case["heap_live_marked"]


def test_gogc_off_without_limit_reports_maxint64_based_goal() -> None:
    case = next(c for c in oracle_cases("pacer_goal") if c["gogc"] < 0 and c["memory_limit"] == MAX_INT64)
    _, goal = _committed(case)
    assert goal.memory_limited and goal.goal == 8946670875744643748


def test_live_above_limit_collapses_goal_to_heap_marked() -> None:
    case = next(c for c in oracle_cases("pacer_goal") if c["memory_limit"] == 20 << 20 and c["retained_mib"] == 16)
    _, goal = _committed(case)
    assert goal.goal == case["heap_live_marked"]


@pytest.mark.parametrize(("gogc", "name"), [(100, "GOGC=100"), (50, "GOGC=50"), (200, "GOGC=200")])
def test_first_cycle_goal_and_trigger_match_gctrace(gogc: int, name: str) -> None:
    """Before any GC: goal = heapMinimum, trigger = 61/64 of it (no cons/mark measured yet)."""
    first = next(c for c in oracle_cases("gctrace") if c["name"] == name)["gcs"][0]
    pacer = Pacer(gogc, None, gomaxprocs=1, globals_bytes=165258)
    trigger, goal = pacer.trigger()
    assert goal >> 20 == first["goal_mb"]
    # heap0 is heapLive when an allocation crossed the trigger (64 KiB chunks in that workload)
    assert trigger >> 20 == first["heap_at_start_mb"] == (trigger + (64 << 10)) >> 20


def test_set_gogc_rescales_heap_minimum_and_recommits() -> None:
    pacer = Pacer(100, None, 4, 165258)
    assert pacer.heap_goal() == 4 * MiB
    assert pacer.set_gogc(50) == 100
    assert pacer.heap_minimum == 2 * MiB and pacer.heap_goal() == 2 * MiB
    assert pacer.set_gogc(None) == 50
    assert pacer.heap_minimum == 0 and pacer.gogc is None
    assert pacer.heap_goal() > 8 * 10**18  # MaxInt64-based limit goal, not 0
    pacer.set_memory_limit(64 * MiB)
    assert pacer.memory_limit == 64 * MiB
    assert pacer.heap_goal() == 64 * MiB - max(64 * MiB // 100 * 3, MiB)


def test_trigger_within_45_61_of_the_way_for_small_heaps() -> None:
    pacer = Pacer(100, None, 1, 0)
    pacer.commit(heap_marked=2 * MiB, stack_scan=0, heap_scan=2 * MiB)
    trigger, goal = pacer.trigger()
    assert goal == 4 * MiB + 0  # heapMinimum wins over 2 MiB + 2 MiB (equal) and 3 MiB sweep floor
    assert trigger == (goal - 2 * MiB) // 64 * 61 + 2 * MiB  # runway 0 → upper bound
    pacer.cons_mark = 10.0  # a huge runway → lower bound
    pacer.commit(heap_marked=2 * MiB, stack_scan=0, heap_scan=2 * MiB)
    assert pacer.trigger()[0] == max((goal - 2 * MiB) // 64 * 45 + 2 * MiB, 3 * MiB)


def test_big_heap_trigger_upper_bound_is_goal_minus_4mib() -> None:
    pacer = Pacer(100, None, 1, 0)
    pacer.commit(heap_marked=1000 * MiB, stack_scan=0, sweep_done=True)
    trigger, goal = pacer.trigger()
    assert goal == 2000 * MiB
    assert trigger == goal - 4 * MiB  # beats 61/64 of the way (≈1953 MiB)


@given(
    st.integers(0, 1 << 40), st.integers(0, 1 << 24), st.integers(-1, 1000),
    st.one_of(st.none(), st.integers(0, 1 << 40)), st.floats(0, 50), st.booleans(),
)
def test_goal_never_below_marked_and_trigger_never_above_goal(
    marked: int, stack: int, gogc: int, limit: int | None, cons_mark: float, sweep_done: bool
) -> None:
    pacer = Pacer(None if gogc < 0 else gogc, limit, 2, 165258)
    pacer.cons_mark = cons_mark
    pacer.commit(heap_marked=marked, stack_scan=stack, heap_scan=marked, sweep_done=sweep_done)
    trigger, goal = pacer.trigger()
    assert goal >= marked
    assert trigger <= goal


@pytest.mark.parametrize(
    ("procs", "dedicated", "fractional", "text"),
    [
        (1, 0, 0.25, "fractional 25%"),
        (2, 0, 0.25, "fractional 25%"),
        (3, 0, 0.25, "fractional 25%"),
        (4, 1, 0.0, "1 dedicated"),
        (5, 1, 0.0, "1 dedicated"),
        (6, 1, 0.5 / 6, "1 dedicated + fractional 8.3%"),
        (7, 2, 0.0, "2 dedicated"),
        (8, 2, 0.0, "2 dedicated"),
    ],
)
def test_worker_plan_matches_facts(procs: int, dedicated: int, fractional: float, text: str) -> None:
    plan = worker_plan(procs)
    assert (plan.dedicated, plan.fractional_goal, plan.description) == (dedicated, pytest.approx(fractional), text)
    assert plan.max_idle == procs - dedicated


def test_assist_ratio_is_remaining_work_over_remaining_heap() -> None:
    pacer = Pacer(100, None, 1, 100_000)
    pacer.commit(heap_marked=8 * MiB, stack_scan=50_000, heap_scan=4 * MiB, sweep_done=True)
    goal = pacer.heap_goal()
    pacer.start_cycle(heap_live=15 * MiB, heap_scan=8 * MiB)
    ratio = pacer.revise(heap_live=15 * MiB, heap_scan=8 * MiB, scan_work_done=1 * MiB)
    expected_work = 4 * MiB + 50_000 + 100_000
    assert ratio == pytest.approx((expected_work - MiB) / (goal - 15 * MiB))
    work, paid = pacer.assist_scan_work(100)
    assert work == 64 << 10 and paid == int(pacer.assist_bytes_per_work * work)


def test_end_cycle_measures_cons_mark_and_keeps_max_of_five() -> None:
    pacer = Pacer(100, None, 1, 0)
    pacer.start_cycle(heap_live=4 * MiB)
    cm = pacer.end_cycle(heap_live=5 * MiB, scan_work=1 * MiB, assist_ns=0, mark_duration_ns=1_000_000)
    assert cm == pytest.approx((1 * MiB * 0.25) / (1 * MiB * 0.75))
    assert pacer.last_heap_goal == 4 * MiB + (64 << 10)  # goal >= triggered + 64 KiB during a cycle
    pacer.commit(heap_marked=2 * MiB, stack_scan=0, heap_scan=2 * MiB)
    assert pacer.runway == int(cm * 3 * 2 * MiB)
    pacer.start_cycle(heap_live=3 * MiB)
    assert pacer.end_cycle(heap_live=3 * MiB + 1, scan_work=10 * MiB, assist_ns=0, mark_duration_ns=1) == cm


def test_limiter_turns_on_when_gc_cpu_exceeds_mutator_by_capacity() -> None:
    lim = GCCPULimiter(2)
    assert lim.capacity == 2_000_000_000
    lim.update(window_ns=1_000_000_000, gc_running=True, assist_ns=1_000_000_000, num_gc=5)
    # 2 CPU-s total: GC = 1 s assist + 0.5 s workers = 1.5 s, mutator 0.5 s → fill 1 s
    assert lim.fill == 1_000_000_000 and not lim.limiting
    lim.update(window_ns=1_000_000_000, gc_running=True, assist_ns=1_500_000_000, num_gc=5)
    assert lim.limiting and lim.last_enabled_cycle == 6 and lim.fill == lim.capacity
    assert lim.overflow == 2_000_000_000 - 1_000_000_000
    lim.update(window_ns=10_000_000, gc_running=False, num_gc=6)  # pure mutator time drains it
    assert not lim.limiting and lim.fill == lim.capacity - 20_000_000


def test_limiter_stw_counts_all_ps_as_gc() -> None:
    lim = GCCPULimiter(4)
    lim.stw(1_000_000)
    assert lim.fill == 4_000_000
