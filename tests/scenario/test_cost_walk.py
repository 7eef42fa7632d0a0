"""The real-cost walk counts what the simulator will do: every repeat and loop iteration,
slices grown as growslice grows them, what pointers keep live through loops; and walking
a few iterations of a loop then multiplying gives what walking all of them gives."""

from __future__ import annotations

from typing import Callable

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from gomemtui.scenario import ScenarioError, load_scenario, load_text
from gomemtui.scenario.bundled import find_scenario
from gomemtui.scenario.cost import OP_COSTS, CostEstimate, Work
from gomemtui.scenario.cost_model import _HANDLERS
from gomemtui.scenario.cost_walk import _Walk, estimate
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.spec import OPS
from tests.scenario.cost_cases import NODE_LIST, loop, scenario


def _cost(text: str) -> CostEstimate:
    return estimate(load_text(text, "cost.toml"))


def test_a_slice_of_pointers_costs_one_slot_per_element() -> None:
    total = _cost(scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 1000')).total
    assert (total.pointer_slots, total.objects, total.arrays, total.allocated_bytes) == (1000, 1, 1, 8000)


def test_every_iteration_of_a_loop_counts() -> None:
    # 1000 records of 1000 ints: the loop of 01-returned-slice
    total = _cost(scenario(loop(1000, 'do = "make_slice", var = "rec", elem = "int", len = 1000'))).total
    assert (total.objects, total.arrays, total.operations) == (1000, 1000, 1000)
    assert total.allocated_bytes == 8_000_000


def test_nested_loops_multiply() -> None:
    inner = 'do = "loop", times = 20, body = [ { do = "new", var = "n", type = "Node" } ]'
    total = _cost(scenario(loop(10, inner))).total
    assert (total.objects, total.pointer_slots, total.operations) == (200, 200, 200)


def test_a_repeat_the_runtime_runs_in_one_go_is_one_operation() -> None:
    total = _cost(scenario('do = "new"\nvar = "x"\ntype = "Node"\nrepeat = 1000')).total
    assert (total.operations, total.objects) == (1, 1000)
    total = _cost(scenario('do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 100',
                           'do = "reslice"\nvar = "s"\nlow = 1\nrepeat = 10')).total
    assert total.operations == 11


def test_appends_one_at_a_time_grow_as_growslice() -> None:
    # 02-presize's note, from real Go: 50,000 appends to a nil []int call growslice 25
    # times (caps 1, 2, 4 ... 512, 848, 1280 ... 44032, 55296)
    total = _cost(scenario('do = "make_slice"\nvar = "s"\nelem = "int"',
                           'do = "append"\nvar = "s"\ncount = 50000')).total
    assert (total.arrays, total.objects) == (25, 25)


def test_a_slice_of_pointers_grown_in_a_loop_costs_every_array_it_had() -> None:
    # 05-global's note, from real Go: []*Record grows through caps 1, 2, 4 ... 64, then
    # 143, 287, 607, 1023, 1535, 2303, 3071, 4095, 6144 over 4096 appends
    caps = [1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023, 1535, 2303, 3071, 4095, 6144]
    total = estimate(load_scenario(find_scenario("05-global"))).total
    assert total.arrays == len(caps)
    assert total.pointer_slots == sum(caps)  # the records themselves hold no pointers


def test_gc_steps_count_cycles_and_read_the_object_table() -> None:
    total = _cost(scenario('do = "new"\nvar = "x"\ntype = "Node"\nrepeat = 1000', loop(5, 'do = "gc"'),
                           runtime='[runtime]\ngogc = "off"\n')).total
    assert (total.forced_cycles, total.heap_cycles, total.gc_cycles) == (5, 0.0, 5)
    assert total.mark_work == 5 * 1000


def test_a_memory_limit_below_the_live_heap_may_start_a_cycle_at_every_allocation() -> None:
    total = _cost(scenario('do = "make_slice"\nvar = "keep"\nelem = "byte"\nlen = 10485760',
                           loop(100, 'do = "new", var = "n", type = "Node"'),
                           runtime='[runtime]\ngogc = "off"\ngomemlimit = "1MiB"\n')).total
    assert total.gc_cycles == 1 + 100


def test_a_rebound_variable_keeps_one_object_live() -> None:
    cost = _cost(scenario(loop(1000, 'do = "new", var = "buf", type = "MiB"')))
    assert cost.live_peak == 1 << 20
    assert cost.total.allocated_bytes == 1000 << 20


def test_what_pointers_keep_is_live_through_the_loop() -> None:
    cost = _cost(scenario('do = "assign"\ntarget = "head"\nvalue = "nil"', loop(100, *NODE_LIST)))
    assert cost.live_peak == 100 * 24  # the list: every node is kept by the next one's pointer
    assert cost.live_retained == 99 * 24  # the newest node is only held by head and node


def test_a_loop_keeping_what_it_stores_in_a_slice_grows_the_live_heap_by_each_iteration() -> None:
    keep = ('do = "new", var = "b", type = "MiB"', 'do = "append", var = "keep", value = "b"')
    cost = _cost(scenario('do = "make_slice"\nvar = "keep"\nelem = "*MiB"', loop(300, *keep)))
    assert cost.live_retained == 300 << 20  # every buffer is stored in keep's array
    assert 300 << 20 < cost.live_peak < (300 << 20) + 8 * 1024  # and keep's array of 300-odd pointers


# -- walking a few iterations and multiplying gives what walking them all gives ------------------


class _EveryIteration(_Walk):
    """The walk without shortcuts: every iteration of every loop and repeat."""

    def iterate(self, path: tuple[int, ...], n: int, once: Callable[[], None], entries: list[Work],
                counted: list[tuple[StepSpec, Work]]) -> None:
        for _ in range(n):
            once()


def _every_iteration(sc: Scenario) -> CostEstimate:
    walk = _EveryIteration(sc)
    for step in sc.steps:
        walk.top_step(step)
    return CostEstimate(walk.work, walk.total, walk.live_peak, walk.live_peak_path,
                        walk.live_extra + walk.retained_bytes)


_PRELUDE_STEPS = (
    'do = "make_slice"\nvar = "s"\nelem = "int"', 'do = "make_slice"\nvar = "ps"\nelem = "*Node"',
    'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"',
    'do = "make_map"\nvar = "bm"\nkey = "int"\nvalue = "[40]int"',
    'do = "new"\nvar = "node"\ntype = "Node"', 'do = "assign"\ntarget = "head"\nvalue = "node"',
    'do = "pool_new"\nvar = "p"\ntype = "Node"', 'do = "pool_get"\npool = "p"\nvar = "x"',
    'do = "pool_new"\nvar = "q"\ntype = "Node"', 'do = "make_string"\nvar = "str"\nlen = 100',
    'do = "append"\nvar = "ps"\nvalue = "node"',
)
_small = st.integers(1, 40)
_body_step = st.one_of(
    st.just('do = "new", var = "node", type = "Node"'),
    st.just('do = "new", var = "big", type = "[5000]int"'),
    st.just('do = "assign", target = "node.next", value = "head"'),
    st.just('do = "assign", target = "head", value = "node"'),
    _small.map(lambda k: f'do = "append", var = "s", count = {k}'),
    _small.map(lambda k: f'do = "append", var = "s", batch = {k}'),
    st.just('do = "append", var = "ps", value = "node"'),
    _small.map(lambda k: f'do = "map_insert", var = "m", count = {k}'),
    _small.map(lambda k: f'do = "map_insert", var = "bm", count = {k}'),
    _small.map(lambda k: f'do = "make_slice", var = "t", elem = "*int", len = {k}'),
    st.just('do = "copy_slice", var = "u", from = "s"'),
    st.just('do = "reslice", var = "r", from = "s"'),
    st.just('do = "gc"'),
    st.just('do = "pool_put", pool = "p", var = "x"'),
    st.just('do = "pool_get", pool = "p", var = "x"'),
    st.just('do = "pool_new", var = "q", type = "Node"'),
    st.just('do = "pool_get", pool = "q", var = "y"'),
    st.just('do = "call", depth = 3'),
    _small.map(lambda k: f'do = "new", var = "node", type = "Node", repeat = {k}'),
    st.just('do = "new", var = "local", type = "Node", escape = "stack"'),
    st.just('do = "map_clear", var = "m"'),
    st.sampled_from([25, 200]).map(lambda v: f'do = "set_gc_percent", value = {v}'),
    _small.map(lambda k: f'do = "make_string", var = "t2", len = {k}'),
    st.just('do = "concat", var = "c", parts = ["str", 5]'),
    st.just('do = "substring", var = "sub", from = "str", high = 10'),
    st.just('do = "string_bytes", var = "bb", from = "str"'),
    st.just('do = "set_elem", var = "ps", index = 0, value = "node"'),
    st.just('do = "box", var = "i", from = "s"'),
    st.just('do = "box", var = "j", type = "int", value = 1000'),
    st.just('do = "closure", var = "f", captures = ["s", "node", { name = "k", type = "int", modified = true }], '
            'escape = "heap"'),
    st.just('do = "closure", var = "g", captures = ["str", { name = "a", type = "[20]int" }]'),
)
_EXACT = ("steps", "operations", "objects", "pointer_slots", "arrays", "map_keys", "map_objects", "forced_cycles",
          "allocated_bytes", "large_objects", "goroutines")
_BOUNDS = ("span_objects", "heap_cycles", "mark_objects", "mark_slots", "map_marks", "page_scans", "pool_sweeps",
           "root_scans")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(_body_step, min_size=1, max_size=5), times=st.integers(0, 60),
       inner=st.one_of(st.none(), st.tuples(st.lists(_body_step, min_size=1, max_size=3), st.integers(0, 12))),
       gogc=st.sampled_from(["", "gogc = 50", 'gogc = "off"\ngomemlimit = "2MiB"']))
def test_multiplying_the_iterations_left_counts_what_walking_them_does(
        body: list[str], times: int, inner: tuple[list[str], int] | None, gogc: str) -> None:
    steps = list(body)
    if inner is not None:
        items = ", ".join("{ " + b + " }" for b in inner[0])
        steps.append(f'do = "loop", times = {inner[1]}, body = [ {items} ]')
    text = scenario(*_PRELUDE_STEPS, loop(times, *steps), 'do = "gc"', runtime=f"[runtime]\n{gogc}\n")
    try:
        sc = load_text(text, "walk.toml")
    except ScenarioError:  # past the budget (a cycle per allocation under a 2 MiB limit)
        reject()
    fast, slow = estimate(sc), _every_iteration(sc)
    for name in _EXACT:
        assert getattr(fast.total, name) == getattr(slow.total, name), name
    for name in _BOUNDS:  # bounded by their value at the end of the loop: never fewer
        assert getattr(fast.total, name) >= getattr(slow.total, name) * (1 - 1e-6), name
    assert slow.live_peak <= fast.live_peak <= 2 * slow.live_peak  # a bound: the peak within
    assert fast.live_retained == slow.live_retained                # an iteration, on top of its end


def test_every_operation_has_a_cost_and_a_rule_in_the_model() -> None:
    # a new `do` without them would make every scenario using it fail to load
    assert set(OP_COSTS) == (set(OPS) - {"loop"}) | {"assign_field", "map_insert_out_of_line"}
    without_effect = {OPS["call"].op, OPS["loop"].op}  # a loop is walked, a call allocates nothing
    assert {spec.op for spec in OPS.values()} - without_effect == set(_HANDLERS)
