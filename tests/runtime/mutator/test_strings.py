"""Strings in the runtime: where `string(b)`, `strings.Clone`, `+`, `s[low:high]` and
`[]byte(s)` put their bytes, what a substring keeps alive, and how the read side shows it.

Expected figures are real Go's: the recorded runs of tests/oracle/strings.json (go1.27.3,
tests/realgo/test_strings.py), or worked out by hand from the size-class table.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.build import build_view, json_state, why_alive
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import parse_type
from gomemtui.runtime.values import strings
from tests.oracle_data import oracle_cases
from tests.realgo.string_cases import describe, simulate

BYTE = parse_type("byte")
MiB = 1 << 20


def runtime(*operations: ops.Op) -> Runtime:
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    for op in operations:
        rt.apply(op)
    return rt


def alloc_bytes(rt: Runtime) -> int:
    return int(json_state(rt)["heap"]["alloc_bytes"])


@pytest.mark.parametrize("recorded", oracle_cases("strings"), ids=lambda r: describe(r["case"]))
def test_each_string_operation_allocates_what_real_go_did(recorded: dict) -> None:
    """Mallocs, TotalAlloc, a []byte(s)'s cap and a substring's retained heap, as go1.27.3 measured."""
    assert simulate(recorded["case"]) == recorded["go"]


def test_the_recorded_cases_cover_every_rule() -> None:
    """The oracle pins the lengths the brief names: cap([]byte(s)) for 5, 33 and 1000 bytes."""
    caps = {c["case"]["lens"][0]: c["go"]["cap"] for c in oracle_cases("strings")
            if c["case"]["op"] == "bytes" and c["case"]["escape"] == "heap"}
    assert (caps[5], caps[33], caps[1000]) == (8, 48, 1024)


# -- the rules, by hand ------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "escapes", "where", "asked"), [
    (0, True, "empty", 0), (1, True, "static", 0), (1, False, "static", 0), (2, True, "heap", 2),
    (32, False, "stack", 32), (33, False, "heap", 33), (40000, True, "heap", 40000),
])
def test_slicebytetostring_places_the_bytes_by_length_and_escape(n, escapes, where, asked) -> None:
    plan = strings.slicebytetostring(n, escapes)
    assert (plan.where, plan.request) == (where, asked)


def test_clone_allocates_even_one_byte() -> None:
    """strings.Clone is make([]byte, n) + copy: no staticuint64s shortcut."""
    assert strings.clone(1, True).where == "heap"
    assert strings.slicebytetostring(1, True).where == "static"
    assert strings.clone(0, True).where == "empty"


def test_concat_returns_its_only_non_empty_part_unless_its_bytes_are_on_the_stack() -> None:
    assert strings.concatstrings([0, 20], [False, False], True) == strings.StringPlan("shared", part=1)
    assert strings.concatstrings([0, 20], [False, True], True).where == "heap"
    assert strings.concatstrings([0, 20], [False, True], False).where == "shared"
    assert strings.concatstrings([3, 4], [False, False], True) == strings.StringPlan("heap", 7)
    assert strings.concatstrings([5, 6], [False, False], True, constant=True).where == "static"


@pytest.mark.parametrize(("n", "cap"), [(1, 8), (5, 8), (9, 16), (33, 48), (1000, 1024), (32761, 32768), (40000, 40960)])
def test_a_bytes_conversions_cap_is_its_rounded_size(n: int, cap: int) -> None:
    """rawbyteslice: cap = roundupsize(n), the size class (or whole pages for a large one)."""
    assert strings.stringtoslicebyte(n, True).cap == cap


# -- through the runtime -----------------------------------------------------------------------


def test_substring_keeps_the_whole_backing_array_alive() -> None:
    rt = runtime(ops.MakeString("body", len=MiB), ops.Substring("id", "body", 8, 24), ops.Drop("body"),
                 ops.GC())
    assert alloc_bytes(rt) == MiB
    assert json_state(rt)["vars"]["id"] == {"kind": "string", "len": 16, "array_bytes": MiB, "shared_with": []}
    path = why_alive(rt, "id")
    assert path.alive and path.root == "stack of main (variable id)" and path.path == ("body.data",)
    assert path.retained_bytes == MiB
    assert "uses 16 of the 1,048,576 bytes of body.data" in path.explanation
    assert "strings.Clone(id)" in path.explanation


def test_cloning_the_substring_lets_the_rest_go() -> None:
    rt = runtime(ops.MakeString("body", len=MiB), ops.Substring("id", "body", 8, 24),
                 ops.MakeString("kept", source="id"), ops.Drop("id"), ops.Drop("body"), ops.GC())
    assert alloc_bytes(rt) == 16  # one 16-byte slot of size class 2 (16 B is not tiny)
    assert why_alive(rt, "kept").retained_bytes == 16


def test_an_empty_substring_still_keeps_its_string() -> None:
    """s[k:k] keeps the base pointer (ssagen: rptr = ptr + (mask(len) & low))."""
    rt = runtime(ops.MakeString("s", len=40000), ops.Substring("e", "s", 500, 500), ops.Drop("s"), ops.GC())
    assert alloc_bytes(rt) == 40960
    assert build_view(rt).strings[0].offset == 0


def test_substrings_of_one_string_share_its_bytes_and_say_so() -> None:
    rt = runtime(ops.MakeString("s", len=100), ops.Substring("a", "s", 0, 10), ops.Substring("b", "s", 50))
    state = json_state(rt)["vars"]
    assert state["a"]["shared_with"] == ["s", "b"] and state["b"]["shared_with"] == ["s", "a"]
    assert state["s"] == {"kind": "string", "len": 100, "array_bytes": 112, "shared_with": ["a", "b"]}
    b = next(v for v in build_view(rt).strings if v.var == "b")
    assert (b.offset, b.len, b.array_len, b.array) == (50, 50, 100, "s.data")
    assert why_alive(rt, "b").retained_bytes == 0  # s and a keep the bytes too


def test_a_substring_of_itself_moves_its_header() -> None:
    rt = runtime(ops.MakeString("s", len=100), ops.Substring("s", "s", 90))
    view = build_view(rt).strings[0]
    assert (view.var, view.offset, view.len) == ("s", 90, 10)


def test_tiny_strings_share_a_16_byte_block() -> None:
    rt = runtime(ops.MakeString("a", len=5), ops.MakeString("b", len=5))
    assert alloc_bytes(rt) == 16 and json_state(rt)["heap"]["mallocs"] == 2
    assert all(v.tiny for v in build_view(rt).strings)


def test_static_and_stack_strings_are_no_heap_objects() -> None:
    rt = runtime(ops.MakeString("one", len=1), ops.MakeString("loc", len=20, escape="stack"),
                 ops.MakeString("none", len=0))
    assert alloc_bytes(rt) == 0
    views = {v.var: v for v in build_view(rt).strings}
    assert views["one"].static == strings.STATIC_BYTE and views["one"].array is None
    assert views["loc"].on_stack and views["loc"].array_len == 32
    assert views["none"].static == "" and views["none"].len == 0
    assert "staticuint64s" in why_alive(rt, "one").explanation
    assert "stack frame" in why_alive(rt, "loc").explanation


def test_concat_allocates_the_total_once() -> None:
    rt = runtime(ops.MakeString("host", len=20), ops.MakeString("port", len=4))
    events = rt.apply(ops.Concat("addr", ("host", 1, "port")))
    assert json_state(rt)["vars"]["addr"]["len"] == 25
    text = " ".join(e.text for e in events)
    assert "host + \"…\" + port (20 + 1 + 4 = 25 B)" in text and "size class 4 (32 B slot" in text
    assert alloc_bytes(rt) == 24 + 16 + 32  # host's 24-B slot, port's tiny block, addr's 32-B slot


def test_concat_with_one_non_empty_part_shares_it() -> None:
    rt = runtime(ops.MakeString("a", len=100), ops.MakeString("e", len=0))
    rt.apply(ops.Concat("c", ("e", "a")))
    assert json_state(rt)["vars"]["c"]["shared_with"] == ["a"]
    assert json_state(rt)["heap"]["mallocs"] == 1


def test_string_bytes_copies_into_a_rounded_array() -> None:
    rt = runtime(ops.MakeString("s", len=33))
    events = rt.apply(ops.StringBytes("b", "s"))
    assert json_state(rt)["vars"]["b"] == {"kind": "slice", "len": 33, "cap": 48, "array_bytes": 48}
    assert "roundupsize(33) = 48, so cap is 48" in events[0].text
    local = runtime(ops.MakeString("s", len=33), ops.StringBytes("b", "s", escape="stack"))
    assert json_state(local)["vars"]["b"]["cap"] == 48  # over 32 bytes: the heap all the same
    small = runtime(ops.MakeString("s", len=5), ops.StringBytes("b", "s", escape="stack"))
    assert json_state(small)["vars"]["b"] == {"kind": "slice", "len": 5, "cap": 32, "array_bytes": 0}


def test_a_converted_slice_grows_from_its_rounded_cap() -> None:
    rt = runtime(ops.MakeString("s", len=5), ops.StringBytes("b", "s"), ops.Append("b", count=4))
    assert json_state(rt)["vars"]["b"]["cap"] == 16  # 8 → growslice doubles to 16


def test_a_string_made_from_a_slice_copies_its_len() -> None:
    rt = runtime(ops.MakeSlice("buf", BYTE, 100, 4096), ops.MakeString("s", source="buf"))
    assert json_state(rt)["vars"]["s"]["len"] == 100 and json_state(rt)["vars"]["s"]["array_bytes"] == 112


def test_a_global_string_survives_its_goroutine() -> None:
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), ("main", "worker"))
    for op in (ops.Go("worker"), ops.MakeString("s", len=5000, g="worker"), ops.Global("s", g="worker"),
               ops.Exit("worker"), ops.GC()):
        rt.apply(op)
    # 5000 B → size class 46 (5376 B slots), beside the worker's 480-byte runtime.g and the
    # 128-byte allgs array its `go` made (docs/scenario-format.md, Goroutines)
    assert alloc_bytes(rt) == 5376 + 480 + 128
    assert why_alive(rt, "s").root == "global s"


def test_stepping_back_over_string_steps_restores_the_same_state() -> None:
    steps = (ops.MakeString("body", len=MiB), ops.Substring("id", "body", 8, 24),
             ops.Concat("key", ("id", 3, "id")), ops.StringBytes("b", "key"), ops.Drop("body"), ops.GC(),
             ops.MakeString("kept", source="id"), ops.Drop("id"), ops.GC(),
             ops.Loop((ops.MakeString("t", len=20, escape="stack"), ops.MakeString("u", len=3000)), 300))
    program = ops.Program(ops.RuntimeSettings(gomaxprocs=1),
                          tuple(ops.Step(i, i + 1, type(op).__name__, op) for i, op in enumerate(steps)))
    straight = Timeline(program)
    digests = [straight.runtime.digest()]
    while not straight.at_end:
        straight.step()
        digests.append(straight.runtime.digest())
    for index in range(len(steps) - 1, -1, -1):
        straight.step_back()
        assert straight.runtime.digest() == digests[index], f"back to before step {index + 1}"


def test_a_loop_of_strings_keeps_records_of_the_live_ones_only() -> None:
    """Freed string bytes are forgotten (at powers of two, so O(1) per string): 10,000
    strings of 2000 bytes, of which the 4 MiB goal lets about 2000 be in the heap at once
    (alive or not yet swept), leave records of fewer than 4096, not 10,000."""
    rt = runtime(ops.MakeString("keep", len=100), ops.Loop((ops.MakeString("s", len=2000),), 10_000))
    strings_kept = [a for a in rt.state.arrays.values() if a.string_data]
    assert rt.collector.num_gc >= 4
    assert len(strings_kept) < 4096
    assert {a.name for a in strings_kept} >= {"keep.data", "s.data#10000"}
    assert why_alive(rt, "s.data#5").explanation == "s.data#5 was freed by the sweeper"


def test_a_stack_buffer_no_string_points_into_is_forgotten() -> None:
    rt = runtime(ops.Loop((ops.MakeString("s", len=20, escape="stack"),), 200))
    buffers = [a.name for a in rt.state.arrays.values() if a.string_data]
    assert len(buffers) < 64 and "s.stack" in buffers
