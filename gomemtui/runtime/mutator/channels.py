"""Channels: `make(chan T, n)`, `ch <- v`, `<-ch`, `close(ch)` (runtime/chan.go).

A send or receive that cannot complete parks its goroutine with a sudog in the channel's
queue (`gopark`); the matching operation of another goroutine wakes it (`goready`). The
sudog points at the channel and at the value being sent, so a goroutine nobody wakes
keeps both alive: the goroutine-leak lesson.
"""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.go_count import returns_if_woken
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.types import GoType
from gomemtui.runtime.values.channels import HCHAN_BYTES, Channel, Waiter, buffer_apart, buffer_bytes
from gomemtui.runtime.values.runtime_objects import SUDOG_BYTES
from gomemtui.runtime.values.variables import NIL, UNKNOWN_POINTEE, Var

SUDOG_C = 0
"""Pointer slot of a sudog holding its channel (`sudog.c`)."""
SUDOG_ELEM = 1
"""Pointer slot of a sudog holding the value a parked sender sends (`sudog.elem`)."""
CHAN_OP_NS = 30
"""Simulated time of one channel operation that does not park (lock, copy, unlock)."""


def channel_of(m: Mutator, name: str) -> Channel:
    """The channel a channel variable holds."""
    var = m.state.vars[name]
    assert var.chan_id is not None, f"{name} is not a channel"
    return m.state.chans[var.chan_id]


def make_chan(m: Mutator, op: ops.MakeChan) -> None:
    """`make(chan T, n)`: `runtime.makechan` (one object, or hchan + buffer when T has pointers)."""
    owner = m.owner(op.g)
    elem, mem = op.elem, buffer_bytes(op.elem, op.cap)
    go = f"make(chan {elem.name}, {op.cap})"
    cid = m.state.new_id()
    if buffer_apart(elem, op.cap):
        m.describe_alloc(op.var, HCHAN_BYTES, False, f"{go}: new(hchan), its elements hold pointers")
        hchan = m.alloc(HCHAN_BYTES, False, pointer_slots=1)
        m.slots.name_internal(hchan, f"hchan ({op.var})")
        ch = Channel(cid, op.var, elem, op.cap, hchan)
        m.describe_alloc(op.var, mem, False, f"{go}: its buffer of {op.cap} × {elem.size} B, apart")
        ch.buf = m.alloc(mem, False, pointer_slots=op.cap * ch.slot_stride)
        m.slots.name_internal(ch.buf, f"buffer ({op.var})")
        m.slots.set(hchan, 0, ch.buf)
    else:
        why = "hchan alone (no buffer)" if mem == 0 else f"hchan and its {op.cap} × {elem.size} B buffer in one object"
        m.describe_alloc(op.var, HCHAN_BYTES + mem, True, f"{go}: {why}")
        hchan = m.alloc(HCHAN_BYTES + mem, True)
        m.slots.name_internal(hchan, f"hchan ({op.var})")
        ch = Channel(cid, op.var, elem, op.cap, hchan)
    m.state.chans[cid] = ch
    m.bind(Var(op.var, "chan", owner, elem, chan_id=cid))


def _acquire_sudog(m: Mutator, g: str, ch: Channel, value: int) -> int:
    """`acquireSudog`: from the P's cache, else `new(sudog)`; points at the channel and value."""
    rt = m.state.runtime_objects
    if rt.free_sudogs:
        sudog = rt.free_sudogs.pop()
    else:
        sudog = m.alloc(SUDOG_BYTES, False, pointer_slots=2)
    m.slots.name_internal(sudog, f"sudog ({g})")
    _write(m, sudog, SUDOG_C, ch.hchan)
    _write(m, sudog, SUDOG_ELEM, value)
    rt.sudogs[g] = sudog
    return sudog


def _release_sudog(m: Mutator, g: str) -> None:
    """`releaseSudog`: the sudog goes back to the P's cache, pointing at nothing."""
    rt = m.state.runtime_objects
    sudog = rt.sudogs.pop(g)
    m.slots.set(sudog, SUDOG_C, NIL)
    m.slots.set(sudog, SUDOG_ELEM, NIL)
    m.slots.name_internal(sudog, "sudog (cached)")
    rt.free_sudogs.append(sudog)


def _write(m: Mutator, oid: int, index: int, target: int) -> None:
    """A pointer store into a runtime object, with the write barrier while marking."""
    old = m.slots.set(oid, index, target)
    if m.collector.write_barrier_on():
        m.collector.write_barrier(oid, old, target)


def _park(m: Mutator, g: str, ch: Channel, what: str, queue: str) -> None:
    """`gopark`: the goroutine waits in `queue` ("send" or "receive") of the channel."""
    m.state.set_goroutine_state(m.state.goroutines[g], "blocked")
    m.emit("goroutine", f"{g} blocks on {what}: it parks with a {SUDOG_BYTES} B sudog in {ch.name}'s "
           f"{queue} queue; its stack, the sudog, {ch.name} and the "
           "value stay alive until another goroutine wakes it", goroutine=g, state="blocked", chan=ch.name)


def _wake(m: Mutator, g: str) -> None:
    """`goready`: the parked goroutine is runnable again."""
    _release_sudog(m, g)
    m.state.set_goroutine_state(m.state.goroutines[g], "runnable")


def _bind_received(m: Mutator, var: str | None, g: str, value: tuple[int, GoType]) -> None:
    if var is not None:
        m.bind(Var(var, "pointer", g, value[1], value[0]))


def _buffer_put(m: Mutator, ch: Channel, value: tuple[int, GoType]) -> None:
    """Store a value in the buffer slot `sendx` (`typedmemmove` into `chanbuf(c, sendx)`)."""
    if ch.buf != NIL:
        _write(m, ch.buf, ch.sendx * ch.slot_stride, value[0])
    ch.buffer.append(value[0])
    ch.types.append(value[1])
    ch.sendx = (ch.sendx + 1) % ch.cap


def _buffer_take(m: Mutator, ch: Channel) -> tuple[int, GoType]:
    """Take the value at `recvx` and clear its slot (`typedmemclr`): the buffer no longer keeps it."""
    if ch.buf != NIL:
        m.slots.set(ch.buf, ch.recvx * ch.slot_stride, NIL)
    ch.recvx = (ch.recvx + 1) % ch.cap
    return ch.buffer.popleft(), ch.types.popleft()


def send(m: Mutator, op: ops.Send) -> None:
    """`ch <- v` (`runtime.chansend`): to a waiting receiver, into the buffer, or park."""
    owner = m.owner(op.g)
    ch = channel_of(m, op.chan)
    src = m.state.vars.get(op.var) if op.var is not None else None
    value = (src.oid, src.type) if src is not None else (NIL, UNKNOWN_POINTEE)
    if src is not None and src.kind == "slice":  # a slice sent: what it keeps is its array
        held = m.state.var_objects(src)
        value = (held[0] if held else NIL, src.type)
    what = op.var or "a value"
    m.advance(CHAN_OP_NS)
    if ch.closed:
        m.emit("panic", f"{op.chan} <- {what}: {op.chan} is closed — the real program panics "
               "(send on closed channel); nothing sent", chan=op.chan, goroutine=owner)
        return
    if ch.recvq:
        # chansend → send: straight into the receiver's stack (sendDirect), then goready
        w = ch.recvq.popleft()
        _bind_received(m, w.var, w.goroutine, value)
        _wake(m, w.goroutine)
        m.emit("chan", f"{op.chan} <- {what}: {w.goroutine} was waiting to receive: the value goes straight "
               f"to its stack and {w.goroutine} wakes (its sudog returns to the P's cache)",
               chan=op.chan, op="send", goroutine=owner, woke=w.goroutine)
        returns_if_woken(m, w.goroutine)  # -- go count (issue 13) --
        return
    if len(ch.buffer) < ch.cap:
        _buffer_put(m, ch, value)
        m.emit("chan", f"{op.chan} <- {what}: into buffer slot {(ch.sendx - 1) % ch.cap} "
               f"({len(ch.buffer)} of {ch.cap} used); no goroutine parks", chan=op.chan, op="send",
               goroutine=owner, len=len(ch.buffer))
        return
    sudog = _acquire_sudog(m, owner, ch, value[0])
    ch.sendq.append(Waiter(owner, sudog, value=value[0]))
    ch.send_types.append(value[1])
    full = "unbuffered, no receiver waiting" if ch.cap == 0 else f"its buffer is full ({ch.cap} of {ch.cap})"
    _park(m, owner, ch, f"{op.chan} <- {what} ({full})", "send")


def recv(m: Mutator, op: ops.Recv) -> None:
    """`v := <-ch` (`runtime.chanrecv`): from the buffer, from a parked sender, zero when closed, or park."""
    owner = m.owner(op.g)
    ch = channel_of(m, op.chan)
    m.advance(CHAN_OP_NS)
    target = op.var or "<-" + op.chan
    if ch.buffer:
        value = _buffer_take(m, ch)
        woken: str | None = None
        text = f"{target} takes the oldest buffered value; its buffer slot no longer keeps it"
        if ch.sendq:
            # chanrecv → recv: the first parked sender's value fills the freed slot (c.sendx = c.recvx)
            w = ch.sendq.popleft()
            t = ch.send_types.popleft()
            ch.sendx = (ch.recvx - 1) % ch.cap
            _buffer_put(m, ch, (w.value, t))
            ch.sendx = ch.recvx
            _wake(m, w.goroutine)
            woken = w.goroutine
            text += f"; {w.goroutine}'s parked send fills it and {w.goroutine} wakes"
        _bind_received(m, op.var, owner, value)
        m.emit("chan", text + f" ({len(ch.buffer)} of {ch.cap} used)", chan=op.chan, op="recv",
               goroutine=owner, len=len(ch.buffer))
        if woken is not None:  # -- go count (issue 13) --
            returns_if_woken(m, woken)
        return
    if ch.sendq:
        w = ch.sendq.popleft()
        t = ch.send_types.popleft()
        _bind_received(m, op.var, owner, (w.value, t))
        _wake(m, w.goroutine)
        m.emit("chan", f"{target} takes the value {w.goroutine} was blocked sending (recvDirect); "
               f"{w.goroutine} wakes", chan=op.chan, op="recv", goroutine=owner, woke=w.goroutine)
        returns_if_woken(m, w.goroutine)  # -- go count (issue 13) --
        return
    if ch.closed:
        _bind_received(m, op.var, owner, (NIL, UNKNOWN_POINTEE))
        m.emit("chan", f"{target}: {op.chan} is closed and empty: the zero value (nil), at once",
               chan=op.chan, op="recv", goroutine=owner)
        return
    if op.var is not None:  # v is nil until a sender fills it
        m.bind(Var(op.var, "pointer", owner, UNKNOWN_POINTEE, NIL))
    sudog = _acquire_sudog(m, owner, ch, NIL)
    ch.recvq.append(Waiter(owner, sudog, var=op.var))
    _park(m, owner, ch, f"<-{op.chan} (nothing buffered, no sender waiting)", "receive")


def close_chan(m: Mutator, op: ops.CloseChan) -> None:
    """`close(ch)` (`runtime.closechan`): every parked receiver wakes with the zero value;
    a parked sender panics (send on closed channel)."""
    owner = m.owner(op.g)
    ch = channel_of(m, op.chan)
    m.advance(CHAN_OP_NS)
    if ch.closed:
        m.emit("panic", f"close({op.chan}): already closed — the real program panics (close of closed "
               "channel)", chan=op.chan, goroutine=owner)
        return
    ch.closed = True
    woke = []
    while ch.recvq:
        w = ch.recvq.popleft()
        _bind_received(m, w.var, w.goroutine, (NIL, UNKNOWN_POINTEE))
        _wake(m, w.goroutine)
        woke.append(w.goroutine)
    m.emit("chan", f"close({op.chan})" + (f": {', '.join(woke)} wake with the zero value" if woke else
           f": {len(ch.buffer)} buffered value(s) can still be received, then zero values"),
           chan=op.chan, op="close", goroutine=owner, woke=tuple(woke))
    for g in woke:  # -- go count (issue 13) --
        returns_if_woken(m, g)
    while ch.sendq:
        w = ch.sendq.popleft()
        ch.send_types.popleft()
        _wake(m, w.goroutine)
        m.emit("panic", f"close({op.chan}) wakes {w.goroutine}, parked sending on it — the real program "
               "panics in that goroutine (send on closed channel)", chan=op.chan, goroutine=w.goroutine)

