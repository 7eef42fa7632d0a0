"""Follow a scenario's steps in order without running the runtime, the way a careful
reader of the Go program would: which variables exist and what they are, each slice's
len and cap (growing exactly as `growslice` does), each map's length, which goroutines
run, and how much the simulation would cost. Anything Go would reject or panic on, and
anything gomemtui could not simulate, is a `Problem` at the key it concerns.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterator

from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.types import GoType, parse_type
from gomemtui.scenario.errors import Problem, quote, suggest
from gomemtui.scenario.limits import (
    MAX_HEAP_BYTES, MAX_MAP_ENTRIES, MAX_OPERATIONS, MAX_STACK_BYTES, MAX_STACK_ESCAPE_BYTES,
)
from gomemtui.scenario.model import Scenario, StepSpec
from gomemtui.scenario.spec import OPS, Kind
from gomemtui.scenario.values import type_suggestion
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_si

__all__ = ["check_scenario", "user_types", "resolve_type", "operation_count"]


def user_types(scenario: Scenario) -> dict[str, GoType]:
    """The scenario's `[types.*]` as runtime GoTypes."""
    return {
        name: GoType(name, t.size, t.has_pointers, t.pointers) for name, t in scenario.types.items()
    }


def resolve_type(name: str, types: dict[str, GoType]) -> GoType | None:
    """A type name of the scenario as a GoType (None if unknown or absurdly large)."""
    try:
        return parse_type(name, types)
    except (ValueError, OverflowError, RecursionError):
        return None


def operation_count(step: StepSpec) -> int:
    """Operations the runtime executes for `step`: repeats and loop iterations included."""
    if step.do == "loop":
        times = step.arg("times", 0)
        inner = sum(operation_count(s) for s in step.body)
        return step.repeat * (times if isinstance(times, int) else 0) * inner
    return step.repeat


def check_scenario(scenario: Scenario, broken: set[tuple[int, ...]] | None = None) -> list[Problem]:
    """Every problem found by following `scenario`'s steps (`broken`: steps the loader
    already complained about; their variables are defined so nothing cascades)."""
    checker = _Checker(scenario, broken or set())
    checker.run()
    return checker.problems


@dataclass
class _Var:
    """What the checker knows of a variable."""

    name: str
    kind: str
    """"slice", "map", "pointer", "pool", or "?" when a broken step made it."""
    line: int
    """TOML line of the step that created it."""
    do: str
    goroutine: str
    type: GoType | None = None
    """Pointee (pointer, pool), element (slice) or value (map) type."""
    key: GoType | None = None
    """A map's key type."""
    is_global: bool = False
    obj: int = 0
    """Which simulated object it refers to (0: none) — shared by reslices."""
    len: int = 0
    cap: int = 0
    has_array: bool = False
    stack: bool = False
    appended_before: bool = False
    nil: bool | None = False
    """Pointer: True if certainly nil, None if perhaps (a Get from a pool with no New)."""


@dataclass
class _State:
    vars: dict[str, _Var] = field(default_factory=dict)
    dead: dict[str, str] = field(default_factory=dict)
    """Variable -> why it no longer exists ("was dropped at line 12")."""
    goroutines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Goroutine -> (state, line of the step that set it): declared/running/blocked/exited."""
    objects: dict[int, int] = field(default_factory=dict)
    """Object id -> bytes."""
    next_obj: int = 1

    def signature(self) -> tuple:
        return (
            tuple(sorted((v.name, v.kind, v.len, v.cap, v.has_array, v.nil, v.is_global, v.goroutine)
                         for v in self.vars.values())),
            tuple(sorted(self.goroutines.items())),
            tuple(sorted(self.dead)),
        )


class _Stop(Exception):
    """Stop checking this step (its problem is reported)."""


class _Checker:
    def __init__(self, scenario: Scenario, broken: set[tuple[int, ...]]) -> None:
        self.sc = scenario
        self.broken = broken
        self.problems: list[Problem] = []
        self.types = user_types(scenario)
        self.state = _State()
        self.state.goroutines["main"] = ("running", 0)
        for g in scenario.goroutines:
            self.state.goroutines[g.name] = ("declared", g.line)
        self.declared = {g.name: g for g in scenario.goroutines}
        self.created_at: dict[str, int] = {}
        for step in self._all_steps(scenario.steps):
            for name in self._created_names(step):
                self.created_at.setdefault(name, step.line_of("var"))
        self.iteration: list[int] = []
        self.ops_done = 0
        self.budget_reported = False
        self.heap_reported = False
        self.reported: set[tuple[int | None, str]] = set()

    # -- reporting -----------------------------------------------------------------------
    def where(self, step: StepSpec) -> str:
        return f"{step.label} ({step.do})"

    def report(self, step: StepSpec, key: str | None, message: str) -> None:
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
        self.report(step, key, message)
        raise _Stop

    # -- walking -----------------------------------------------------------------------
    @staticmethod
    def _all_steps(steps: tuple[StepSpec, ...]) -> Iterator[StepSpec]:
        for s in steps:
            yield s
            yield from _Checker._all_steps(s.body)

    @staticmethod
    def _created_names(step: StepSpec) -> list[str]:
        op = OPS.get(step.do)
        if op is None:
            return [step.args["var"]] if isinstance(step.args.get("var"), str) else []
        names = [step.args[f.name] for f in op.fields
                 if f.kind is Kind.NEW_VAR and isinstance(step.args.get(f.name), str)]
        if step.do == "assign" and isinstance(step.args.get("target"), str) and "." not in step.args["target"]:
            names.append(step.args["target"])
        return names

    def run(self) -> None:
        for step in self.sc.steps:
            self.step(step)
        total = sum(operation_count(s) for s in self.sc.steps)
        if total > MAX_OPERATIONS:
            self.report_budget(total)

    def report_budget(self, total: int) -> None:
        """Blame the step that takes the run past MAX_OPERATIONS."""
        running = 0
        for step in self.sc.steps:
            count = operation_count(step)
            running += count
            if running > MAX_OPERATIONS:
                self.budget_reported = True
                if step.do == "loop":
                    per = sum(operation_count(s) for s in step.body)
                    what = (f"times = {step.arg('times')} × {per} operation(s) per iteration"
                            + (f" × repeat = {step.repeat}" if step.repeat > 1 else "")
                            + f" = {count} operations")
                    key = "times"
                else:
                    what = f"repeat = {step.repeat} operations"
                    key = "repeat"
                if any(p.line == step.line_of(key) for p in self.problems):
                    return  # already refused (e.g. "would need 80 GB of simulated heap")
                self.report(step, key, (
                    f"{what}; the scenario would run {total} in all, and gomemtui simulates at most "
                    f"{MAX_OPERATIONS} (make the counts smaller: the runtime behaves the same at a "
                    "smaller scale)"))
                return

    def step(self, step: StepSpec) -> None:
        if step.path in self.broken:
            self.define_leniently(step)
            return
        try:
            self.check_goroutine(step)
            if step.do == "loop":
                self.loop(step)
            else:
                self.repeat(step)
        except _Stop:
            self.define_leniently(step)

    def define_leniently(self, step: StepSpec) -> None:
        """A step with problems still defines its names, so later steps do not cascade."""
        for name in self._created_names(step):
            if name not in self.state.vars:
                self.state.vars[name] = _Var(name, "?", step.line, step.do, step.goroutine)
                self.state.dead.pop(name, None)
        for sub in step.body:
            self.define_leniently(sub)

    def repeat(self, step: StepSpec) -> None:
        handler = getattr(self, "op_" + step.do)
        times = step.repeat
        if step.do in ("append", "map_insert", "map_delete"):
            handler(step, times)
            return
        if step.do == "new" and times > 1:
            t = self.type_arg(step, "type")
            need = times * t.size
            if need > MAX_HEAP_BYTES and step.arg("escape", "heap") == "heap":
                self.fail(step, "repeat", (
                    f"repeat = {times} × {t.size} B would need {format_si(need)} "
                    f"({format_bytes(need, **MESSAGE_STYLE)}) of simulated heap; the limit is {format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)}"))
        if step.do != "reslice":
            times = min(times, 2)  # the same state after the second time
        for _ in range(times):
            handler(step, 1)

    def loop(self, step: StepSpec) -> None:
        times = step.arg("times", 0) * step.repeat
        per = sum(operation_count(s) for s in step.body)
        if times == 0 or self.ops_done + times * per > MAX_OPERATIONS:
            # Never runs (times = 0) or refused: check the body once, keep no effects.
            saved = copy.deepcopy(self.state)
            self.iteration.append(0)
            for sub in step.body:
                self.step(sub)
            self.iteration.pop()
            self.state = saved
            return
        self.iteration.append(0)
        previous = None
        for i in range(times):
            self.iteration[-1] = i
            before = len(self.problems)
            for sub in step.body:
                self.step(sub)
            self.ops_done += per
            if len(self.problems) > before:
                break
            signature = self.state.signature()
            if signature == previous:
                break  # every further iteration leaves the same state
            previous = signature
        self.iteration.pop()

    # -- lookups -----------------------------------------------------------------------
    def check_goroutine(self, step: StepSpec) -> None:
        g = step.goroutine
        self.goroutine_state(step, "in", g, need_running=True)

    def goroutine_state(self, step: StepSpec, key: str, g: str, *, need_running: bool) -> str:
        known = self.state.goroutines.get(g)
        if known is None:
            hint = suggest(g, self.state.goroutines) or (
                f'; declare it with [[goroutine]] name = "{g}"')
            self.fail(step, key, f"{key} = {quote(g)}: no such goroutine{hint}")
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
        return state

    def lookup(self, step: StepSpec, key: str, *kinds: str, name: str | None = None) -> _Var:
        """The live variable named by field `key` (or `name`), of one of `kinds`."""
        name = step.args[key] if name is None else name
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
        if kinds and var.kind != "?" and var.kind not in kinds:
            self.fail(step, key, (
                f"{key} = {quote(name)} is {_KIND_WORDS[var.kind]} ({var.do} at line {var.line}); "
                f"{step.do} needs {' or '.join(_KIND_WORDS[k] for k in kinds)}"))
        return var

    def type_arg(self, step: StepSpec, key: str) -> GoType:
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

    def bind(self, step: StepSpec, key: str, var: _Var) -> None:
        """Create (or rebind) variable `var.name`, as `v := ...` / `v = ...` would."""
        old = self.state.vars.get(var.name)
        if old is not None and old.kind not in ("?", var.kind):
            self.fail(step, key, (
                f"{key} = {quote(var.name)}: {var.name} is already {_KIND_WORDS[old.kind]} "
                f"({old.do} at line {old.line}); drop it first or choose another name"))
        if old is not None:
            var.is_global = old.is_global
        self.state.vars[var.name] = var
        self.state.dead.pop(var.name, None)
        self.check_live_heap(step, key)

    def new_object(self, nbytes: int) -> int:
        oid = self.state.next_obj
        self.state.next_obj += 1
        self.state.objects[oid] = nbytes
        return oid

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
        stack = step.arg("escape", "heap") == "stack"
        if stack and nbytes > MAX_STACK_ESCAPE_BYTES:
            self.fail(step, "escape", (
                f'escape = "stack": {what} is {nbytes} B, and the compiler keeps at most '
                f"{MAX_STACK_ESCAPE_BYTES} B (64 KiB) of an implicit allocation on the stack "
                '(go build -gcflags=-m says "escapes to heap"): use escape = "heap"'))
        return stack

    # -- operations ----------------------------------------------------------------------
    def op_new(self, step: StepSpec, _: int) -> None:
        t = self.type_arg(step, "type")
        stack = self.escape_check(step, t.size, f"new({t.name})")
        obj = 0 if stack else self.new_object(t.size)
        self.bind(step, "var", _Var(step.args["var"], "pointer", step.line_of("var"), "new",
                                    step.goroutine, t, obj=obj))

    def op_make_slice(self, step: StepSpec, _: int) -> None:
        length = step.arg("len", 0)
        cap = step.arg("cap", length)
        if cap < length:
            self.report(step, "cap", (
                f"cap = {cap} is less than len = {length} (Go: panic: runtime error: "
                "makeslice: cap out of range)"))
        elem = self.type_arg(step, "elem")
        if cap < length:
            raise _Stop
        self.check_heap_need(step, "cap" if step.has("cap") else "len",
                             f"{'cap' if step.has('cap') else 'len'} = {cap} × {elem.size} B", cap * elem.size)
        stack = self.escape_check(step, cap * elem.size, f"make([]{elem.name}, {length}, {cap})")
        obj = self.new_object(cap * elem.size) if cap and not stack else 0
        self.bind(step, "var", _Var(step.args["var"], "slice", step.line_of("var"), "make_slice",
                                    step.goroutine, elem, obj=obj, len=length, cap=cap,
                                    has_array=cap > 0, stack=stack))

    def op_append(self, step: StepSpec, times: int) -> None:
        var = self.lookup(step, "var", "slice")
        if step.has("count") and step.has("batch"):
            self.fail(step, "batch", (
                "give either count (elements appended one at a time) or batch (one "
                "append(s, xs...) of that many), not both"))
        if step.has("value"):
            ptr = self.lookup(step, "value", "pointer")
            if var.type is not None and not var.type.has_pointers:
                self.fail(step, "value", (
                    f"value = {quote(ptr.name)}: the elements of {var.name} are {var.type.name}, "
                    "which hold no pointers"))
        if var.kind == "?" or var.type is None:
            return
        elem = var.type
        batch = step.arg("batch")
        count = (batch if batch is not None else step.arg("count", 1)) * times
        key = "batch" if batch is not None else ("count" if step.has("count") else "repeat")
        word = f"{key} = {step.arg(key, 1)}" + (f" × repeat = {times}" if times > 1 and key != "repeat" else "")
        self.check_heap_need(step, key, f"{word} × {elem.size} B", (var.len + count) * elem.size)
        for _ in range(times if batch is not None else 1):
            self._append(var, batch if batch is not None else count, bulk=batch is not None)
        self.state.objects[var.obj or self.new_object(0)] = var.cap * elem.size
        self.check_live_heap(step, key)

    def _append(self, var: _Var, count: int, *, bulk: bool) -> None:
        """Mirror of the runtime's append: fill the room, then growslice (one call per growth)."""
        elem = var.type
        assert elem is not None
        if elem.size == 0:
            var.len += count
            var.cap = max(var.cap, var.len)
            return
        if bulk:
            self._grow(var, count, bulk=True)
            return
        left = count
        while left > 0:
            if var.has_array and var.len < var.cap:
                take = min(left, var.cap - var.len)
                var.len += take
                left -= take
                continue
            self._grow(var, 1, bulk=False)
            left -= 1

    def _grow(self, var: _Var, k: int, *, bulk: bool) -> None:
        elem = var.type
        assert elem is not None
        new_len = var.len + k
        if var.has_array and new_len <= var.cap:
            var.len = new_len
            return
        buffer = stack_buffer_elems(elem.size)
        if (var.stack and not bulk and var.len == 0 and not var.has_array
                and not var.appended_before and 0 < new_len <= buffer):
            var.cap = buffer  # the compiler's 32-byte stack buffer (ssagen (*state).append)
        else:
            var.cap = growslice(var.len, var.cap, k, elem.size, elem.noscan)[0]
            var.obj = self.new_object(var.cap * elem.size)
        var.appended_before = True
        var.has_array = True
        var.len = new_len

    def op_reslice(self, step: StepSpec, _: int) -> None:
        source_key = "from" if step.has("from") else "var"
        src = self.lookup(step, source_key, "slice")
        name = step.args["var"]
        if src.kind == "?":
            self.bind(step, "var", _Var(name, "?", step.line_of("var"), "reslice", step.goroutine))
            return
        low = step.arg("low")
        high = step.arg("high")
        mx = step.arg("max")
        if mx is not None and high is None:
            self.fail(step, "max", "max needs high: Go's 3-index slice s[low:high:max] requires the middle index")
        lo = low or 0
        if mx is not None and mx > src.cap:
            self.fail(step, "max", (
                f"max = {mx} is out of range: {src.name} has cap {src.cap} here (Go: panic: "
                f"runtime error: slice bounds out of range [::{mx}] with capacity {src.cap})"))
        bound = src.cap if mx is None else mx
        if high is not None and high > bound:
            which = "capacity" if mx is None else "max"
            self.fail(step, "high", (
                f"high = {high} is out of range: {src.name} has {'cap' if mx is None else 'max'} "
                f"{bound} here (Go: panic: runtime error: slice bounds out of range [:{high}] with "
                f"{which} {bound})"))
        hi = src.len if high is None else high
        if lo > hi:
            if high is None:
                self.fail(step, "low", (
                    f"low = {lo} is out of range: {src.name} has len {src.len} here (Go: panic: "
                    f"runtime error: slice bounds out of range [{lo}:{src.len}])"))
            self.fail(step, "low", (
                f"low = {lo} is greater than high = {hi} (Go: panic: runtime error: slice bounds "
                f"out of range [{lo}:{hi}])"))
        new = _Var(name, "slice", step.line_of("var"), "reslice", step.goroutine, src.type,
                   obj=src.obj, len=hi - lo, cap=bound - lo, has_array=src.has_array,
                   stack=src.stack, appended_before=True)
        if name == src.name:
            new.line, new.do, new.goroutine, new.is_global = src.line, src.do, src.goroutine, src.is_global
        self.bind(step, "var", new)

    def op_copy_slice(self, step: StepSpec, _: int) -> None:
        src = self.lookup(step, "from", "slice")
        n = src.len
        size = src.type.size if src.type else 0
        obj = self.new_object(n * size) if n else 0
        self.bind(step, "var", _Var(step.args["var"], "slice" if src.kind != "?" else "?",
                                    step.line_of("var"), "copy_slice", step.goroutine, src.type,
                                    obj=obj, len=n, cap=n, has_array=n > 0, appended_before=True))

    def op_make_map(self, step: StepSpec, _: int) -> None:
        key = self.type_arg(step, "key")
        value = self.type_arg(step, "value")
        hint = step.arg("hint")
        if hint is not None:
            if hint > MAX_MAP_ENTRIES:
                self.fail(step, "hint", f"hint = {hint}: gomemtui simulates maps of at most {MAX_MAP_ENTRIES} entries")
            self.check_heap_need(step, "hint", f"hint = {hint} × {key.size + value.size} B",
                                 hint * (key.size + value.size))
        var = _Var(step.args["var"], "map", step.line_of("var"), "make_map", step.goroutine, value,
                   key=key, obj=self.new_object(_map_bytes(hint or 0, key, value)))
        self.bind(step, "var", var)

    def op_map_insert(self, step: StepSpec, times: int) -> None:
        var = self.lookup(step, "var", "map")
        if var.kind == "?":
            return
        count = step.arg("count", 1) * times
        new_len = var.len + count
        key_t = var.key
        if new_len > MAX_MAP_ENTRIES:
            word = "count" if step.has("count") else "repeat"
            self.fail(step, word, (
                f"{var.name} would hold {new_len} entries; gomemtui simulates maps of at most "
                f"{MAX_MAP_ENTRIES} entries"))
        if key_t is not None and var.type is not None:
            self.check_heap_need(step, "count", f"{new_len} entries × {key_t.size + var.type.size} B",
                                 new_len * (key_t.size + var.type.size))
            self.state.objects[var.obj] = max(self.state.objects.get(var.obj, 0),
                                              _map_bytes(new_len, key_t, var.type))
        var.len = new_len
        self.check_live_heap(step, "count")

    def op_map_delete(self, step: StepSpec, times: int) -> None:
        var = self.lookup(step, "var", "map")
        if step.has("count") and step.arg("all"):
            self.fail(step, "all", "give either count or all = true, not both")
        if var.kind == "?":
            return
        if step.arg("all"):
            var.len = 0
            return
        count = step.arg("count", 1) * times
        if count > var.len:
            key = "count" if step.has("count") else "var"
            self.fail(step, key, (
                f"{'count = ' + str(step.arg('count', 1)) if step.has('count') else 'deleting'}"
                f"{' × repeat = ' + str(times) if times > 1 else ''}: {var.name} has only "
                f"{var.len} key(s) here (map_delete deletes keys that are present)"))
        var.len -= count

    def op_map_clear(self, step: StepSpec, _: int) -> None:
        var = self.lookup(step, "var", "map")
        var.len = 0

    def op_pool_new(self, step: StepSpec, _: int) -> None:
        t = self.type_arg(step, "type")
        var = _Var(step.args["var"], "pool", step.line_of("var"), "pool_new", step.goroutine, t,
                   obj=self.new_object(0))
        var.nil = not step.arg("has_new", True)
        self.bind(step, "var", var)

    def op_pool_get(self, step: StepSpec, _: int) -> None:
        pool = self.lookup(step, "pool", "pool")
        self.bind(step, "var", _Var(step.args["var"], "pointer", step.line_of("var"), "pool_get",
                                    step.goroutine, pool.type, obj=self.new_object(pool.type.size if pool.type else 0),
                                    nil=None if pool.nil else False))

    def op_pool_put(self, step: StepSpec, _: int) -> None:
        self.lookup(step, "pool", "pool")
        self.lookup(step, "var", "pointer")

    def op_assign(self, step: StepSpec, _: int) -> None:
        target = step.args["target"]
        value_name = step.args.get("value")
        value = self.lookup(step, "value", "pointer") if value_name is not None else None
        if "." not in target:
            old = self.state.vars.get(target)
            if old is not None and old.kind not in ("pointer", "?"):
                self.fail(step, "target", (
                    f"target = {quote(target)} is {_KIND_WORDS[old.kind]} ({old.do} at line "
                    f"{old.line}); assign writes pointers"))
            new = _Var(target, "pointer", step.line_of("target"), "assign", step.goroutine,
                       value.type if value else (old.type if old else None),
                       obj=value.obj if value else 0, nil=value.nil if value else True)
            if old is not None:
                new.line, new.do, new.goroutine = old.line, old.do, old.goroutine
            self.bind(step, "target", new)
            return
        name, fieldname = target.split(".")
        holder = self.lookup(step, "target", name=name)
        if holder.kind not in ("pointer", "?"):
            self.fail(step, "target", (
                f"target = {quote(target)}: {name} is {_KIND_WORDS[holder.kind]} ({holder.do} at "
                f"line {holder.line}); only pointers to a declared type have fields"))
        if holder.nil is True:
            self.fail(step, "target", (
                f"target = {quote(target)}: {name} is nil here (Go: panic: runtime error: invalid "
                "memory address or nil pointer dereference)"))
        if holder.kind == "?" or holder.type is None:
            return
        fields = holder.type.pointer_fields
        if fieldname not in fields:
            if not fields:
                self.fail(step, "target", (
                    f"target = {quote(target)}: {name} points to a {holder.type.name}, which has no "
                    "pointer fields (declare them with [types.NAME] pointers = [...])"))
            self.fail(step, "target", (
                f"target = {quote(target)}: {holder.type.name} has no pointer field "
                f"\"{fieldname}\"{suggest(fieldname, fields)} (its pointer fields: {', '.join(fields)})"))

    def op_drop(self, step: StepSpec, _: int) -> None:
        var = self.lookup(step, "var")
        del self.state.vars[var.name]
        self.state.dead[var.name] = f"was dropped at line {step.line_of('var')}"

    def op_global(self, step: StepSpec, _: int) -> None:
        var = self.lookup(step, "var")
        if var.is_global:
            self.fail(step, "var", f"var = {quote(var.name)}: {var.name} is already global")
        var.is_global = True

    def op_go(self, step: StepSpec, _: int) -> None:
        g = step.args["goroutine"]
        if g == "main":
            self.fail(step, "goroutine", 'goroutine = "main": main is already running')
        state = self.goroutine_state(step, "goroutine", g, need_running=False)
        if state in ("running", "blocked"):
            since = self.state.goroutines[g][1]
            self.fail(step, "goroutine", (
                f'goroutine = {quote(g)}: "{g}" is already {state} (since line {since}); declare '
                "another [[goroutine]] for a second one"))
        self.state.goroutines[g] = ("running", step.line_of("goroutine"))

    def _ending(self, step: StepSpec, verb: str) -> str:
        key = "goroutine" if step.has("goroutine") else "in"
        g = step.args.get("goroutine", step.goroutine)
        if g == "main":
            self.fail(step, key, (
                'goroutine = "main": main cannot ' + verb + (
                    " (a blocked main is a deadlock: fatal error: all goroutines are asleep)"
                    if verb == "block" else " here: when main returns the program ends")))
        self.goroutine_state(step, key, g, need_running=True)
        return g

    def op_block(self, step: StepSpec, _: int) -> None:
        g = self._ending(step, "block")
        self.state.goroutines[g] = ("blocked", step.line_of("goroutine") if step.has("goroutine") else step.line)

    def op_exit(self, step: StepSpec, _: int) -> None:
        g = self._ending(step, "exit")
        line = step.line_of("goroutine") if step.has("goroutine") else step.line
        self.state.goroutines[g] = ("exited", line)
        for name, var in list(self.state.vars.items()):
            if var.goroutine == g and not var.is_global:
                del self.state.vars[name]
                self.state.dead[name] = f"died when goroutine {g} returned at line {line}"

    def op_call(self, step: StepSpec, _: int) -> None:
        depth = step.args["depth"]
        frame = step.arg("frame", 176)
        if depth * frame > MAX_STACK_BYTES:
            self.fail(step, "depth", (
                f"depth = {depth} × frame = {frame} B = {depth * frame} B of stack: Go stops at "
                f"{MAX_STACK_BYTES} B (runtime: goroutine stack exceeds {MAX_STACK_BYTES}-byte limit; "
                "fatal error: stack overflow)"))

    def op_gc(self, step: StepSpec, _: int) -> None:
        pass

    def op_set_gc_percent(self, step: StepSpec, _: int) -> None:
        pass

    def op_set_memory_limit(self, step: StepSpec, _: int) -> None:
        pass


_KIND_WORDS = {
    "slice": "a slice",
    "map": "a map",
    "pointer": "a pointer",
    "pool": "a sync.Pool",
    "?": "a variable",
}


def _map_bytes(entries: int, key: GoType, value: GoType) -> int:
    """A rough size of a Swiss-table map (only for the size limit): 8-slot groups at 7/8 load."""
    groups = max(1, -(-entries * 8 // 7) // 8 + 1)
    return groups * (8 + 8 * (key.size + value.size))
