"""Goroutines: `go`, blocking for ever, returning, and the call depth their stacks hold."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.memory.stacks import StackOverflow
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.values.state import BASE_STACK_USED
from gomemtui.runtime.values.variables import Goroutine
from gomemtui.units import format_exact


def go(m: Mutator, op: ops.Go) -> None:
    """`go name()`: a new goroutine with the starting stack size (`newproc` → `malg`)."""
    m.owner(op.g)
    g = Goroutine(op.goroutine, state="runnable", used=BASE_STACK_USED, started=True)
    m.state.goroutines[op.goroutine] = g
    size = m.stacks.spawn(op.goroutine)
    m.stacks.set_used(op.goroutine, g.used)
    m.emit("goroutine", f"go {op.goroutine}(): new goroutine with a {size} B stack",
           goroutine=op.goroutine, state="runnable", stack=size)
    m.advance(clock.GOROUTINE_START_NS)


def block(m: Mutator, op: ops.Block) -> None:
    """The goroutine blocks for ever: its stack and what it references stay alive (a leak)."""
    g = m.state.goroutines[op.goroutine]
    g.state = "blocked"
    held = [v.name for v in m.state.vars.values() if v.owner == op.goroutine]
    m.emit("goroutine", f"{op.goroutine} blocks for ever: its stack"
           + (f" and {', '.join(held)}" if held else "") + " stay alive (a leak)",
           goroutine=op.goroutine, state="blocked")


def goroutine_exit(m: Mutator, op: ops.Exit) -> None:
    """The goroutine returns (`goexit0`): its stack is freed, its variables die."""
    g = m.state.goroutines[op.goroutine]
    g.state = "dead"
    dead = [name for name, v in m.state.vars.items() if v.owner == op.goroutine]
    for name in dead:
        del m.state.vars[name]
    m.stacks.exit(op.goroutine)
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
