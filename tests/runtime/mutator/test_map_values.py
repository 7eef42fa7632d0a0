"""Map values that point at program objects: held in the group slots, moved with growth,
written with the write barrier, cleared by delete and clear."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.read.build import json_state, why_alive
from gomemtui.runtime.types import GoType, parse_type

NODE = GoType("Node", 64, True, ("next",))
PTR = GoType("*Node", 8, True)
STRING = parse_type("string")
INT = parse_type("int")


def runtime() -> Runtime:
    return Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))


def alive(r: Runtime, name: str) -> bool:
    return why_alive(r, name).alive


def test_an_object_only_the_map_holds_survives_growth_and_splits() -> None:
    """The pointer moves with its entry (uncheckedPutSlot copies the value): after the small
    group becomes a table, the table doubles and splits, the node is still reached."""
    r = runtime()
    for op in (ops.MakeMap("m", INT, PTR), ops.New("node", NODE), ops.MapInsert("m", key=0, value="node"),
               ops.Drop("node"), ops.MapInsert("m", count=2000), ops.GC()):
        r.apply(op)
    model = r.state.maps[r.state.vars["m"].map_ref].model
    assert model.distinct_tables >= 2  # split at least once
    why = why_alive(r, "node")
    assert why.alive and why.path[-2:] == ("m.groups", "node")
    r.apply(ops.MapDelete("m", key=0))
    r.apply(ops.GC())
    assert not r.heap.obj_live[r.slots.find("node")]


def test_count_inserts_with_a_value_all_point_at_it_until_deleted() -> None:
    r = runtime()
    for op in (ops.MakeMap("m", INT, PTR), ops.New("node", NODE), ops.MapInsert("m", count=300, value="node"),
               ops.Drop("node"), ops.MapDelete("m", count=299), ops.GC()):
        r.apply(op)
    assert alive(r, "node")  # one key still points at it
    r.apply(ops.MapDelete("m", count=1))
    r.apply(ops.GC())
    assert not r.heap.obj_live[r.slots.find("node")]


def test_replacing_a_value_or_clearing_lets_the_old_object_go() -> None:
    r = runtime()
    for op in (ops.MakeMap("m", STRING, PTR), ops.New("a", NODE), ops.New("b", NODE),
               ops.MapInsert("m", key="k", value="a"), ops.MapInsert("m", key="j", value="b"),
               ops.Drop("a"), ops.Drop("b")):
        r.apply(op)
    events = r.apply(ops.MapInsert("m", key="k"))  # m["k"] = nil
    assert "a is no longer reachable through m" in events[-1].text and events[-1].data["new"] == 0
    r.apply(ops.GC())
    assert not r.heap.obj_live[r.slots.find("a")] and alive(r, "b")
    r.apply(ops.MapClear("m"))
    r.apply(ops.GC())
    assert not r.heap.obj_live[r.slots.find("b")]
    assert json_state(r)["vars"]["m"] == {"kind": "map", "len": 0, "bytes": 48 + 208}


def test_an_insert_while_marking_shades_the_value_so_it_survives_the_cycle() -> None:
    """The write barrier: `m[k] = p` during mark shades p, so dropping p afterwards
    cannot hide it from this cycle (it is freed by the next)."""
    r = runtime()
    r.apply(ops.MakeMap("m", STRING, PTR))
    r.apply(ops.MapInsert("m", key="warm"))
    r.advance_phase()  # sweep termination
    r.advance_phase()  # mark
    assert r.phase is GCPhase.MARK
    r.apply(ops.New("node", NODE))  # allocated black
    events = r.apply(ops.MapInsert("m", key="k", value="node"))
    assert [e.kind for e in events].count("write_barrier") == 1
    r.apply(ops.MapDelete("m", key="k"))  # the deletion barrier shades the old value too
    r.apply(ops.Drop("node"))
    while r.phase is not GCPhase.SWEEP:  # mark ends, mark termination, sweeping starts
        r.advance_phase()
    r.heap.sweep_all()
    assert r.heap.obj_live[r.slots.find("node")]  # floating garbage of this cycle
    r.apply(ops.GC())
    assert not r.heap.obj_live[r.slots.find("node")]


def test_named_key_events_say_where_the_key_went() -> None:
    r = runtime()
    r.apply(ops.MakeMap("m", STRING, PTR))
    first = r.apply(ops.MapInsert("m", key="alice"))
    assert [e.kind for e in first] == ["map_grow", "map_insert"]
    data = first[-1].data
    assert (data["key"], data["new"], data["len"], data["group"], data["slot"]) == ("alice", 1, 1, 0, 0)
    gone = r.apply(ops.MapDelete("m", key="alice"))[-1]
    assert gone.data["deleted"] == 1 and not gone.data["tombstone"] and 'delete(m, "alice")' in gone.text
    absent = r.apply(ops.MapDelete("m", key="bob"))[-1]
    assert absent.data["deleted"] == 0 and "not in the map" in absent.text
