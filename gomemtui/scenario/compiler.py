"""From a checked Scenario to the runtime's Program of frozen operations.

The compiler trusts the checker: every name it meets exists and every type resolves.
It knows no operation by name: each step's op class, fields and defaults come from
`spec.OPS`, so the defaults the format promises (cap = len, from = var, goroutine of
`block`/`exit` = the step's `in`, Go's frame size) are filled in from there and the
runtime never sees a missing value.
"""

from __future__ import annotations

from typing import Any, Iterator

from gomemtui.runtime import program as ops
from gomemtui.runtime.types import GoType
from gomemtui.scenario.gotypes import resolve_type, user_types
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.settings import Overrides, settings_for
from gomemtui.scenario.spec import OPS, FieldSpec, Kind
from gomemtui.scenario.values import DeclaredLocal

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


def _body_steps(steps: tuple[StepSpec, ...]) -> Iterator[StepSpec]:
    for s in steps:
        for b in s.body:
            yield b
            yield from _body_steps((b,))


def compile_step(step: StepSpec, types: dict[str, GoType]) -> ops.Op:
    """The operation of one step (wrapped in Repeat when `repeat` > 1), built from its
    operation's spec: each field's value as written, else its default."""
    spec = OPS.get(step.do)
    if spec is None:  # pragma: no cover - the loader rejects unknown operations
        raise ValueError(f"unknown operation {step.do!r}")
    arguments: dict[str, Any] = {"g": step.goroutine}
    for f in spec.fields:
        arguments.update(_op_arguments(f, step.value(f.name), step, types))
    op: ops.Op = spec.op(**arguments)
    if step.repeat > 1:
        op = ops.Repeat(op, step.repeat)
    return op


def _op_arguments(f: FieldSpec, value: Any, step: StepSpec, types: dict[str, GoType]) -> dict[str, Any]:
    """The op class's field(s) that field `f` of the step fills with `value`."""
    if f.kind is Kind.TYPE and value is None:  # an optional type left out (box with `from`)
        return {f.op_field: None}
    if f.kind is Kind.TYPE:
        t = resolve_type(value, types)
        if t is None:  # the checker reports these; never reached for a loaded scenario
            raise ValueError(f"unknown type {value!r}")
        return {f.op_field: t}
    if f.kind is Kind.TARGET:  # "v" or "v.field": Assign's target and field
        target, _, fieldname = value.partition(".")
        return {f.op_field: target, "field": fieldname or None}
    if f.kind is Kind.BODY:  # a loop's steps, compiled in turn
        return {f.op_field: tuple(compile_step(s, types) for s in step.body)}
    if f.kind is Kind.CAPTURES:  # -- values (issue 13) --: a variable's name, or a declared local
        return {f.op_field: tuple(_capture(c, types) for c in value)}
    return {f.op_field: value}


def _capture(c: str | DeclaredLocal, types: dict[str, GoType]) -> ops.Capture:
    """One of a closure's captures: an existing variable, or a local declared with it."""
    if isinstance(c, str):
        return ops.Capture(c)
    t = resolve_type(c.type, types)
    if t is None:  # the checker reports these; never reached for a loaded scenario
        raise ValueError(f"unknown type {c.type!r}")
    return ops.Capture(c.name, t, c.modified)
