"""Goroutines: `go`, blocking for ever, returning, and the call depth their stacks hold."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.memory.stacks import StackOverflow
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.values.growslice import growslice
from gomemtui.runtime.values.runtime_objects import G_BYTES, POINTER_BYTES, SUDOG_BYTES
from gomemtui.runtime.values.state import BASE_STACK_USED
from gomemtui.runtime.values.variables import Goroutine
from gomemtui.units import format_exact


def go(m: Mutator, op: ops.Go) -> None:
    """`go name()`: a new goroutine with the starting stack size (`newproc` → `malg`)."""
    m.owner(op.g)
    size, g_text = start(m, op.goroutine)
    m.emit("goroutine", f"go {op.goroutine}(): new goroutine with a {size} B stack; {g_text}",
           goroutine=op.goroutine, state="runnable", stack=size)
    m.advance(clock.GOROUTINE_START_NS)


def start(m: Mutator, name: str) -> tuple[int, str]:
    """`newproc`: the goroutine `name`, runnable, with its starting stack (`malg`,
    `stackalloc`) and its g (`new_g`); returns the stack's size and what the g cost."""
    g = Goroutine(name, state="runnable", used=BASE_STACK_USED, started=True)
    m.state.add_goroutine(g)
    size = m.stacks.spawn(name)
    m.stacks.set_used(name, g.used)
    return size, new_g(m, name)


def new_g(m: Mutator, name: str) -> str:
    """`newproc1`: reuse a dead G (`gfget`) or allocate one (`malg` → `new(g)`) and add it
    to `allgs` (`allgadd`, which grows the slice with `growslice`). Returns what happened."""
    rt = m.state.runtime_objects
    if rt.free_gs:
        oid = rt.free_gs.pop()
        rt.gs[name] = oid
        m.slots.name_internal(oid, f"g ({name})")
        return f"its g reuses a dead goroutine's ({G_BYTES} B, gfget)"
    oid = m.alloc(G_BYTES, noscan=False)
    rt.gs[name] = oid
    m.slots.name_internal(oid, f"g ({name})")
    text = f"a {G_BYTES} B runtime.g on the heap (never freed: allgs keeps it)"
    if rt.allgs_len == rt.allgs_cap:
        new_cap, capmem = growslice(rt.allgs_len, rt.allgs_cap, 1, POINTER_BYTES, False)
        array = m.alloc(capmem, noscan=False)
        m.slots.name_internal(array, "allgs")
        rt.allgs_array, rt.allgs_cap = array, new_cap
        text += f"; allgs grew to cap {new_cap} ({m.heap.object_bytes(array)} B)"
    rt.allgs_len += 1
    return text


def block(m: Mutator, op: ops.Block) -> None:
    """The goroutine blocks for ever: its stack and what it references stay alive (a leak)."""
    g = m.state.goroutines[op.goroutine]
    m.state.set_goroutine_state(g, "blocked")
    rt = m.state.runtime_objects
    if op.goroutine not in rt.sudogs:
        # chansend/chanrecv → acquireSudog: the parked goroutine waits in the channel's queue
        rt.sudogs[op.goroutine] = m.alloc(SUDOG_BYTES, noscan=False)
        m.slots.name_internal(rt.sudogs[op.goroutine], f"sudog ({op.goroutine})")
    held = [v.name for v in m.state.vars.values() if v.owner == op.goroutine]
    m.emit("goroutine", f"{op.goroutine} blocks for ever on a channel: its stack, its g, "
           f"a {SUDOG_BYTES} B sudog" + (f" and {', '.join(held)}" if held else "") + " stay alive (a leak)",
           goroutine=op.goroutine, state="blocked")


def goroutine_exit(m: Mutator, op: ops.Exit) -> None:
    """The goroutine returns (`goexit0`): its stack is freed, its variables die."""
    g = m.state.goroutines[op.goroutine]
    m.state.set_goroutine_state(g, "dead")
    dead = [name for name, v in m.state.vars.items() if v.owner == op.goroutine]
    for name in dead:
        del m.state.vars[name]
    m.stacks.exit(op.goroutine)
    rt = m.state.runtime_objects
    rt.sudogs.pop(op.goroutine, None)  # releaseSudog: no longer in a wait queue
    if op.goroutine in rt.gs:
        rt.free_gs.append(rt.gs.pop(op.goroutine))  # gfput: the G stays in allgs
    m.emit("goroutine", f"{op.goroutine} returns: its stack is freed"
           + (f"; {', '.join(dead)} die with it" if dead else ""),
           goroutine=op.goroutine, state="dead")


def call(m: Mutator, op: ops.Call) -> None:
    """The goroutine's calls reach `depth` frames of `frame` bytes; the stack grows by copying (`newstack`)."""
    owner = m.owner(op.g)
    g = m.state.goroutines[owner]
    g.used = BASE_STACK_USED + op.depth * op.frame
    before = m.stacks.size(owner)
    try:
        growths = m.stacks.set_used(owner, g.used)
    except StackOverflow:
        m.emit("fatal", f"runtime: goroutine stack exceeds 1000000000-byte limit — fatal error: "
               f"stack overflow ({owner} at depth {op.depth}); the real program would crash here",
               goroutine=owner)
        return
    if growths:
        # runtime.newstack doubles the size until the frame fits, then copies once.
        old, new = growths[0].old_size, growths[-1].new_size
        m.emit("stack_grow", f"{owner}'s stack grew {format_exact(old)} → {format_exact(new)} (newstack doubles until "
               "the frame fits and copies the stack once)", goroutine=owner, old_size=old,
               new_size=new)
        m.advance(int(old * clock.STACK_COPY_NS_PER_BYTE))
    if not growths:
        m.emit("call", f"{owner} at call depth {op.depth}: {format_exact(g.used)} of its {format_exact(before)} "
               "stack in use",
               goroutine=owner, depth=op.depth, used=g.used)
