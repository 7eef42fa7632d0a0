"""`go` with `count` and a `body`: `for i := 0; i < count; i++ { go worker() }`.

Each of the `count` goroutines is a goroutine of its own, named `worker#i` after the
loop's `i` (its g from `newproc1`, its starting stack from `stackalloc`), and runs the
body with its own locals: a name the body binds, which the scenario side writes
`buf@worker`, becomes `buf@worker#i` in goroutine `worker#i`. The body runs at once,
until the goroutine parks (a send nobody receives, a receive nobody sends to) or
ends; a goroutine that ends returns (`goexit0`), and one parked at its body's end returns
as soon as another goroutine wakes it (`Goroutine.returns_when_woken`).

The handler is long for a big count, so it pauses between two units of work (a
goroutine started, one body operation): progress ("goroutine", i, count, j) means
goroutine i is at unit j (0: not started yet, j ≥ 1: body operation j - 1 is next).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator import goroutines
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.values.runtime_objects import G_BYTES
from gomemtui.units import format_bytes

INSTANCE_MARK = "#"
"""Between a goroutine's function name and its index: `worker#17`."""
GOROUTINE_FIELDS = ("g", "goroutine")
"""Fields of an op that name a goroutine."""


def instance_name(template: str, i: int) -> str:
    """The name of the i-th goroutine a `go` with `count` starts (i as the loop's `i`)."""
    return f"{template}{INSTANCE_MARK}{i}"


def go_statement(m: Mutator, op: ops.Go) -> None:
    """`go name()`; with a body, `count` goroutines that each run it."""
    if not op.body:
        goroutines.go(m, op)
        return
    go_count(m, op)


def go_count(m: Mutator, op: ops.Go) -> None:
    """`for i := 0; i < count; i++ { go name() }`, pausable between goroutines and
    between the operations of each one's body."""
    saved = m.resumed()
    i, j = (0, 0) if saved is None else (saved[1], saved[3])
    units = len(op.body) + 1
    while i < op.count:
        name = instance_name(op.goroutine, i)
        while j < units:
            m.save(("goroutine", i, op.count, j))
            if j == 0:
                _start(m, op, name, i)
            elif m.state.goroutines[name].state in ("running", "runnable"):
                m.owner(name)
                m.run_op(instance_op(op.body[j - 1], op.goroutine, name))
            j += 1
            if j < units or i + 1 < op.count:
                m.pause_point(("goroutine", i, op.count, j))
        _finish(m, name)
        i += 1
        j = 0
        m.owner(op.g)
    _summary(m, op)


def _start(m: Mutator, op: ops.Go, name: str, i: int) -> None:
    """`newproc`: goroutine i gets its g and its starting stack (`malg`, `stackalloc`)."""
    m.owner(op.g)
    size, g_text = goroutines.start(m, name)
    m.emit("goroutine", f"go {op.goroutine}() (i = {i}): {name} starts with a {size} B stack; {g_text}",
           goroutine=name, state="runnable", stack=size)
    m.advance(clock.GOROUTINE_START_NS)


def _finish(m: Mutator, name: str) -> None:
    """The body is done: the goroutine returns, or, parked, returns once woken."""
    g = m.state.goroutines[name]
    if g.state == "blocked":
        g.returns_when_woken = True
        return
    if g.state != "dead":
        goroutines.goroutine_exit(m, ops.Exit(name, name))


def returns_if_woken(m: Mutator, name: str) -> None:
    """A parked goroutine was woken: if it had parked at the end of its body, its
    function returns now (`goexit0`: its stack is freed, its locals die)."""
    g = m.state.goroutines.get(name)
    if g is not None and g.returns_when_woken and g.state == "runnable":
        g.returns_when_woken = False
        goroutines.goroutine_exit(m, ops.Exit(name, name))


def _summary(m: Mutator, op: ops.Go) -> None:
    """What the whole `go` step left: how many goroutines run, park or returned."""
    states: dict[str, int] = {}
    stack = 0
    for i in range(op.count):
        name = instance_name(op.goroutine, i)
        state = m.state.goroutines[name].state
        states[state] = states.get(state, 0) + 1
        if state != "dead":
            stack += m.stacks.size(name) or 0
    words = {"blocked": "parked", "dead": "returned", "runnable": "runnable", "running": "runnable"}
    parts = ", ".join(f"{n:,} {words[s]}" for s, n in sorted(states.items()))
    rt = m.state.runtime_objects
    m.emit("goroutine", f"go {op.goroutine}() × {op.count:,}: {parts}; the live ones hold "
           f"{format_bytes(stack)} of stack; allgs holds {rt.allgs_len:,} gs of {G_BYTES} B "
           f"(cap {rt.allgs_cap:,}), never freed", goroutine=op.goroutine, count=op.count,
           **{words[s]: n for s, n in states.items()})


def instance_op(op: Any, template: str, name: str) -> Any:
    """`op` of a body, as goroutine `name` runs it: its goroutine fields name `name`, and
    the body's locals (`buf@worker`) become this goroutine's (`buf@worker#17`)."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(op):
        value = getattr(op, f.name)
        new = _renamed(value, f.name, template, name)
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(op, **changes) if changes else op


def _renamed(value: Any, field: str, template: str, name: str) -> Any:
    if isinstance(value, str):
        if field in GOROUTINE_FIELDS and value == template:
            return name
        suffix = "@" + template
        if value.endswith(suffix):
            return value[: -len(suffix)] + "@" + name
        return value
    if isinstance(value, tuple):
        items = tuple(_renamed(v, field, template, name) for v in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    if dataclasses.is_dataclass(value) and type(value).__module__ == ops.__name__:
        return instance_op(value, template, name)
    return value
