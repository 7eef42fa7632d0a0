"""What the checker knows while it follows a scenario's steps, and the lookups its rules
use: which variables exist and what they are, which goroutines run, how many bytes the
live variables hold. A lookup that finds nothing (or the wrong kind of variable) reports
the problem at the key it concerns and stops the step (`Stop`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from gomemtui.runtime.types import GoType
from gomemtui.scenario.errors import Problem, quote, suggest
from gomemtui.scenario.gotypes import resolve_type, user_types
from gomemtui.scenario.limits import MAX_HEAP_BYTES, MAX_STACK_ESCAPE_BYTES
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.spec import OPS, Kind
from gomemtui.scenario.values import type_suggestion
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_si

__all__ = ["Var", "State", "Stop", "Tracker", "KIND_WORDS", "all_steps", "created_names"]

KIND_WORDS = {
    "slice": "a slice",
    "map": "a map",
    "pointer": "a pointer",
    "pool": "a sync.Pool",
    "iface": "an interface value",
    "func": "a func value",
    "chan": "a channel",
    "?": "a variable",
    "string": "a string",  # -- strings (issue 13) --
    # -- runtime (issue 13) --
    "weak": "a weak pointer",
}
"""How messages name a kind of variable."""


@dataclass
class Var:
    """What the checker knows of a variable."""

    name: str
    kind: str
    """"slice", "map", "pointer", "pool", "string", "iface", "func", or "?" when a broken step made it."""
    line: int
    """TOML line of the step that created it."""
    do: str
    goroutine: str
    type: GoType | None = None
    """Pointee (pointer, pool), element (slice) or value (map) type; byte for a string."""
    key: GoType | None = None
    """A map's key type."""
    is_global: bool = False
    obj: int = 0
    """Which simulated object it refers to (0: none) — shared by reslices."""
    len: int = 0
    """A slice's or string's length, a map's entries."""
    cap: int = 0
    has_array: bool = False
    stack: bool = False
    appended_before: bool = False
    nil: bool | None = False
    """Pointer: True if certainly nil, None if perhaps (a Get from a pool with no New)."""
    sendq: list[str] = field(default_factory=list)
    """Channel: goroutines parked sending, first to wake first (`len` counts its buffer)."""
    recvq: list[tuple[str, str | None]] = field(default_factory=list)
    """Channel: goroutines parked receiving, and the variable each receives into."""
    closed: bool = False
    entries: list[tuple[str, int | str]] = field(default_factory=list)
    """Map: its keys in the order they were inserted, ("key", name) for a key a step
    names and ("count", n) for a run of n keys inserted by count."""


@dataclass
class State:
    """Everything a step can change; a loop compares it between iterations."""

    vars: dict[str, Var] = field(default_factory=dict)
    dead: dict[str, str] = field(default_factory=dict)
    """Variable -> why it no longer exists ("was dropped at line 12")."""
    goroutines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Goroutine -> (state, line of the step that set it): declared/running/blocked/exited."""
    objects: dict[int, int] = field(default_factory=dict)
    """Object id -> bytes."""
    next_obj: int = 1
    finalized: dict[int, int] = field(default_factory=dict)
    """Object id -> line of the `set_finalizer` step that gave it a finalizer."""
    # -- go count (issue 13) --
    returning: dict[str, list[str]] = field(default_factory=dict)
    """A goroutine of a `go` body parked at its body's end -> its locals: once woken it
    returns and they die."""

    def signature(self) -> tuple[object, ...]:
        """What later iterations of a loop depend on (equal: they all go the same way)."""
        return (
            tuple(sorted((v.name, v.kind, v.len, v.cap, v.has_array, v.nil, v.is_global, v.goroutine,
                          tuple(v.sendq), tuple(v.recvq), v.closed, tuple(v.entries))
                         for v in self.vars.values())),
            tuple(sorted(self.goroutines.items())),
            tuple(sorted(self.dead)),
        )


class Stop(Exception):
    """Stop checking this step (its problem is reported)."""


def all_steps(steps: tuple[StepSpec, ...]) -> Iterator[StepSpec]:
    """`steps` and, depth first, the steps of their loop bodies."""
    for s in steps:
        yield s
        yield from all_steps(s.body)


def created_names(step: StepSpec) -> list[str]:
    """The variables `step` creates: its new-variable fields, and `assign`'s bare target."""
    op = OPS.get(step.do)
    if op is None:
        return [step.args["var"]] if isinstance(step.args.get("var"), str) else []
    names = [step.args[f.name] for f in op.fields
             if f.kind is Kind.NEW_VAR and isinstance(step.args.get(f.name), str)]
    if step.do == "assign" and isinstance(step.args.get("target"), str) and "." not in step.args["target"]:
        names.append(step.args["target"])
    return names


class Tracker:
    """The checker's knowledge of the program so far, and the problems found."""

    def __init__(self, scenario: Scenario, broken: set[tuple[int, ...]]) -> None:
        self.sc = scenario
        """The scenario being checked."""
        self.broken = broken
        """Paths of the steps the loader already complained about."""
        self.problems: list[Problem] = []
        self.types = user_types(scenario)
        self.state = State()
        self.state.goroutines["main"] = ("running", 0)
        for g in scenario.goroutines:
            self.state.goroutines[g.name] = ("declared", g.line)
        self.created_at: dict[str, int] = {}
        """Variable -> line of the first step that creates it (for "used before it is created")."""
        for step in all_steps(scenario.steps):
            for name in created_names(step):
                self.created_at.setdefault(name, step.line_of("var"))
        self.iteration: list[int] = []
        """The iteration of each enclosing loop."""
        self.heap_reported = False
        """Whether the live-heap limit was reported (once per scenario)."""
        self.reported: set[tuple[int | None, str]] = set()

    # -- reporting -----------------------------------------------------------------------
    def where(self, step: StepSpec) -> str:
        return f"{step.label} ({step.do})"

    def report(self, step: StepSpec, key: str | None, message: str) -> None:
        """A problem at `key` of `step` (at the step when `key` is None), once."""
        line = step.line_of(key) if key else step.line
        suffix = ""
        outer = [i for i in self.iteration if i > 0]
        if outer:
            suffix = f" (in loop iteration {outer[-1] + 1})"
        problem = Problem(line, f"{self.where(step)}: {message}{suffix}", self.sc.path)
        key_ = (line, message)
        if key_ not in self.reported:
            self.reported.add(key_)
            self.problems.append(problem)

    def fail(self, step: StepSpec, key: str | None, message: str) -> None:
        """Report, then stop checking this step."""
        self.report(step, key, message)
        raise Stop

    # -- lookups -----------------------------------------------------------------------
    def check_goroutine(self, step: StepSpec) -> None:
        """The step's goroutine (`in`) must be running."""
        self.goroutine_state(step, "in", step.goroutine, need_running=True)

    def goroutine_state(self, step: StepSpec, key: str, g: str, *, need_running: bool) -> str:
        known = self.state.goroutines.get(g)
        if known is None:
            hint = suggest(g, self.state.goroutines) or (
                f'; declare it with [[goroutine]] name = "{g}"')
            self.fail(step, key, f"{key} = {quote(g)}: no such goroutine{hint}")
        assert known is not None
        state, line = known
        if need_running and state != "running":
            if state == "declared":
                self.fail(step, key, (
                    f'{key} = {quote(g)}: goroutine "{g}" has not been started yet: add a step '
                    f'do = "go", goroutine = "{g}" before this one'))
            if state == "blocked":
                self.fail(step, key, f'{key} = {quote(g)}: goroutine "{g}" is blocked for ever since line {line}')
            if state == "exited":
                self.fail(step, key, f'{key} = {quote(g)}: goroutine "{g}" has returned (line {line})')
            if state == "spawned":  # -- go count (issue 13) --
                self.fail(step, key, (
                    f'{key} = {quote(g)}: "{g}" is the function the go step at line {line} started '
                    f"goroutines of ({g}#0, {g}#1, …); they run that step's body, nothing else"))
        return state

    def lookup(self, step: StepSpec, key: str, *, name: str | None = None) -> Var:
        """The live variable named by field `key` (or `name`), of a kind the operation's
        spec allows for that field (`FieldSpec.holds`)."""
        name = step.args[key] if name is None else name
        assert name is not None
        var = self.state.vars.get(name)
        if var is None:
            if name in self.state.dead:
                self.fail(step, key, f"{key} = {quote(name)}: {name} {self.state.dead[name]}; it no longer exists here")
            later = self.created_at.get(name)
            if later is not None and later > step.line_of(key):
                self.fail(step, key, f"{key} = {quote(name)}: {name} is used before it is created (line {later})")
            hint = suggest(name, list(self.state.vars) + list(self.state.dead))
            self.fail(step, key, f"{key} = {quote(name)}: no such variable{hint}")
        assert var is not None
        spec = OPS[step.do].field(key)
        kinds = spec.holds if spec is not None else ()
        if kinds and var.kind != "?" and var.kind not in kinds:
            self.fail(step, key, (
                f"{key} = {quote(name)} is {KIND_WORDS[var.kind]} ({var.do} at line {var.line}); "
                f"{step.do} needs {' or '.join(KIND_WORDS[k] for k in kinds)}"))
        return var

    def type_arg(self, step: StepSpec, key: str) -> GoType:
        """The type field `key` names (it must resolve and fit the simulated heap)."""
        name = step.args[key]
        t = resolve_type(name, self.types)
        if t is None:
            self.fail(step, key, f"{key} = {quote(name)}: unknown type{type_suggestion(name, self.types)}")
        assert t is not None
        if t.size > MAX_HEAP_BYTES:
            self.fail(step, key, (
                f"{key} = {quote(name)}: one value is {format_si(t.size)} ({format_bytes(t.size, **MESSAGE_STYLE)}); "
                f"gomemtui simulates at most {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)} of heap"))
        return t

    # -- effects -----------------------------------------------------------------------
    def bind(self, step: StepSpec, key: str, var: Var) -> None:
        """Create (or rebind) variable `var.name`, as `v := ...` / `v = ...` would."""
        old = self.state.vars.get(var.name)
        if old is not None and old.kind not in ("?", var.kind):
            self.fail(step, key, (
                f"{key} = {quote(var.name)}: {var.name} is already {KIND_WORDS[old.kind]} "
                f"({old.do} at line {old.line}); drop it first or choose another name"))
        if old is not None:
            var.is_global = old.is_global
        self.state.vars[var.name] = var
        self.state.dead.pop(var.name, None)
        self.check_live_heap(step, key)

    def new_object(self, nbytes: int) -> int:
        """A new simulated object of `nbytes`; its id."""
        oid = self.state.next_obj
        self.state.next_obj += 1
        self.state.objects[oid] = nbytes
        return oid

    # -- limits ------------------------------------------------------------------------
    def check_heap_need(self, step: StepSpec, key: str, what: str, need: int) -> None:
        if need > MAX_HEAP_BYTES:
            self.fail(step, key, (
                f"{what} would need {format_si(need)} ({format_bytes(need, **MESSAGE_STYLE)}) of simulated heap; "
                f"the limit is {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)}"))

    def check_live_heap(self, step: StepSpec, key: str) -> None:
        if self.heap_reported:
            return
        live = sum(self.state.objects.get(v.obj, 0) for v in
                   {v.obj: v for v in self.state.vars.values() if v.obj}.values())
        if live > MAX_HEAP_BYTES:
            self.heap_reported = True
            self.fail(step, key, (
                f"the live variables would hold {format_si(live)} ({format_bytes(live, **MESSAGE_STYLE)}) of heap "
                f"here; gomemtui simulates at most {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)}"))

    def escape_check(self, step: StepSpec, nbytes: int, what: str) -> bool:
        """Whether the step's value stays on the stack (`escape = "stack"`, at most 64 KiB)."""
        stack = step.arg("escape", "heap") == "stack"
        if stack and nbytes > MAX_STACK_ESCAPE_BYTES:
            self.fail(step, "escape", (
                f'escape = "stack": {what} is {nbytes} B, and the compiler keeps at most '
                f"{MAX_STACK_ESCAPE_BYTES} B (64 KiB) of an implicit allocation on the stack "
                '(go build -gcflags=-m says "escapes to heap"): use escape = "heap"'))
        return stack
