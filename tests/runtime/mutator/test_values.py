"""Element writes, interface boxing and closures in the simulated runtime, checked against
the figures real Go 1.27 gave (tests/oracle/values.json, from tests/realgo/test_values.py)."""

from __future__ import annotations

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.read.build import build_view, json_state, why_alive
from gomemtui.runtime.types import GoType, parse_type
from tests.oracle_data import load_oracle

T = GoType("T", 1024, False)
PTR_T = GoType("*T", 8, True)
SET_ELEM = load_oracle("values")["set_elem"]


def run(r: Runtime, *operations: ops.Op) -> list:
    events = []
    for op in operations:
        events.extend(r.apply(op))
    return events


def live(r: Runtime) -> tuple[int, int]:
    """HeapAlloc and HeapObjects after two forced cycles, as the Go program measures them."""
    run(r, ops.GC(), ops.GC())
    heap = json_state(r)["heap"]
    return heap["alloc_bytes"], heap["objects"]


def four_objects() -> Runtime:
    """`keep := make([]*T, 4); for i := range keep { keep[i] = new(T) }`."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.MakeSlice("keep", PTR_T, 4, 4))
    for i in range(4):
        run(r, ops.New("x", T), ops.SetElem("keep", i, "x"), ops.Drop("x"))
    return r


def test_clearing_one_element_frees_that_one_object_as_in_real_go() -> None:
    r = four_objects()
    bytes0, objects0 = live(r)
    events = run(r, ops.SetElem("keep", 1, None))
    bytes1, objects1 = live(r)
    assert (bytes0 - bytes1, objects0 - objects1) == (
        SET_ELEM["nil_one_freed_bytes"], SET_ELEM["nil_one_freed_objects"]) == (1024, 1)
    store = next(e for e in events if e.kind == "set_elem")
    assert store.data["old"] == "x#2" and store.data["array"] == "keep[]"
    assert "x#2 is no longer reached through keep[]" in store.text


def test_overwriting_an_element_frees_what_it_held_and_allocates_nothing() -> None:
    r = four_objects()
    run(r, ops.SetElem("keep", 1, None))
    run(r, ops.New("p", T), ops.SetElem("keep", 0, "p"))  # p := keep[0]
    bytes1, objects1 = live(r)
    events = run(r, ops.SetElem("keep", 2, "p"))  # keep[2] = p
    assert not [e for e in events if e.kind == "alloc"]
    bytes2, objects2 = live(r)
    assert (bytes1 - bytes2, objects1 - objects2) == (
        SET_ELEM["overwrite_freed_bytes"], SET_ELEM["overwrite_freed_objects"])
    assert SET_ELEM["store_allocs_per_run"] == 0


def test_an_index_past_len_is_the_panic_go_reports_and_writes_nothing() -> None:
    r = four_objects()
    before = live(r)
    events = run(r, ops.New("p", T), ops.SetElem("keep", 5, "p"))
    panic = next(e for e in events if e.kind == "panic")
    assert "index out of range [5] with length 4" in panic.text
    assert SET_ELEM["out_of_range_panic"].endswith("index out of range [5] with length 4")
    run(r, ops.Drop("p"))
    assert live(r) == before


def test_a_store_while_marking_shades_the_old_and_the_new_element() -> None:
    r = four_objects()
    run(r, ops.New("p", T))
    r.advance_phase()  # sweep termination
    r.advance_phase()  # mark
    assert r.phase is GCPhase.MARK
    events = run(r, ops.SetElem("keep", 0, "p"))
    barrier = [e for e in events if e.kind == "write_barrier"]
    assert barrier and barrier[0].data == {"target": "keep[]", "old": "x", "new": "p"}


def test_a_stack_array_element_is_written_without_a_barrier() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.MakeSlice("s", PTR_T, 2, 2, escape="stack"), ops.New("p", T))
    r.advance_phase()
    r.advance_phase()
    events = run(r, ops.SetElem("s", 1, "p"), ops.Drop("p"))
    assert not [e for e in events if e.kind == "write_barrier"]
    assert "stack frame: no write barrier" in next(e for e in events if e.kind == "set_elem").text
    while r.phase is GCPhase.MARK:
        r.mark_unit()
    bytes_, objects = live(r)
    assert (bytes_, objects) == (1024, 1)  # p stays alive through s's stack array


# -- box -------------------------------------------------------------------------------------

BOX = load_oracle("values")["box"]
PAIR = GoType("pair", 16, False)
NODE = GoType("node", 16, True, ("next",))
CONVERSIONS = {
    "int 1000": ops.Box("x", type=parse_type("int"), value=1000),
    "int 200": ops.Box("x", type=parse_type("int"), value=200),
    "int const 1000": ops.Box("x", type=parse_type("int"), value=1000, constant=True),
    "int64 70000": ops.Box("x", type=parse_type("int64"), value=70000),
    "uint8 200": ops.Box("x", type=parse_type("uint8"), value=200),
    "float32 1.5": ops.Box("x", type=parse_type("float32")),
    "string": ops.Box("x", type=parse_type("string"), value=5),
    "string const": ops.Box("x", type=parse_type("string"), value=5, constant=True),
    "[]int": ops.Box("x", "sl"),
    "pair (16 B noscan)": ops.Box("x", type=PAIR),
    "node (16 B scan)": ops.Box("x", type=NODE),
    "*pair": ops.Box("x", "ptr"),
    "[100]int": ops.Box("x", type=parse_type("[100]int")),
    "struct{}": ops.Box("x", type=GoType("empty", 0, False)),
}


@pytest.mark.parametrize("case", sorted(CONVERSIONS))
def test_boxing_allocates_what_real_go_allocates(case: str) -> None:
    """4096 conversions into one variable: TotalAlloc and Mallocs per conversion as in Go."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.MakeSlice("sl", parse_type("int"), 3, 3), ops.New("ptr", PAIR))
    before = json_state(r)["heap"]
    run(r, ops.Repeat(CONVERSIONS[case], 4096))
    after = json_state(r)["heap"]
    real = BOX[case]
    assert (after["total_alloc_bytes"] - before["total_alloc_bytes"]) / 4096 == real["bytes_per_op"]
    assert (after["mallocs"] - before["mallocs"]) / 4096 == real["mallocs_per_op"] == real["allocs_per_run"]


def test_a_boxed_value_is_a_named_heap_object_in_the_views_and_in_run_json() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    events = run(r, ops.Box("n", type=parse_type("int"), value=1000), ops.Box("small", type=parse_type("int"), value=7),
                 ops.MakeSlice("s", parse_type("int"), 3, 3), ops.Box("boxed", "s"))
    texts = [e.text for e in events if e.kind in ("alloc", "box")]
    assert texts[0] == ("var n any = int(1000): runtime.convT64 copies the 8-byte value to the heap: 8 B, "
                        "pointer-free and < 16 B: packed into a 16-byte tiny block")
    assert "7 < 256: runtime.convT64 points into runtime.staticuint64s; nothing allocated" in texts[1]
    state = json_state(r)["vars"]
    assert state["n"] == {"kind": "iface", "type": "int", "bytes": 16}  # its share: a 16-byte tiny block
    assert state["small"] == {"kind": "iface", "type": "int", "bytes": 0}
    assert state["boxed"] == {"kind": "iface", "type": "[]int", "bytes": 24}
    path = why_alive(r, "s[]")
    assert path.alive and path.root == "stack of main (variable s)"
    run(r, ops.Drop("s"))
    path = why_alive(r, "s[]")
    assert path.root == "stack of main (variable boxed)" and path.path == ("boxed (any: []int)", "s[]")
    array = next(a for a in build_view(r).arrays if a.name == "s[]")
    assert array.slices == ("boxed",) and not array.garbage  # held through the box, not "garbage"
    view = {v.name: v for v in build_view(r).vars}
    assert view["n"].object == "n (any: int)" and view["n"].type == "any (int)"


def test_a_boxed_pointer_keeps_its_object_alive_without_a_copy() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.New("p", T), ops.Box("x", "p"), ops.Drop("p"))
    assert live(r) == (1024, 1)
    assert why_alive(r, "p").path == ("p",)
    run(r, ops.Drop("x"))
    assert live(r) == (0, 0)


def test_a_non_escaping_conversion_stays_on_the_stack() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    events = run(r, ops.Box("x", type=parse_type("int"), value=1000, escape="stack"))
    assert not [e for e in events if e.kind == "alloc"]
    assert "does not escape" in next(e for e in events if e.kind == "box").text
    assert json_state(r)["heap"]["mallocs"] == 0


# -- closure ---------------------------------------------------------------------------------

CLOSURE = load_oracle("values")["closure"]
MOVED_TO_HEAP = load_oracle("values")["closure_moved_to_heap"]
INT = parse_type("int")
CAPTURES = {
    "none": ((), "heap"),
    "int by value": ((ops.Capture("nval", INT),), "heap"),
    "int modified": ((ops.Capture("nref", INT, modified=True),), "heap"),
    "[16]int": ((ops.Capture("a16", parse_type("[16]int")),), "heap"),
    "[17]int64": ((ops.Capture("a17", parse_type("[17]int64")),), "heap"),
    "[20]int": ((ops.Capture("a20", parse_type("[20]int")),), "heap"),
    "slice and pointer": ((ops.Capture("sl"), ops.Capture("ptr")), "heap"),
    "string": ((ops.Capture("str"),), "heap"),
    "byte, int, byte": ((ops.Capture("x", parse_type("byte")), ops.Capture("n", INT),
                         ops.Capture("y", parse_type("byte"))), "heap"),
    "int modified, not escaping": ((ops.Capture("nstack", INT, modified=True),), "stack"),
    "[20]int, not escaping": ((ops.Capture("b20", parse_type("[20]int")),), "stack"),
}
"""The cases of tests/realgo/test_values.py's closure program, with its locals' names."""


def with_captured_variables() -> Runtime:
    """The package variables the Go program's closures capture: a slice, a pointer, a string."""
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.MakeSlice("sl", INT, 3, 3), ops.New("ptr", PAIR), ops.MakeString("str", 5))
    return r


def test_the_recorded_cases_are_the_simulated_ones() -> None:
    assert sorted(CAPTURES) == sorted(CLOSURE)


@pytest.mark.parametrize("case", sorted(CAPTURES))
def test_closures_allocate_what_real_go_allocates(case: str) -> None:
    """4096 closures into one variable: TotalAlloc and Mallocs per closure as in Go."""
    captures, escape = CAPTURES[case]
    r = with_captured_variables()
    before = json_state(r)["heap"]
    run(r, ops.Repeat(ops.Closure("sink", captures, escape), 4096))
    after = json_state(r)["heap"]
    real = CLOSURE[case]
    assert (after["total_alloc_bytes"] - before["total_alloc_bytes"]) / 4096 == real["bytes_per_op"]
    assert (after["mallocs"] - before["mallocs"]) / 4096 == real["mallocs_per_op"] == real["allocs_per_run"]


def test_the_locals_moved_to_heap_are_those_go_moves() -> None:
    moved = set()
    for captures, escape in CAPTURES.values():
        events = run(with_captured_variables(), ops.Closure("sink", captures, escape))
        moved.update(next(e for e in events if e.kind == "closure").data["moved"])
    assert sorted(moved) == MOVED_TO_HEAP == ["a17", "a20", "nref"]


def test_a_closure_capturing_by_reference_says_what_it_allocates() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    events = run(r, ops.Closure("f", (ops.Capture("n", INT, modified=True),), "heap"))
    said = next(e for e in events if e.kind == "closure")
    assert said.text == "f := func(){…} captures n by reference: closure 16 B + n moved to heap 8 B"
    allocs = [e for e in events if e.kind == "alloc"]
    assert [(e.data["var"], e.data["size"], e.data["noscan"]) for e in allocs] == [("n", 8, True), ("f", 16, False)]
    assert json_state(r)["vars"]["f"] == {"kind": "func", "type": "func()", "bytes": 16}
    view = {v.name: v for v in build_view(r).vars}
    assert view["f"].object == "f (func closure)"


def test_a_closure_keeps_what_it_captured_alive_and_why_alive_goes_through_it() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    run(r, ops.New("p", T), ops.Closure("f", (ops.Capture("p"),), "heap"), ops.Drop("p"))
    assert live(r) == (1024 + 16, 2)  # the 1024-byte T and the 16-byte closure
    path = why_alive(r, "p")
    assert path.alive and path.root == "stack of main (variable f)"
    assert path.path == ("f (func closure)", "p")
    run(r, ops.Drop("f"))
    assert live(r) == (0, 0)


def test_a_closure_that_does_not_escape_keeps_its_captures_alive_from_the_frame() -> None:
    r = Runtime(ops.RuntimeSettings(gomaxprocs=1))
    events = run(r, ops.MakeSlice("buf", parse_type("byte"), 4096, 4096),
                 ops.Closure("f", (ops.Capture("buf"), ops.Capture("n", INT, modified=True))), ops.Drop("buf"))
    said = next(e for e in events if e.kind == "closure").text
    assert "does not escape: its 40 B closure" in said  # code pointer 8 + slice header 24 + &n 8
    assert live(r) == (4096, 1)  # only buf's array: no closure, n stays in the frame
    assert why_alive(r, "buf[]").root == "stack of main (variable f)"
    assert json_state(r)["vars"]["f"] == {"kind": "func", "type": "func()", "bytes": 0}
    array = next(a for a in build_view(r).arrays if a.name == "buf[]")
    assert array.slices == ("f",) and not array.garbage  # the views say who holds it, not "garbage"
