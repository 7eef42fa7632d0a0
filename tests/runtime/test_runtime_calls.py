"""Finalizers, cleanups, weak pointers and debug.FreeOSMemory through the runtime: what the
sweeper does with each special, what stays alive and why, and that stepping, pausing and
rewinding give the state of a straight run."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase
from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE
from gomemtui.runtime.read.build import build_view, json_state, why_alive
from gomemtui.runtime.timeline import Timeline
from gomemtui.runtime.types import GoType, parse_type

NODE = GoType("Node", 64, True, ("next",))
LEAF = parse_type("[4096]byte")
BYTE = parse_type("byte")


def runtime() -> Runtime:
    return Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))


def live(r: Runtime, name: str) -> bool:
    return bool(r.heap.obj_live[r.slots.find(name)])


def kinds(events) -> list[str]:
    return [e.kind for e in events]


def node_with_leaf(r: Runtime) -> None:
    """node (64 B) → leaf (4 KiB); only `node` holds them."""
    for op in (ops.New("node", NODE), ops.New("leaf", LEAF), ops.Assign("node", "next", "leaf"), ops.Drop("leaf")):
        r.apply(op)


def test_a_finalizer_keeps_its_object_and_what_it_points_to_one_more_cycle() -> None:
    r = runtime()
    node_with_leaf(r)
    assert kinds(r.apply(ops.SetFinalizer("node"))) == ["set_finalizer"]
    r.apply(ops.Drop("node"))
    first = kinds(r.apply(ops.GC()))
    assert first.index("finalizer_queued") < first.index("finalizer_run")
    assert live(r, "node") and live(r, "leaf")
    assert json_state(r)["heap"]["alloc_bytes"] == 64 + 4096
    r.apply(ops.GC())
    assert not live(r, "node") and not live(r, "leaf")


def test_the_finalizer_queue_is_a_root_until_the_finalizer_runs() -> None:
    """A finalizer queued by a sweep and not run yet (here: a cycle the viewer stepped
    through by hand) keeps its object through the next cycle."""
    r = runtime()
    node_with_leaf(r)
    r.apply(ops.SetFinalizer("node"))
    r.apply(ops.Drop("node"))
    r.gc()  # the viewer's runtime.GC(): no operation ends, so the finalizer waits
    assert r.heap.specials.finq == [r.slots.find("node")]
    assert why_alive(r, "node").root == "the finalizer queue (finq): its finalizer has not run yet"
    r.gc()
    assert live(r, "node")
    r.apply(ops.GC())  # runs the finalizer at its end
    assert live(r, "node")
    r.apply(ops.GC())
    assert not live(r, "node")


def test_a_cleanup_does_not_keep_its_object_and_runs_after_the_sweep() -> None:
    r = runtime()
    node_with_leaf(r)
    assert kinds(r.apply(ops.AddCleanup("node"))) == ["add_cleanup"]
    assert json_state(r)["heap"]["alloc_bytes"] == 64 + 4096 + 16 + 480 + 16
    r.apply(ops.AddCleanup("node"))  # a second cleanup: no second goroutine
    assert json_state(r)["heap"]["alloc_bytes"] == 64 + 4096 + 2 * 32 + 480
    r.apply(ops.Drop("node"))
    events = kinds(r.apply(ops.GC()))
    assert events.count("cleanup_queued") == 2 and events.count("cleanup_run") == 2
    assert not live(r, "node") and not live(r, "leaf")
    r.apply(ops.GC())
    assert json_state(r)["heap"]["alloc_bytes"] == 480  # the cleanup goroutine's g stays


def test_weak_pointers_share_one_handle_and_keep_nothing_alive() -> None:
    r = runtime()
    node_with_leaf(r)
    made = r.apply(ops.WeakMake("w", "node"))[-1]
    again = r.apply(ops.WeakMake("w2", "node"))[-1]
    assert made.data["new_handle"] and not again.data["new_handle"]
    assert r.state.vars["w"].oid == r.state.vars["w2"].oid
    assert json_state(r)["vars"]["w"] == {"kind": "weak", "bytes": 16, "nil": False, "target_bytes": 64}
    r.apply(ops.WeakValue("p", "w"))
    assert r.state.vars["p"].oid == r.slots.find("node")
    r.apply(ops.Drop("p"))
    r.apply(ops.Drop("node"))
    r.apply(ops.GC())
    assert not live(r, "node")
    assert json_state(r)["vars"]["w"] == {"kind": "weak", "bytes": 16, "nil": True, "target_bytes": 0}
    r.apply(ops.WeakValue("p", "w"))
    assert json_state(r)["vars"]["p"]["bytes"] == 0


def test_value_is_nil_as_soon_as_a_cycle_found_the_object_dead_even_unswept() -> None:
    """`makeStrongFromWeak` sweeps the object's span first (`ensureSwept`): the sweep
    clears the handle, so Value is nil although nothing had swept that span yet."""
    r = runtime()
    r.apply(ops.New("node", NODE))
    r.apply(ops.WeakMake("w", "node"))
    r.apply(ops.Drop("node"))
    r.heap.flush_mcache()  # node's span is no longer P0's cached one: mark termination leaves it
    while r.phase is not GCPhase.SWEEP:  # a cycle stepped by hand: its spans stay unswept
        r.advance_phase()
    span = r.heap.span_of(r.slots.find("node"))
    assert not r.heap.span_swept[span]
    events = r.apply(ops.WeakValue("p", "w"))
    assert r.state.vars["p"].oid == -1 and "weak_cleared" in kinds(events)


def test_a_weak_handle_is_kept_by_its_special_while_the_object_lives() -> None:
    r = runtime()
    r.apply(ops.New("node", NODE))
    r.apply(ops.WeakMake("w", "node"))
    r.apply(ops.Drop("w"))
    r.apply(ops.GC())
    handle = r.slots.find("weak handle (node)")
    assert r.heap.obj_live[handle]
    assert why_alive(r, "weak handle (node)").root == "the weak handle special of node"


def test_free_os_memory_releases_every_free_page() -> None:
    r = runtime()
    for i in range(8):
        r.apply(ops.MakeSlice(f"b{i}", BYTE, 1 << 20, 1 << 20))
    for i in range(8):
        r.apply(ops.Drop(f"b{i}"))
    r.apply(ops.GC())
    heap = json_state(r)["heap"]
    assert heap["released_bytes"] < heap["idle_bytes"]
    event = r.apply(ops.FreeOSMemory())[-1]
    after = json_state(r)["heap"]
    assert after["released_bytes"] == after["idle_bytes"] == event.data["heap_released_bytes"]
    assert event.data["released_bytes"] == after["released_bytes"] - heap["released_bytes"] >= 8 << 20
    assert r.collector.num_forced_gc == 2
    view = build_view(r)
    assert (view.os_released_forced, view.free_os_memory_calls) == (event.data["released_bytes"], 1)
    r.apply(ops.MakeSlice("again", BYTE, 1 << 20, 1 << 20))  # pages taken back from the OS
    assert json_state(r)["heap"]["released_bytes"] == after["released_bytes"] - 128 * PAGE_SIZE  # a 1 MiB noscan object: 128 pages


def test_the_gc_panel_view_lists_specials_and_what_waits_to_run() -> None:
    r = runtime()
    node_with_leaf(r)
    assert build_view(r).specials is None
    r.apply(ops.SetFinalizer("node"))
    r.apply(ops.WeakMake("w", "node"))
    view = build_view(r).specials
    assert view is not None and view.finalizers == ("node",) and view.weak == (("w", "node"),)
    r.apply(ops.Drop("node"))
    r.gc()
    view = build_view(r).specials
    assert view is not None and view.queued_finalizers == ("node",) and view.weak == (("w", None),)


PROGRAM = ops.Program(
    settings=ops.RuntimeSettings(gomaxprocs=2),
    steps=tuple(ops.Step(i, 1, type(op).__name__, op) for i, op in enumerate((
        ops.MakeMap("m", parse_type("string"), GoType("*Node", 8, True)),
        ops.New("node", NODE),
        ops.MapInsert("m", key="a", value="node"),
        ops.SetFinalizer("node"),
        ops.AddCleanup("node"),
        ops.WeakMake("w", "node"),
        ops.MapInsert("m", count=20_000, value="node"),
        ops.Drop("node"),
        ops.MapDelete("m", key="a"),
        ops.Loop((ops.New("junk", LEAF), ops.WeakValue("p", "w")), times=3000),
        ops.MapDelete("m", all=True),
        ops.GC(),
        ops.WeakValue("p", "w"),
        ops.GC(),
        ops.FreeOSMemory(),
    ))),
)


def straight_digests() -> list[str]:
    tl = Timeline(PROGRAM)
    out = []
    while not tl.at_end:
        tl.step()
        out.append(tl.runtime.digest())
    return out


def test_walking_by_phases_and_rewinding_give_the_straight_run() -> None:
    """Steps stopped where the GC phase changes (inside the big insert and the loop)
    resume exactly; going back replays to the same state."""
    digests = straight_digests()
    walked = Timeline(PROGRAM)
    while True:
        before = walked.position
        walked.next_phase()
        if walked.position == before:
            break
    for index in (len(digests) - 1, 3, 9, 6):
        walked.goto_step(index)
        assert walked.runtime.digest() == digests[index], f"after step {index + 1}"


def test_an_object_with_a_finalizer_that_reaches_itself_is_never_freed() -> None:
    """`gcScanFinalizer` marks what the object points to: in a cycle that includes the
    object itself, so it is always marked and its finalizer never runs (Go's documented
    leak: "If a cyclic structure includes a block with a finalizer, that cycle is not
    guaranteed to be garbage collected")."""
    r = runtime()
    r.apply(ops.New("node", NODE))
    r.apply(ops.Assign("node", "next", "node"))
    r.apply(ops.SetFinalizer("node"))
    r.apply(ops.Drop("node"))
    for _ in range(3):
        assert "finalizer_queued" not in kinds(r.apply(ops.GC()))
    assert live(r, "node")
    assert why_alive(r, "node").root.startswith("the finalizer special of node")
