"""From a checked Scenario to the runtime's Program of frozen operations.

The compiler trusts the checker: every name it meets exists and every type resolves.
Defaults the format promises are filled in here (cap = len, from = var, goroutine of
`block`/`exit` = the step's `in`), so the runtime never sees a missing value.
"""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.types import GoType
from gomemtui.scenario.checker import resolve_type, user_types
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.settings import Overrides, settings_for

__all__ = ["compile_scenario", "compile_step"]


def compile_scenario(scenario: Scenario, overrides: Overrides | None = None) -> ops.Program:
    """The Program for `scenario`, with `overrides` (environment, flags) applied."""
    types = user_types(scenario)
    steps = tuple(
        ops.Step(
            index=i,
            line=step.source_line or 1,
            do=step.do,
            op=compile_step(step, types),
            note=step.note.strip(),
            pause=step.pause,
        )
        for i, step in enumerate(scenario.steps)
    )
    return ops.Program(
        settings=settings_for(scenario.runtime, overrides),
        steps=steps,
        goroutines=("main",) + tuple(g.name for g in scenario.goroutines),
        title=scenario.info.title,
        summary=scenario.info.summary,
        source=scenario.source.code,
        source_name=scenario.source.file,
        extra={
            "path": scenario.path,
            "description": scenario.info.description,
            "body_lines": {s.path: s.source_line for s in _body_steps(scenario.steps)},
            "body_notes": {s.path: s.note.strip() for s in _body_steps(scenario.steps) if s.note},
        },
    )


def _body_steps(steps: tuple[StepSpec, ...]):
    for s in steps:
        for b in s.body:
            yield b
            yield from _body_steps((b,))


def _type(step: StepSpec, key: str, types: dict[str, GoType]) -> GoType:
    t = resolve_type(step.args[key], types)
    if t is None:  # the checker reports these; never reached for a loaded scenario
        raise ValueError(f"unknown type {step.args[key]!r}")
    return t


def compile_step(step: StepSpec, types: dict[str, GoType]) -> ops.Op:
    """The operation of one step (wrapped in Repeat when `repeat` > 1)."""
    a = step.args
    g = step.goroutine
    do = step.do
    op: ops.Op
    if do == "new":
        op = ops.New(a["var"], _type(step, "type", types), a.get("escape", "heap"), g)
    elif do == "make_slice":
        length = a.get("len", 0)
        op = ops.MakeSlice(a["var"], _type(step, "elem", types), length, a.get("cap", length),
                           a.get("escape", "heap"), g)
    elif do == "append":
        op = ops.Append(a["var"], a.get("count", 1), a.get("batch"), a.get("value"), g)
    elif do == "reslice":
        op = ops.Reslice(a["var"], a.get("from", a["var"]), a.get("low"), a.get("high"), a.get("max"), g)
    elif do == "copy_slice":
        op = ops.CopySlice(a["var"], a["from"], g)
    elif do == "make_map":
        op = ops.MakeMap(a["var"], _type(step, "key", types), _type(step, "value", types), a.get("hint"), g)
    elif do == "map_insert":
        op = ops.MapInsert(a["var"], a.get("count", 1), g)
    elif do == "map_delete":
        op = ops.MapDelete(a["var"], a.get("count", 1), a.get("all", False), g)
    elif do == "map_clear":
        op = ops.MapClear(a["var"], g)
    elif do == "pool_new":
        op = ops.PoolNew(a["var"], _type(step, "type", types), a.get("has_new", True), g)
    elif do == "pool_get":
        op = ops.PoolGet(a["pool"], a["var"], g)
    elif do == "pool_put":
        op = ops.PoolPut(a["pool"], a["var"], g)
    elif do == "assign":
        target, _, fieldname = a["target"].partition(".")
        op = ops.Assign(target, fieldname or None, a.get("value"), g)
    elif do == "drop":
        op = ops.Drop(a["var"], g)
    elif do == "global":
        op = ops.Global(a["var"], g)
    elif do == "go":
        op = ops.Go(a["goroutine"], g)
    elif do == "block":
        op = ops.Block(a.get("goroutine", g), g)
    elif do == "exit":
        op = ops.Exit(a.get("goroutine", g), g)
    elif do == "call":
        op = ops.Call(a["depth"], a.get("frame", 176), g)
    elif do == "gc":
        op = ops.GC(g)
    elif do == "set_gc_percent":
        op = ops.SetGCPercent(a["value"], g)
    elif do == "set_memory_limit":
        op = ops.SetMemoryLimit(a["value"], g)
    elif do == "loop":
        body = tuple(compile_step(s, types) for s in step.body)
        op = ops.Loop(body, a["times"], g)
    else:  # pragma: no cover - the loader rejects unknown operations
        raise ValueError(f"unknown operation {do!r}")
    if step.repeat > 1:
        op = ops.Repeat(op, step.repeat)
    return op
