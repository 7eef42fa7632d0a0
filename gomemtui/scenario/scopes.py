"""Whose variable a name is: goroutine-local names, as in Go.

A name a goroutine binds (`var`, an `assign`'s bare `target`) is that goroutine's own
local, as `buf := make(...)` inside a goroutine's function is: 100 goroutines that each
bind `buf` hold 100 buffers. Main's variables are visible to every goroutine (the
goroutines main starts are closures over its frame) unless a goroutine binds the name
itself; `global` makes a variable package-level, and from then on the name is that one.

When one name is bound by two goroutines or more, the runtime names each goroutine's
variable `name@goroutine` (main's keeps the plain name); a name only one goroutine binds
keeps its plain name everywhere. `localize` rewrites the steps with these names, so the
checker, the compiler and every view see one variable per name. A step in goroutine X
that names a local of goroutine Y (neither main's nor global) is a problem.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from gomemtui.scenario.errors import Problem
from gomemtui.scenario.model import Scenario, StepSpec, frozen_map
from gomemtui.scenario.spec import OPS, Kind
from gomemtui.scenario.tracker import all_steps, created_names

__all__ = ["Scopes", "localize"]

MAIN = "main"
_NAME_LISTS = (Kind.PARTS, Kind.CAPTURES)
"""Fields whose value is a list in which strings name variables (`concat`'s parts, a
closure's captures; a closure's declared locals are its own, never renamed)."""


class Scopes:
    """Which goroutines bind each name, and which name a step's field means.

    Args:
        steps: Every step of the scenario (loop bodies too).
    """

    def __init__(self, steps: Iterable[StepSpec]) -> None:
        self.binders: dict[str, list[str]] = {}
        """Name → the goroutines that bind it, in the order they first do."""
        self.made_global: dict[str, str] = {}
        """Name → the goroutine whose `global` step names it first."""
        self.templates: set[str] = set()
        """Goroutines a `go` with a body starts `count` of (-- go count (issue 13) --): the
        names their bodies bind are always `name@goroutine`, which each started goroutine
        makes its own (`buf@worker#17`, `runtime.mutator.go_count`)."""
        steps = list(steps)
        for step in steps:
            if step.do == "go" and step.body and isinstance(step.args.get("goroutine"), str):
                self.templates.add(step.args["goroutine"])
        for step in steps:
            for name in created_names(step):
                who = self.binders.setdefault(name, [])
                if step.goroutine not in who:
                    who.append(step.goroutine)
            if step.do == "global" and isinstance(step.args.get("var"), str):
                self.made_global.setdefault(step.args["var"], step.goroutine)

    def local_name(self, name: str, g: str) -> str:
        """The runtime's name of goroutine g's own variable `name`."""
        if g in self.templates:
            return f"{name}@{g}"
        if g == MAIN or len(self.binders.get(name, ())) <= 1:
            return name
        return f"{name}@{g}"

    def resolve(self, name: str, g: str) -> str | None:
        """What `name` means in a step of goroutine g: its own local, the global, main's;
        None when it can only be another goroutine's local."""
        binders = self.binders.get(name, [])
        if g in binders:
            return self.local_name(name, g)
        owner = self.made_global.get(name)
        if owner is not None and owner != g:
            return self.resolve(name, owner)
        if not binders or MAIN in binders:
            return name
        return None


def _rename(step: StepSpec, scopes: Scopes, problems: list[Problem], shown: str) -> StepSpec:
    spec = OPS.get(step.do)
    args = dict(step.args)
    if spec is not None:
        for f in spec.fields:
            value = args.get(f.name)
            if f.kind in _NAME_LISTS and isinstance(value, tuple):  # -- strings, values (issue 13) --
                args[f.name] = tuple(_renamed_part(p, step, f.name, scopes, problems, shown) for p in value)
                continue
            if not isinstance(value, str):
                continue
            if f.kind is Kind.NEW_VAR or (f.kind is Kind.TARGET and "." not in value):
                args[f.name] = scopes.local_name(value, step.goroutine)
            elif f.kind in (Kind.VAR, Kind.VAR_OR_NIL, Kind.TARGET):
                base, dot, rest = value.partition(".")
                if f.kind is Kind.VAR_OR_NIL and value == "nil":
                    continue
                meant = scopes.resolve(base, step.goroutine)
                if meant is None:
                    owners = ", ".join(scopes.binders[base])
                    problems.append(Problem(step.line_of(f.name), (
                        f"{step.label} ({step.do}): {f.name} = \"{value}\": {base} is a local variable of "
                        f"goroutine {owners}, and this step runs in {step.goroutine}: a goroutine sees its "
                        "own variables, main's and globals only (make it global, or bind it in "
                        f"{step.goroutine})"), shown))
                    continue
                args[f.name] = meant + dot + rest
    body = tuple(_rename(s, scopes, problems, shown) for s in step.body)
    return replace(step, args=frozen_map(args), body=body)


def _renamed_part(part: object, step: StepSpec, key: str, scopes: Scopes, problems: list[Problem],
                  shown: str) -> object:
    """One of `concat`'s parts or a closure's captures as the runtime names it (a literal's
    length and a declared local stay as they are)."""
    if not isinstance(part, str):
        return part
    meant = scopes.resolve(part, step.goroutine)
    if meant is None:
        owners = ", ".join(scopes.binders[part])
        problems.append(Problem(step.line_of(key), (
            f"{step.label} ({step.do}): {key} names \"{part}\", a local variable of goroutine {owners}, "
            f"and this step runs in {step.goroutine}: a goroutine sees its own variables, main's and "
            f"globals only (make it global, or bind it in {step.goroutine})"), shown))
        return part
    return meant


def localize(scenario: Scenario) -> tuple[Scenario, list[Problem]]:
    """The scenario with each goroutine's own names made distinct, and the steps that name
    another goroutine's local."""
    scopes = Scopes(all_steps(scenario.steps))
    if (all(len(g) <= 1 for g in scopes.binders.values()) and not _crossing(scenario, scopes)
            and not scopes.templates):
        return scenario, []
    problems: list[Problem] = []
    steps = tuple(_rename(s, scopes, problems, scenario.path) for s in scenario.steps)
    return replace(scenario, steps=steps), problems


def _crossing(scenario: Scenario, scopes: Scopes) -> bool:
    """Whether a step names a variable only another goroutine binds."""
    for step in all_steps(scenario.steps):
        spec = OPS.get(step.do)
        if spec is None:
            continue
        for f in spec.fields:
            value = step.args.get(f.name)
            if f.kind in _NAME_LISTS and isinstance(value, tuple):  # -- strings, values (issue 13) --
                if any(isinstance(p, str) and scopes.resolve(p, step.goroutine) is None for p in value):
                    return True
                continue
            if isinstance(value, str) and f.kind in (Kind.VAR, Kind.VAR_OR_NIL, Kind.TARGET):
                if f.kind is Kind.TARGET and "." not in value:
                    continue
                if value != "nil" and scopes.resolve(value.partition(".")[0], step.goroutine) is None:
                    return True
    return False
