"""`go` with `count` and a `body` on the scenario side: the steps each started goroutine
runs, as goroutine `name#i` runs them (its own locals), and what a body may not do.

The runtime side is `gomemtui.runtime.mutator.go_count`; both name the i-th goroutine
`instance_name(goroutine, i)` and rename a body's locals (`buf@worker`, as `scopes`
writes them) to that goroutine's (`buf@worker#17`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gomemtui.runtime.mutator.go_count import instance_name
from gomemtui.scenario.model import StepSpec, frozen_map

__all__ = ["instance_name", "instance_name_of", "instance_step", "NOT_IN_BODY"]

NOT_IN_BODY = {
    "go": "a goroutine of a `go` body starts no goroutines in gomemtui: start them from main",
    "global": "a body's variables are each goroutine's own: make the variable global in main",
    "exit": "each goroutine returns at the end of its body (or once woken, if it parked there): leave exit out",
}
"""Operations a `go` body may not hold, and why."""


def instance_step(step: StepSpec, template: str, name: str) -> StepSpec:
    """A body step as goroutine `name` (the `go`'s goroutine `template`'s i-th) runs it."""
    args = {k: _renamed(v, k, template, name) for k, v in step.args.items()}
    return replace(
        step, args=frozen_map(args),
        goroutine=name if step.goroutine == template else step.goroutine,
        body=tuple(instance_step(s, template, name) for s in step.body),
    )


def instance_name_of(local: str, template: str, name: str) -> str:
    """The name goroutine `name` gives a body's local (`buf@worker` → `buf@worker#17`)."""
    return _renamed(local, "var", template, name)


def _renamed(value: Any, key: str, template: str, name: str) -> Any:
    if isinstance(value, str):
        if key == "goroutine" and value == template:
            return name
        suffix = "@" + template
        return value[: -len(suffix)] + "@" + name if value.endswith(suffix) else value
    if isinstance(value, tuple):
        return tuple(_renamed(v, key, template, name) for v in value)
    return value
