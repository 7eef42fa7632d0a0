"""Channels in the core: what `makechan` allocates, parking and waking, what a parked
sender keeps alive, what a receive frees, close. Sizes are go1.27.3's
(tests/realgo/test_channels.py): hchan 112 B, the buffer inside it for pointer-free
elements, beside it for elements with pointers."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.read.build import build_view, json_state, why_alive
from gomemtui.runtime.types import GoType, parse_type

INT = parse_type("int")
BIG = parse_type("[1024]byte")
PTR = parse_type("*[1024]byte")
NODE = GoType("Node", 24, True, ("next",))


def run(*steps: ops.Op, goroutines: tuple[str, ...] = ("main", "w", "v")) -> tuple[Runtime, list]:
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), goroutines=goroutines)
    events = []
    for op in steps:
        events.extend(rt.apply(op))
    return rt, events


def test_makechan_of_pointer_free_elements_is_one_object_with_its_buffer() -> None:
    for cap, slot in ((0, 112), (1, 128), (4, 144), (100, 1024)):  # 112 + cap×8 → size class
        rt, _ = run(ops.MakeChan("ch", INT, cap))
        assert rt.heap.stats().heap_objects == 1, cap
        assert int(rt.heap.stats().heap_alloc) == slot, cap
        assert json_state(rt)["vars"]["ch"] == {
            "kind": "chan", "cap": cap, "len": 0, "bytes": slot, "buffer_bytes": cap * 8,
            "senders": [], "receivers": [], "closed": False}


def test_makechan_of_pointer_elements_allocates_hchan_and_buffer_apart() -> None:
    rt, events = run(ops.MakeChan("ch", PTR, 100))
    assert rt.heap.stats().heap_objects == 2
    assert int(rt.heap.stats().heap_alloc) == 112 + 896  # 800 B buffer → the 896 B class
    assert [e.data["noscan"] for e in events if e.kind == "alloc"] == [False, False]
    rt, _ = run(ops.MakeChan("ch", PTR, 0))  # unbuffered: hchan alone
    assert rt.heap.stats().heap_objects == 1 and int(rt.heap.stats().heap_alloc) == 112


def test_a_send_on_a_full_channel_parks_with_a_sudog_and_keeps_the_value_alive() -> None:
    rt, events = run(
        ops.MakeChan("ch", PTR, 0), ops.New("b", BIG), ops.Go("w"),
        ops.Send("ch", "b", g="w"), ops.Drop("b"), ops.Drop("ch"), ops.GC(),
    )
    assert rt.state.goroutines["w"].state == "blocked"
    # 1024 B value + 112 B hchan + 112 B sudog + 480 B g + 128 B allgs survive the GC
    assert int(rt.heap.stats().heap_alloc) == 1024 + 112 + 112 + 480 + 128
    view = build_view(rt)
    w = next(g for g in view.goroutines if g.name == "w")
    assert w.waiting_on == "ch <- v"
    assert w.retained_bytes == 1024 + 112 + 112  # the value, the channel, the sudog
    path = why_alive(rt, "b")
    assert path.alive and path.path == ("sudog (w)", "b")
    assert "w's sudog" in path.root


def test_a_receive_takes_the_parked_senders_value_and_wakes_it() -> None:
    rt, events = run(
        ops.MakeChan("ch", PTR, 0), ops.New("b", BIG), ops.Go("w"),
        ops.Send("ch", "b", g="w"), ops.Drop("b"), ops.Recv("ch", "got"),
    )
    assert rt.state.goroutines["w"].state == "runnable"
    assert rt.state.vars["got"].oid == rt.slots.find("b")
    assert rt.state.runtime_objects.sudogs == {}
    assert len(rt.state.runtime_objects.free_sudogs) == 1  # back in the P's cache
    rt.apply(ops.Drop("got"))
    rt.apply(ops.GC())
    assert not rt.heap.obj_live[rt.slots.find("b")]


def test_a_receive_clears_the_buffer_slot_it_takes_from() -> None:
    rt, _ = run(
        ops.MakeChan("ch", PTR, 2), ops.New("b", BIG), ops.Send("ch", "b"), ops.Drop("b"),
        ops.GC(),
    )
    oid = rt.slots.find("b")
    assert rt.heap.obj_live[oid]  # the buffer keeps it
    assert json_state(rt)["vars"]["ch"]["len"] == 1
    rt.apply(ops.Recv("ch"))
    rt.apply(ops.GC())
    rt.apply(ops.GC())
    assert not rt.heap.obj_live[oid]


def test_a_receive_from_a_full_buffer_lets_the_parked_sender_fill_the_slot() -> None:
    rt, _ = run(
        ops.MakeChan("ch", PTR, 1), ops.New("a", BIG), ops.New("b", BIG), ops.Go("w"),
        ops.Send("ch", "a", g="w"), ops.Send("ch", "b", g="w"), ops.Recv("ch", "got"),
    )
    ch = next(iter(rt.state.chans.values()))
    assert rt.state.vars["got"].oid == rt.state.vars["a"].oid
    assert list(ch.buffer) == [rt.state.vars["b"].oid]
    assert rt.state.goroutines["w"].state == "runnable"
    assert (ch.sendx, ch.recvx) == (0, 0)


def test_a_receiver_parks_and_a_send_hands_it_the_value() -> None:
    rt, events = run(
        ops.MakeChan("ch", PTR, 0), ops.Go("w"), ops.Recv("ch", "got", g="w"),
        ops.New("b", BIG), ops.Send("ch", "b"),
    )
    assert rt.state.vars["got"].owner == "w"
    assert rt.state.vars["got"].oid == rt.state.vars["b"].oid
    assert rt.state.goroutines["w"].state == "runnable"


def test_close_wakes_receivers_with_nil_and_a_parked_sender_panics() -> None:
    rt, _ = run(ops.MakeChan("ch", PTR, 0), ops.Go("w"), ops.Go("v"),
                ops.Recv("ch", "got", g="w"))
    events = rt.apply(ops.CloseChan("ch"))
    assert rt.state.vars["got"].oid == -1 and rt.state.goroutines["w"].state == "runnable"
    assert [e.kind for e in events] == ["chan"]
    panics = [e for e in rt.apply(ops.Send("ch", g="v")) if e.kind == "panic"]
    assert panics and "send on closed channel" in panics[0].text
    rt, _ = run(ops.MakeChan("ch", INT, 0), ops.Go("w"), ops.Send("ch", g="w"))
    events = rt.apply(ops.CloseChan("ch"))
    assert [e.kind for e in events] == ["chan", "panic"]
    assert "send on closed channel" in events[1].text


def test_a_second_park_reuses_the_cached_sudog() -> None:
    rt, _ = run(ops.MakeChan("ch", INT, 0), ops.Go("w"), ops.Send("ch", g="w"), ops.Recv("ch"))
    before = rt.heap.stats().heap_objects
    rt.apply(ops.Send("ch", g="w"))
    assert rt.heap.stats().heap_objects == before  # acquireSudog took it from the cache


def test_channel_state_is_in_the_digest_and_restored_by_a_snapshot() -> None:
    rt, _ = run(ops.MakeChan("ch", PTR, 2), ops.New("b", BIG))
    before = rt.digest()
    snap = rt.snapshot()
    rt.apply(ops.Send("ch", "b"))
    assert rt.digest() != before
    rt.restore(snap)
    assert rt.digest() == before
    assert len(next(iter(rt.state.chans.values())).buffer) == 0
