"""The checker's rules, one per operation: what Go would reject or panic on at a step,
and what the step changes in what the checker knows (`tracker.Tracker`).

Each rule is registered for its operation of `spec.OPS` with `@rule("append")`; the walk
(`checker`) calls `RULES[step.do]` for every step but a loop, whose body it walks itself.
A rule receives the step's `repeat` count as `times` when it registers `Repeats.AT_ONCE`;
otherwise it is called once per repetition (`Repeats.EACH`) or, when repeating can only
give the state of the second time again, at most twice (`Repeats.TWICE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

from gomemtui.runtime.types import BUILTIN_TYPES, GoType
from gomemtui.runtime.values.channels import HCHAN_BYTES
from gomemtui.runtime.values.closures import FUNC_TYPE, captured_by_reference, header_type, layout
from gomemtui.runtime.values.growslice import growslice, stack_buffer_elems
from gomemtui.runtime.values.strings import stringtoslicebyte
from gomemtui.scenario.append_walk import append_one_at_a_time, takes_stack_buffer
from gomemtui.scenario.errors import quote, suggest
from gomemtui.scenario.gotypes import resolve_type
from gomemtui.scenario.limits import MAX_HEAP_BYTES, MAX_MAP_ENTRIES, MAX_STACK_BYTES
from gomemtui.scenario.model import StepSpec
from gomemtui.scenario.spec import OPS
from gomemtui.scenario.tracker import KIND_WORDS, Stop, Tracker, Var
from gomemtui.scenario.values import type_suggestion
from gomemtui.units import MESSAGE_STYLE, format_bytes, format_si

__all__ = ["Repeats", "Rule", "RULES", "rule"]

Check = Callable[[Tracker, StepSpec, int], None]


class Repeats(Enum):
    """How a rule follows a step's `repeat = N`."""

    TWICE = "called at most twice: the same state after the second time"
    EACH = "called N times: each time changes the state (s = s[1:])"
    AT_ONCE = "called once with N: the rule counts the repetitions itself"


@dataclass(frozen=True)
class Rule:
    """The checker's rule for one operation."""

    op: str
    """The `do` it checks (a key of `spec.OPS`)."""
    check: Check
    repeats: Repeats


RULES: dict[str, Rule] = {}
"""`do` -> its rule; every operation of `spec.OPS` but `loop` has one."""


def rule(op: str, repeats: Repeats = Repeats.TWICE) -> Callable[[Check], Check]:
    """Register the decorated function as the rule of operation `op`."""
    if op not in OPS:
        raise KeyError(f"no operation {op!r} in spec.OPS")

    def register(check: Check) -> Check:
        RULES[op] = Rule(op, check, repeats)
        return check

    return register


@rule("new", Repeats.AT_ONCE)
def check_new(track: Tracker, step: StepSpec, times: int) -> None:
    """`v := new(T)`: a pointer to a new object (none with escape = "stack"); a repeat of
    it must fit the heap limit all at once."""
    if times > 1:
        t = track.type_arg(step, "type")
        need = times * t.size
        if need > MAX_HEAP_BYTES and step.value("escape") == "heap":
            track.fail(step, "repeat", (
                f"repeat = {times} × {t.size} B would need {format_si(need)} "
                f"({format_bytes(need, **MESSAGE_STYLE)}) of simulated heap; the limit is "
                f"{format_bytes(MAX_HEAP_BYTES, **MESSAGE_STYLE)}"))
    for _ in range(min(times, 2)):  # the same state after the second time
        t = track.type_arg(step, "type")
        stack = track.escape_check(step, t.size, f"new({t.name})")
        obj = 0 if stack else track.new_object(t.size)
        track.bind(step, "var", Var(step.args["var"], "pointer", step.line_of("var"), "new",
                                    step.goroutine, t, obj=obj, stack=stack))


@rule("make_slice")
def check_make_slice(track: Tracker, step: StepSpec, _: int) -> None:
    """`make([]T, len, cap)`: cap ≥ len (`runtime.makeslice` panics `makeslice: cap out of
    range`), the array fits the heap limit and, with escape = "stack", 64 KiB."""
    length = step.value("len")
    cap = step.value("cap")
    if cap < length:
        track.report(step, "cap", (
            f"cap = {cap} is less than len = {length} (Go: panic: runtime error: "
            "makeslice: cap out of range)"))
    elem = track.type_arg(step, "elem")
    if cap < length:
        raise Stop
    track.check_heap_need(step, "cap" if step.has("cap") else "len",
                          f"{'cap' if step.has('cap') else 'len'} = {cap} × {elem.size} B", cap * elem.size)
    stack = track.escape_check(step, cap * elem.size, f"make([]{elem.name}, {length}, {cap})")
    obj = track.new_object(cap * elem.size) if cap and not stack else 0
    track.bind(step, "var", Var(step.args["var"], "slice", step.line_of("var"), "make_slice",
                                step.goroutine, elem, obj=obj, len=length, cap=cap,
                                has_array=cap > 0, stack=stack))


@rule("append", Repeats.AT_ONCE)
def check_append(track: Tracker, step: StepSpec, times: int) -> None:
    """`append`: len and cap grow as `runtime.growslice` grows them; `value` must point
    into elements that hold pointers."""
    var = track.lookup(step, "var")
    if step.has("count") and step.has("batch"):
        track.fail(step, "batch", (
            "give either count (elements appended one at a time) or batch (one "
            "append(s, xs...) of that many), not both"))
    if step.has("value"):
        ptr = track.lookup(step, "value")
        if var.type is not None and not var.type.has_pointers:
            track.fail(step, "value", (
                f"value = {quote(ptr.name)}: the elements of {var.name} are {var.type.name}, "
                "which hold no pointers"))
    if var.kind == "?" or var.type is None:
        return
    elem = var.type
    batch = step.value("batch")
    count = (batch if batch is not None else step.value("count")) * times
    key = "batch" if batch is not None else ("count" if step.has("count") else "repeat")
    word = f"{key} = {step.arg(key, 1)}" + (f" × repeat = {times}" if times > 1 and key != "repeat" else "")
    track.check_heap_need(step, key, f"{word} × {elem.size} B", (var.len + count) * elem.size)
    for _ in range(times if batch is not None else 1):
        _append(track, var, batch if batch is not None else count, bulk=batch is not None)
    track.state.objects[var.obj or track.new_object(0)] = var.cap * elem.size
    track.check_live_heap(step, key)


def _append(track: Tracker, var: Var, count: int, *, bulk: bool) -> None:
    """Mirror of the runtime's append: fill the room, then growslice (one call per growth)."""
    elem = var.type
    assert elem is not None
    if elem.size == 0:
        var.len += count
        var.cap = max(var.cap, var.len)
        return
    if bulk:
        _grow(track, var, count, bulk=True)
        return
    append_one_at_a_time(var, count, lambda: _grow(track, var, 1, bulk=False))


def _grow(track: Tracker, var: Var, k: int, *, bulk: bool) -> None:
    elem = var.type
    assert elem is not None
    new_len = var.len + k
    if var.has_array and new_len <= var.cap:
        var.len = new_len
        return
    if takes_stack_buffer(var, new_len, elem.size, bulk):
        var.cap = stack_buffer_elems(elem.size)  # the compiler's 32-byte stack buffer (ssagen (*state).append)
    else:
        var.cap = growslice(var.len, var.cap, k, elem.size, elem.noscan)[0]
        var.obj = track.new_object(var.cap * elem.size)
    var.appended_before = True
    var.has_array = True
    var.len = new_len


@rule("reslice", Repeats.EACH)
def check_reslice(track: Tracker, step: StepSpec, _: int) -> None:
    """`v = from[low:high:max]`: 0 ≤ low ≤ high ≤ max ≤ cap, as the compiled bounds checks
    demand (`runtime.goPanicSlice*`: "slice bounds out of range")."""
    src = _slicing_source(track, step)
    if src is None:
        return
    low = step.value("low")
    high = step.value("high")
    mx = step.value("max")
    if mx is not None and high is None:
        track.fail(step, "max", "max needs high: Go's 3-index slice s[low:high:max] requires the middle index")
    lo = low or 0
    if mx is not None and mx > src.cap:
        track.fail(step, "max", (
            f"max = {mx} is out of range: {src.name} has cap {src.cap} here (Go: panic: "
            f"runtime error: slice bounds out of range [::{mx}] with capacity {src.cap})"))
    bound = src.cap if mx is None else mx
    if high is not None and high > bound:
        which = "capacity" if mx is None else "max"
        track.fail(step, "high", (
            f"high = {high} is out of range: {src.name} has {'cap' if mx is None else 'max'} "
            f"{bound} here (Go: panic: runtime error: slice bounds out of range [:{high}] with "
            f"{which} {bound})"))
    hi = _checked_low_high(track, step, src, lo, high)
    _bind_sliced(track, step, src, Var(
        step.args["var"], "slice", step.line_of("var"), "reslice", step.goroutine, src.type,
        obj=src.obj, len=hi - lo, cap=bound - lo, has_array=src.has_array, stack=src.stack,
        appended_before=True))


def _slicing_source(track: Tracker, step: StepSpec) -> Var | None:
    """The variable a slice expression (`reslice`, `substring`) slices: `from`, or `var`
    itself (`s = s[1:]`); None, with `var` bound as unknown, when it is not known."""
    src = track.lookup(step, "from" if step.has("from") else "var")
    if src.kind == "?":
        track.bind(step, "var", Var(step.args["var"], "?", step.line_of("var"), step.do, step.goroutine))
        return None
    return src


def _checked_low_high(track: Tracker, step: StepSpec, src: Var, lo: int, high: int | None) -> int:
    """The high bound (len when left out), after checking `low ≤ high` as Go does."""
    hi = src.len if high is None else high
    if lo > hi:
        if high is None:
            track.fail(step, "low", (
                f"low = {lo} is out of range: {src.name} has len {src.len} here (Go: panic: "
                f"runtime error: slice bounds out of range [{lo}:{src.len}])"))
        track.fail(step, "low", (
            f"low = {lo} is greater than high = {hi} (Go: panic: runtime error: slice bounds "
            f"out of range [{lo}:{hi}])"))
    return hi


def _bind_sliced(track: Tracker, step: StepSpec, src: Var, new: Var) -> None:
    """Bind a slice expression's result; `s = s[i:j]` keeps the variable's own origin."""
    if new.name == src.name:
        new.line, new.do, new.goroutine, new.is_global = src.line, src.do, src.goroutine, src.is_global
    track.bind(step, "var", new)


@rule("copy_slice")
def check_copy_slice(track: Tracker, step: StepSpec, _: int) -> None:
    """`v := make([]T, len(from)); copy(v, from)`: a new array of exactly len(from)."""
    src = track.lookup(step, "from")
    n = src.len
    size = src.type.size if src.type else 0
    obj = track.new_object(n * size) if n else 0
    track.bind(step, "var", Var(step.args["var"], "slice" if src.kind != "?" else "?",
                                step.line_of("var"), "copy_slice", step.goroutine, src.type,
                                obj=obj, len=n, cap=n, has_array=n > 0, appended_before=True))


@rule("make_map")
def check_make_map(track: Tracker, step: StepSpec, _: int) -> None:
    """`make(map[K]V, hint)`: the hint fits the map and heap limits."""
    key = track.type_arg(step, "key")
    value = track.type_arg(step, "value")
    hint = step.value("hint")
    if hint is not None:
        if hint > MAX_MAP_ENTRIES:
            track.fail(step, "hint", f"hint = {hint}: gomemtui simulates maps of at most {MAX_MAP_ENTRIES} entries")
        track.check_heap_need(step, "hint", f"hint = {hint} × {key.size + value.size} B",
                              hint * (key.size + value.size))
    var = Var(step.args["var"], "map", step.line_of("var"), "make_map", step.goroutine, value,
              key=key, obj=track.new_object(_map_bytes(hint or 0, key, value)))
    track.bind(step, "var", var)


@rule("map_insert", Repeats.AT_ONCE)
def check_map_insert(track: Tracker, step: StepSpec, times: int) -> None:
    """`m[k] = v` for new keys, or for one key `key` (a present one gets a new value): the
    map and its groups fit the limits; `value` points into values that hold pointers."""
    var = track.lookup(step, "var")
    if step.has("key") and step.has("count"):
        track.fail(step, "key", "give either count (that many new keys) or key (one key), not both")
    if step.has("value"):
        _check_map_value(track, step, var)
    if var.kind == "?":
        return
    if step.has("key"):
        label = _map_key(track, step, var)
        if ("key", label) not in var.entries:
            var.entries.append(("key", label))
            var.len += 1
        return
    count = step.value("count") * times
    new_len = var.len + count
    key_t = var.key
    if new_len > MAX_MAP_ENTRIES:
        word = "count" if step.has("count") else "repeat"
        track.fail(step, word, (
            f"{var.name} would hold {new_len} entries; gomemtui simulates maps of at most "
            f"{MAX_MAP_ENTRIES} entries"))
    if key_t is not None and var.type is not None:
        track.check_heap_need(step, "count", f"{new_len} entries × {key_t.size + var.type.size} B",
                              new_len * (key_t.size + var.type.size))
        track.state.objects[var.obj] = max(track.state.objects.get(var.obj, 0),
                                           _map_bytes(new_len, key_t, var.type))
    var.len = new_len
    if var.entries and var.entries[-1][0] == "count":
        var.entries[-1] = ("count", int(var.entries[-1][1]) + count)
    else:
        var.entries.append(("count", count))
    track.check_live_heap(step, "count")


@rule("map_delete", Repeats.AT_ONCE)
def check_map_delete(track: Tracker, step: StepSpec, times: int) -> None:
    """`delete(m, k)` for present keys (never more than the map holds), or for one key
    `key` (one not in the map: nothing happens, as in Go)."""
    var = track.lookup(step, "var")
    if step.has("count") and step.value("all"):
        track.fail(step, "all", "give either count or all = true, not both")
    if step.has("key") and (step.has("count") or step.value("all")):
        track.fail(step, "key", "give either key (one key), count or all = true, not two of them")
    if var.kind == "?":
        return
    if step.has("key"):
        label = _map_key(track, step, var)
        if ("key", label) in var.entries:
            var.entries.remove(("key", label))
            var.len -= 1
        return
    if step.value("all"):
        var.len = 0
        var.entries.clear()
        return
    count = step.value("count") * times
    if count > var.len:
        key = "count" if step.has("count") else "var"
        track.fail(step, key, (
            f"{'count = ' + str(step.value('count')) if step.has('count') else 'deleting'}"
            f"{' × repeat = ' + str(times) if times > 1 else ''}: {var.name} has only "
            f"{var.len} key(s) here (map_delete deletes keys that are present)"))
    var.len -= count
    left = count
    while left:  # the oldest first
        kind, what = var.entries[0]
        if kind == "key":
            var.entries.pop(0)
            left -= 1
        elif int(what) > left:
            var.entries[0] = ("count", int(what) - left)
            left = 0
        else:
            var.entries.pop(0)
            left -= int(what)


@rule("map_clear")
def check_map_clear(track: Tracker, step: StepSpec, _: int) -> None:
    """`clear(m)`: the map is empty, its memory stays."""
    var = track.lookup(step, "var")
    var.len = 0
    var.entries.clear()


@rule("pool_new")
def check_pool_new(track: Tracker, step: StepSpec, _: int) -> None:
    """`&sync.Pool{New: ...}`: without New, a Get may give nil."""
    t = track.type_arg(step, "type")
    var = Var(step.args["var"], "pool", step.line_of("var"), "pool_new", step.goroutine, t,
              obj=track.new_object(0))
    var.nil = not step.value("has_new")
    track.bind(step, "var", var)


@rule("pool_get")
def check_pool_get(track: Tracker, step: StepSpec, _: int) -> None:
    """`v := p.Get().(*T)`: a pointer, nil perhaps when the pool has no New."""
    pool = track.lookup(step, "pool")
    track.bind(step, "var", Var(step.args["var"], "pointer", step.line_of("var"), "pool_get",
                                step.goroutine, pool.type, obj=track.new_object(pool.type.size if pool.type else 0),
                                nil=None if pool.nil else False))


@rule("pool_put")
def check_pool_put(track: Tracker, step: StepSpec, _: int) -> None:
    """`p.Put(v)`: a pool and a pointer (a nil one too: the pool keeps a typed nil), or
    `"nil"` for `p.Put(nil)`; never a pointer to a stack object, which Put makes escape."""
    track.lookup(step, "pool")
    if step.args["var"] is None:  # p.Put(nil): sync.(*Pool).Put returns at once
        return
    var = track.lookup(step, "var")
    if var.kind == "pointer" and var.stack:
        track.fail(step, "var", (
            f"var = {quote(var.name)} points to a stack object ({var.do} at line {var.line} with "
            'escape = "stack"); Put(v) stores it in the pool\'s interface slots, so Go\'s escape '
            'analysis puts it on the heap (go build -gcflags=-m: "escapes to heap"): write escape = "heap"'))


@rule("assign")
def check_assign(track: Tracker, step: StepSpec, _: int) -> None:
    """A pointer write: `v = value` (v may be new) or `v.field = value` through a non-nil
    pointer to a type with that pointer field."""
    target = step.args["target"]
    value_name = step.args.get("value")
    value = track.lookup(step, "value") if value_name is not None else None
    if "." not in target:
        old = track.state.vars.get(target)
        if old is not None and old.kind not in ("pointer", "?"):
            track.fail(step, "target", (
                f"target = {quote(target)} is {KIND_WORDS[old.kind]} ({old.do} at line "
                f"{old.line}); assign writes pointers"))
        new = Var(target, "pointer", step.line_of("target"), "assign", step.goroutine,
                  value.type if value else (old.type if old else None),
                  obj=value.obj if value else 0, nil=value.nil if value else True,
                  stack=value.stack if value else False)
        if old is not None:
            new.line, new.do, new.goroutine = old.line, old.do, old.goroutine
        track.bind(step, "target", new)
        return
    name, fieldname = target.split(".")
    holder = track.lookup(step, "target", name=name)
    if holder.kind not in ("pointer", "?"):
        track.fail(step, "target", (
            f"target = {quote(target)}: {name} is {KIND_WORDS[holder.kind]} ({holder.do} at "
            f"line {holder.line}); only pointers to a declared type have fields"))
    if holder.nil is True:
        track.fail(step, "target", (
            f"target = {quote(target)}: {name} is nil here (Go: panic: runtime error: invalid "
            "memory address or nil pointer dereference)"))
    if holder.kind == "?" or holder.type is None:
        return
    fields = holder.type.pointer_fields
    if fieldname not in fields:
        if not fields:
            track.fail(step, "target", (
                f"target = {quote(target)}: {name} points to a {holder.type.name}, which has no "
                "pointer fields (declare them with [types.NAME] pointers = [...])"))
        track.fail(step, "target", (
            f"target = {quote(target)}: {holder.type.name} has no pointer field "
            f"\"{fieldname}\"{suggest(fieldname, fields)} (its pointer fields: {', '.join(fields)})"))


@rule("drop")
def check_drop(track: Tracker, step: StepSpec, _: int) -> None:
    """The variable dies (goes out of scope or is set to nil)."""
    var = track.lookup(step, "var")
    del track.state.vars[var.name]
    track.state.dead[var.name] = f"was dropped at line {step.line_of('var')}"


@rule("global")
def check_global(track: Tracker, step: StepSpec, _: int) -> None:
    """The variable becomes package-level (once)."""
    var = track.lookup(step, "var")
    if var.is_global:
        track.fail(step, "var", f"var = {quote(var.name)}: {var.name} is already global")
    var.is_global = True


@rule("go")
def check_go(track: Tracker, step: StepSpec, _: int) -> None:
    """`go name()`: a declared goroutine that is not running or blocked."""
    g = step.args["goroutine"]
    if g == "main":
        track.fail(step, "goroutine", 'goroutine = "main": main is already running')
    state = track.goroutine_state(step, "goroutine", g, need_running=False)
    if state in ("running", "blocked"):
        since = track.state.goroutines[g][1]
        track.fail(step, "goroutine", (
            f'goroutine = {quote(g)}: "{g}" is already {state} (since line {since}); declare '
            "another [[goroutine]] for a second one"))
    # -- go count (issue 13) --
    if state == "spawned":
        since = track.state.goroutines[g][1]
        track.fail(step, "goroutine", (
            f'goroutine = {quote(g)}: the go step at line {since} started goroutines of "{g}" already; '
            "declare another [[goroutine]] for more"))
    if step.value("count") > 1 and not step.body:
        track.fail(step, "count", (
            f"count = {step.value('count')} needs a body: the steps each goroutine runs "
            '(body = [ { do = "...", ... }, ... ])'))
    if step.body:
        track.state.goroutines[g] = ("spawned", step.line_of("goroutine"))
        return
    track.state.goroutines[g] = ("running", step.line_of("goroutine"))


def _ending(track: Tracker, step: StepSpec, verb: str) -> str:
    key = "goroutine" if step.has("goroutine") else "in"
    g = step.value("goroutine")
    if g == "main":
        track.fail(step, key, (
            'goroutine = "main": main cannot ' + verb + (
                " (a blocked main is a deadlock: fatal error: all goroutines are asleep)"
                if verb == "block" else " here: when main returns the program ends")))
    track.goroutine_state(step, key, g, need_running=True)
    return g


@rule("block")
def check_block(track: Tracker, step: StepSpec, _: int) -> None:
    """A goroutine blocks for ever; not main (`runtime.checkdead`: all goroutines are asleep)."""
    g = _ending(track, step, "block")
    track.state.goroutines[g] = ("blocked", step.line_of("goroutine") if step.has("goroutine") else step.line)


@rule("exit")
def check_exit(track: Tracker, step: StepSpec, _: int) -> None:
    """A goroutine returns and its variables die; not main (that ends the program)."""
    g = _ending(track, step, "exit")
    line = step.line_of("goroutine") if step.has("goroutine") else step.line
    track.state.goroutines[g] = ("exited", line)
    for name, var in list(track.state.vars.items()):
        if var.goroutine == g and not var.is_global:
            del track.state.vars[name]
            track.state.dead[name] = f"died when goroutine {g} returned at line {line}"


@rule("call")
def check_call(track: Tracker, step: StepSpec, _: int) -> None:
    """Calls `depth` frames deep: under Go's stack limit (`runtime.newstack`: maxstacksize)."""
    depth = step.args["depth"]
    frame = step.value("frame")
    if depth * frame > MAX_STACK_BYTES:
        track.fail(step, "depth", (
            f"depth = {depth} × frame = {frame} B = {depth * frame} B of stack: Go stops at "
            f"{MAX_STACK_BYTES} B (runtime: goroutine stack exceeds {MAX_STACK_BYTES}-byte limit; "
            "fatal error: stack overflow)"))


@rule("gc")
@rule("set_gc_percent")
@rule("set_memory_limit")
def check_nothing(track: Tracker, step: StepSpec, _: int) -> None:
    """Any running goroutine may do these, with any value the loader accepts."""


def _map_bytes(entries: int, key: GoType, value: GoType) -> int:
    """A rough size of a Swiss-table map (only for the size limit): 8-slot groups at 7/8 load."""
    groups = max(1, -(-entries * 8 // 7) // 8 + 1)
    return groups * (8 + 8 * (key.size + value.size))


# -- strings (issue 13) --

_BYTE = BUILTIN_TYPES["byte"]


def _string_var(step: StepSpec, do: str, length: int, obj: int) -> Var:
    """What the checker knows of the string a step makes: its len and the object it is in."""
    return Var(step.args["var"], "string", step.line_of("var"), do, step.goroutine, _BYTE,
               obj=obj, len=length, has_array=length > 0)


@rule("make_string")
def check_make_string(track: Tracker, step: StepSpec, _: int) -> None:
    """A string built at run time: `len` bytes, or `from` a []byte (`string(b)`) or a
    string (`strings.Clone`), exactly one of the two."""
    has_len, has_from = step.has("len"), step.has("from")
    if has_len and has_from:
        track.fail(step, "from", (
            "give either len (the bytes of a string built at run time) or from (a []byte to "
            "convert, or a string to clone), not both: from's length is the string's"))
    if not has_len and not has_from:
        track.fail(step, None, (
            'missing field "len" or "from": len = N for a string of N bytes built at run time '
            '(string(b), strconv, fmt.Sprint), or from = "b" to convert a []byte or clone a string'))
    if has_from:
        src = track.lookup(step, "from")
        if src.kind == "slice" and src.type is not None and src.type.name not in ("byte", "uint8"):
            track.fail(step, "from", (
                f"from = {quote(src.name)} is a []{src.type.name} ({src.do} at line {src.line}); "
                "string(b) converts a []byte: make_string from a slice needs elem = \"byte\""))
        length = src.len
    else:
        length = step.value("len")
        track.check_heap_need(step, "len", f"len = {length} B", length)
    track.bind(step, "var", _string_var(step, "make_string", length,
                                        track.new_object(length) if length else 0))


@rule("concat")
def check_concat(track: Tracker, step: StepSpec, _: int) -> None:
    """`a + b + …`: every named part is a live string; the result fits the heap limit."""
    total = 0
    for part in step.args["parts"]:
        if isinstance(part, int):
            total += part
            continue
        var = track.lookup(step, "parts", name=part)
        total += var.len
    track.check_heap_need(step, "parts", f"the parts' {total} B", total)
    track.bind(step, "var", _string_var(step, "concat", total, track.new_object(total) if total else 0))


@rule("substring", Repeats.EACH)
def check_substring(track: Tracker, step: StepSpec, _: int) -> None:
    """`v = from[low:high]`: 0 ≤ low ≤ high ≤ len(from), as the compiled bounds checks
    demand (`runtime.goPanicSlice*`: "slice bounds out of range")."""
    src = _slicing_source(track, step)
    if src is None:
        return
    high = step.value("high")
    lo = step.value("low") or 0
    if high is not None and high > src.len:
        track.fail(step, "high", (
            f"high = {high} is out of range: {src.name} has len {src.len} here (Go: panic: runtime "
            f"error: slice bounds out of range [:{high}] with length {src.len})"))
    hi = _checked_low_high(track, step, src, lo, high)
    _bind_sliced(track, step, src, _string_var(step, "substring", hi - lo, src.obj))


@rule("string_bytes")
def check_string_bytes(track: Tracker, step: StepSpec, _: int) -> None:
    """`[]byte(s)`: a new array whose cap is what `stringtoslicebyte` gives."""
    src = track.lookup(step, "from")
    stack = step.value("escape") == "stack"
    plan = stringtoslicebyte(src.len, escapes=not stack)
    obj = track.new_object(plan.request) if plan.where == "heap" else 0
    track.bind(step, "var", Var(step.args["var"], "slice" if src.kind != "?" else "?", step.line_of("var"),
                                "string_bytes", step.goroutine, _BYTE, obj=obj, len=src.len, cap=plan.cap,
                                has_array=plan.where != "empty", stack=plan.where == "stack",
                                appended_before=True))
# -- values (issue 13) --


@rule("set_elem")
def check_set_elem(track: Tracker, step: StepSpec, _: int) -> None:
    """`s[i] = p` / `s[i] = nil`: an index below len (the compiler's bounds check panics
    otherwise, `runtime.panicIndex`), into elements that hold pointers, of a pointer that
    is not to a stack object when the array is on the heap."""
    var = track.lookup(step, "var")
    value = track.lookup(step, "value") if step.args.get("value") is not None else None
    if var.kind == "?" or var.type is None:
        return
    index = step.args["index"]
    if not var.type.has_pointers:
        track.fail(step, "var", (
            f"var = {quote(var.name)}: the elements of {var.name} are {var.type.name}, which hold "
            "no pointers; set_elem stores pointers (declare the element type with pointers)"))
    if index >= var.len:
        track.fail(step, "index", (
            f"index = {index}: {var.name} has len {var.len} here (Go: panic: runtime error: "
            f"index out of range [{index}] with length {var.len})"))
    if value is not None and value.kind == "pointer" and value.stack and not var.stack:
        track.fail(step, "value", (
            f"value = {quote(value.name)} points to a stack object ({value.do} at line {value.line} "
            f'with escape = "stack"); storing it in {var.name}\'s heap array makes Go\'s escape '
            'analysis put it on the heap (go build -gcflags=-m: "escapes to heap"): write escape = "heap"'))


@rule("box")
def check_box(track: Tracker, step: StepSpec, _: int) -> None:
    """`var v any = x`: either `from` (a variable) or `type` (with `value`, `constant`); a
    stack object or stack slice boxed into an escaping interface would move to the heap."""
    has_from, has_type = step.has("from"), step.has("type")
    if has_from == has_type:
        track.fail(step, "from" if has_from else "var", (
            "give either from (a variable to box) or type (with value: a value of that type), "
            + ("not both" if has_from else "one of them")))
    if has_from:
        for key in ("value", "constant"):
            if step.has(key):
                track.fail(step, key, f"{key} goes with type, not with from (from boxes a variable as it is)")
        src = track.lookup(step, "from")
        if src.stack and step.value("escape") == "heap":
            track.fail(step, "from", (
                f"from = {quote(src.name)} is on the stack ({src.do} at line {src.line} with "
                'escape = "stack"); boxing it into an escaping interface makes Go\'s escape analysis '
                'put it on the heap (go build -gcflags=-m: "escapes to heap"): write escape = "heap"'))
        track.bind(step, "var", Var(step.args["var"], "iface", step.line_of("var"), "box",
                                    step.goroutine, src.type, obj=src.obj))
        return
    t = track.type_arg(step, "type")
    value = step.args.get("value")
    if value is not None and t.name != "string" and not t.name.startswith("[]") and t.name not in (
            "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
            "uintptr", "byte", "rune", "bool", "float32", "float64"):
        track.fail(step, "value", (
            f"value = {value}: a value is given for numbers (and as the length of a string or "
            f"slice); {t.name} is boxed by its size alone: leave value out"))
    if value is not None and value < 0 and (t.name == "string" or t.name.startswith("[]")):
        track.fail(step, "value", f"value = {value}: a length is at least 0")
    track.bind(step, "var", Var(step.args["var"], "iface", step.line_of("var"), "box",
                                step.goroutine, t, obj=track.new_object(t.size)))


_NOT_CAPTURED = {"map": "a map's groups and tables", "pool": "a sync.Pool's per-P caches"}
"""Kinds of variable a closure cannot capture here, and what it would have to keep alive."""


@rule("closure")
def check_closure(track: Tracker, step: StepSpec, _: int) -> None:
    """`f := func() { … x … }`: each captured name a live variable of a kind a closure
    holds, or a local declared with it (a known type, a name no live variable has); an
    escaping closure does not capture a stack object or stack slice (Go would move it to
    the heap)."""
    escapes = step.value("escape") == "heap"
    fields: list[tuple[str, GoType, bool]] = []
    moved = 0
    for item in step.value("captures"):
        if isinstance(item, str):
            fields.append((item, _captured_variable(track, step, item, escapes), False))
            continue
        t = resolve_type(item.type, track.types)
        if t is None:
            track.fail(step, "captures", (
                f"captures: {{ name = {quote(item.name)}, type = {quote(item.type)} }}: unknown type"
                + type_suggestion(item.type, track.types)))
        assert t is not None
        old = track.state.vars.get(item.name)
        if old is not None:
            track.fail(step, "captures", (
                f"captures: {{ name = {quote(item.name)}, … }} declares a local, and {item.name} is already "
                f"{KIND_WORDS[old.kind]} ({old.do} at line {old.line}): capture it by its name "
                f"({quote(item.name)}), or give the new local another name"))
        by_ref = captured_by_reference(t, item.modified)
        moved += t.size if by_ref else 0
        fields.append((item.name, t, by_ref))
    obj = 0
    if escapes and fields:
        size = layout(fields).size
        track.check_heap_need(step, "captures", f"{step.args['var']} := func(){{…}} (its closure and "
                              "the locals moved to heap)", size + moved)
        obj = track.new_object(size)
    track.bind(step, "var", Var(step.args["var"], "func", step.line_of("var"), "closure", step.goroutine,
                                FUNC_TYPE, obj=obj, stack=bool(fields) and not escapes))


def _captured_variable(track: Tracker, step: StepSpec, name: str, escapes: bool) -> GoType:
    """A live variable a closure captures by value: the value it copies, as a type."""
    state = track.state
    if name not in state.vars and name not in state.dead and name not in track.created_at:
        hint = suggest(name, list(state.vars))
        track.fail(step, "captures", (
            f"captures names {quote(name)}: no such variable{hint}; a local declared with the closure "
            f'is a table: {{ name = {quote(name)}, type = "int" }}'))
    known = state.vars.get(name)
    if known is not None and known.kind in _NOT_CAPTURED:
        track.fail(step, "captures", (
            f"captures names {quote(name)}, {KIND_WORDS[known.kind]} ({known.do} at line {known.line}): "
            f"gomemtui does not simulate a closure that keeps {_NOT_CAPTURED[known.kind]} alive"))
    src = track.lookup(step, "captures", name=name)
    if src.stack and escapes:
        track.fail(step, "captures", (
            f"captures names {quote(name)}, which is on the stack ({src.do} at line {src.line} with "
            'escape = "stack"); an escaping closure makes Go\'s escape analysis put it on the heap '
            '(go build -gcflags=-m: "moved to heap"): write escape = "heap" there'))
    return header_type(src.kind, src.type) if src.kind != "?" else FUNC_TYPE


# -- channels (issue 13) --


@rule("make_chan")
def check_make_chan(track: Tracker, step: StepSpec, _: int) -> None:
    """`make(chan T, n)`: an element under 64 KiB (`makechan: invalid channel element type`)
    and a buffer that fits the simulated heap."""
    t = track.type_arg(step, "elem")
    if t.size >= 1 << 16:
        track.fail(step, "elem", (
            f"elem = {quote(t.name)}: {t.size} B per element; Go allows at most 65535 B "
            "(compile error: channel element type too large (>64kB))"))
    cap = step.value("cap")
    need = HCHAN_BYTES + cap * t.size
    track.check_heap_need(step, "cap", f"make(chan {t.name}, {cap})", need)
    track.bind(step, "var", Var(step.args["var"], "chan", step.line_of("var"), "make_chan", step.goroutine,
                                t, obj=track.new_object(need), cap=cap))


def _park(track: Tracker, step: StepSpec, what: str) -> None:
    """The step's goroutine blocks; with nobody left running, Go stops (`runtime.checkdead`)."""
    g = step.goroutine
    track.state.goroutines[g] = ("blocked", step.line)
    if not any(state == "running" for state, _ in track.state.goroutines.values()):
        track.fail(step, "chan", (
            f"{what} blocks {g}, and no other goroutine is running to wake it (Go: fatal error: "
            "all goroutines are asleep - deadlock!)"))


def _wake(track: Tracker, g: str, line: int) -> None:
    track.state.goroutines[g] = ("running", line)
    locals_ = track.state.returning.pop(g, None)  # -- go count (issue 13) --
    if locals_ is not None:  # parked at its body's end: it returns now
        track.state.goroutines[g] = ("exited", line)
        for name in locals_:
            if track.state.vars.pop(name, None) is not None:
                track.state.dead[name] = f"died when goroutine {g} returned at line {line}"


def _pointer_value(track: Tracker, step: StepSpec, ch: Var, key: str, verb: str) -> None:
    """A channel whose elements hold no pointers carries no heap object to a variable."""
    if step.args.get(key) is not None and ch.type is not None and not ch.type.has_pointers:
        track.fail(step, key, (
            f"{key} = {quote(step.args[key])}: {ch.name} is a chan {ch.type.name}, whose values hold no "
            f"pointers; leave out {key} to {verb} one"))


@rule("send", Repeats.EACH)
def check_send(track: Tracker, step: StepSpec, _: int) -> None:
    """`ch <- v`: not on a closed channel (`panic: send on closed channel`); parks when the
    buffer is full and no receiver waits."""
    track.check_goroutine(step)  # a repetition after the goroutine parked cannot run
    ch = track.lookup(step, "chan")
    _pointer_value(track, step, ch, "var", "send")
    if step.args.get("var") is not None:
        sent = track.lookup(step, "var")
        if sent.stack:
            track.fail(step, "var", (
                f"var = {quote(sent.name)} points to a stack object ({sent.do} at line {sent.line} with "
                'escape = "stack"); a value sent on a channel escapes to the heap (go build -gcflags=-m: '
                '"escapes to heap"): write escape = "heap"'))
    if ch.closed:
        track.fail(step, "chan", f"chan = {quote(ch.name)}: {ch.name} is closed here (Go: panic: send on closed channel)")
    if ch.recvq:
        g, var = ch.recvq.pop(0)
        _wake(track, g, step.line)
        if var is not None:
            track.state.vars[var].nil = step.args.get("var") is None
        return
    if ch.len < ch.cap:
        ch.len += 1
        return
    ch.sendq.append(step.goroutine)
    _park(track, step, f"{ch.name} <- {step.args.get('var') or 'v'} (buffer full or unbuffered, no receiver waiting)")


@rule("recv", Repeats.EACH)
def check_recv(track: Tracker, step: StepSpec, _: int) -> None:
    """`v := <-ch`: from the buffer or a parked sender, a zero value once closed, or parks."""
    track.check_goroutine(step)  # a repetition after the goroutine parked cannot run
    ch = track.lookup(step, "chan")
    _pointer_value(track, step, ch, "var", "receive")
    name = step.args.get("var")
    if name is not None:
        track.bind(step, "var", Var(name, "pointer", step.line_of("var"), "recv", step.goroutine,
                                    ch.type, obj=track.new_object(0), nil=None))
    if ch.len > 0:
        ch.len -= 1
        if ch.sendq:
            _wake(track, ch.sendq.pop(0), step.line)
            ch.len += 1
        return
    if ch.sendq:
        _wake(track, ch.sendq.pop(0), step.line)
        return
    if ch.closed:
        if name is not None:
            track.state.vars[name].nil = True
        return
    ch.recvq.append((step.goroutine, name))
    _park(track, step, f"<-{ch.name} (nothing buffered, no sender waiting)")


@rule("close_chan")
def check_close_chan(track: Tracker, step: StepSpec, _: int) -> None:
    """`close(ch)`: once (`panic: close of closed channel`), and not while a goroutine is
    parked sending on it (that send panics: `send on closed channel`)."""
    ch = track.lookup(step, "chan")
    if ch.closed:
        track.fail(step, "chan", f"chan = {quote(ch.name)}: {ch.name} is already closed (Go: panic: close of closed channel)")
    if ch.sendq:
        track.fail(step, "chan", (
            f"chan = {quote(ch.name)}: {', '.join(ch.sendq)} parked sending on {ch.name}; closing it "
            "makes that send panic (Go: panic: send on closed channel)"))
    ch.closed = True
    for g, var in ch.recvq:
        _wake(track, g, step.line)
        if var is not None:
            track.state.vars[var].nil = True
    ch.recvq.clear()
# -- runtime (issue 13) --

_INT_KEY_RANGES = {
    "int8": (-(1 << 7), (1 << 7) - 1), "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1), "rune": (-(1 << 31), (1 << 31) - 1),
    "int": (-(1 << 63), (1 << 63) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1), "byte": (0, (1 << 8) - 1), "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1), "uint": (0, (1 << 64) - 1), "uint64": (0, (1 << 64) - 1),
    "uintptr": (0, (1 << 64) - 1),
}
"""The integer key types and the constants Go accepts for them."""
MAP_MAX_ELEM_BYTES = 128
"""`abi.MapMaxElemBytes`: a bigger value is stored outside the group, behind a pointer."""


def _map_key(track: Tracker, step: StepSpec, var: Var) -> int | str:
    """The key a step names, checked against the map's key type as Go's compiler checks
    a constant index: an integer in range for integer keys, a string for string keys.
    Other key types (structs, arrays, pointers, interfaces) take any integer or string,
    each naming a distinct key."""
    label = step.args["key"]
    kt = var.key
    if kt is None:
        return label
    limits = _INT_KEY_RANGES.get(kt.name)
    if limits is not None:
        if not isinstance(label, int):
            track.fail(step, "key", (
                f"key = {quote(label)}: {var.name} has {kt.name} keys, so the key is an integer "
                f"(Go: cannot use {quote(label)} (untyped string constant) as {kt.name} value in map index)"))
        lo, hi = limits
        if not lo <= label <= hi:
            track.fail(step, "key", (
                f"key = {label} does not fit {kt.name} (Go: cannot use {label} (untyped int constant) as "
                f"{kt.name} value in map index (overflows))"))
    elif kt.name == "string" and not isinstance(label, str):
        track.fail(step, "key", (
            f"key = {label}: {var.name} has string keys, so the key is a string: key = \"{label}\" "
            f"(Go: cannot use {label} (untyped int constant) as string value in map index)"))
    return label


def _check_map_value(track: Tracker, step: StepSpec, var: Var) -> None:
    """`value`: a pointer stored in the map's values, which must hold a pointer inline."""
    ptr = track.lookup(step, "value")
    if var.kind == "?" or var.type is None:
        return
    if not var.type.has_pointers:
        track.fail(step, "value", (
            f"value = {quote(ptr.name)}: the values of {var.name} are {var.type.name}, which hold no "
            "pointers (use a pointer value type such as *T or pointer)"))
    if var.type.size > MAP_MAX_ELEM_BYTES:
        track.fail(step, "value", (
            f"value = {quote(ptr.name)}: the values of {var.name} are {var.type.name} ({var.type.size} B), "
            f"which Go keeps outside the groups (over {MAP_MAX_ELEM_BYTES} B); gomemtui stores `value` "
            "pointers in the groups' slots: use a pointer value type such as *T"))
    if ptr.kind == "pointer" and ptr.stack:
        _escapes(track, step, "value", ptr, f"storing it in {var.name}")


def _escapes(track: Tracker, step: StepSpec, key: str, ptr: Var, how: str) -> None:
    """A pointer to a stack object handed somewhere that makes it escape."""
    track.fail(step, key, (
        f"{key} = {quote(ptr.name)} points to a stack object ({ptr.do} at line {ptr.line} with "
        f'escape = "stack"); {how} makes it escape to the heap (go build -gcflags=-m: "escapes to '
        'heap"): write escape = "heap"'))


@rule("free_os_memory")
def check_free_os_memory(track: Tracker, step: StepSpec, _: int) -> None:
    """`debug.FreeOSMemory()`: any running goroutine may call it."""


@rule("set_finalizer")
def check_set_finalizer(track: Tracker, step: StepSpec, _: int) -> None:
    """`runtime.SetFinalizer(v, f)`: a heap object, not nil, and not one that has a
    finalizer already (Go: fatal error "finalizer already set")."""
    var = track.lookup(step, "var")
    if var.kind == "?":
        return
    if var.stack:
        _escapes(track, step, "var", var, "SetFinalizer(obj any, ...)")
    if var.nil is True:
        track.fail(step, "var", (
            f"var = {quote(var.name)}: {var.name} is nil here (Go: fatal error: runtime.SetFinalizer: "
            "pointer not in allocated block)"))
    if var.obj and var.obj in track.state.finalized:
        track.fail(step, "var", (
            f"var = {quote(var.name)}: its object has a finalizer already (set at line "
            f"{track.state.finalized[var.obj]}); Go: fatal error: runtime.SetFinalizer: finalizer already set"))
    if var.obj:
        track.state.finalized[var.obj] = step.line_of("var")


@rule("add_cleanup")
def check_add_cleanup(track: Tracker, step: StepSpec, _: int) -> None:
    """`runtime.AddCleanup(v, f, arg)`: a heap object, not nil (Go panics); an object may
    have several cleanups."""
    var = track.lookup(step, "var")
    if var.kind == "?":
        return
    if var.stack:
        _escapes(track, step, "var", var, "AddCleanup")
    if var.nil is True:
        track.fail(step, "var", f"var = {quote(var.name)}: {var.name} is nil here (Go: panic: runtime.AddCleanup: ptr is nil)")


@rule("weak_make")
def check_weak_make(track: Tracker, step: StepSpec, _: int) -> None:
    """`w := weak.Make(p)`: a weak pointer to p's object (nil for a nil p); weak.Make makes p escape."""
    src = track.lookup(step, "from")
    if src.kind == "pointer" and src.stack:
        _escapes(track, step, "from", src, "weak.Make")
    track.bind(step, "var", Var(step.args["var"], "weak" if src.kind != "?" else "?", step.line_of("var"),
                                "weak_make", step.goroutine, src.type, obj=src.obj, nil=src.nil))


@rule("weak_value")
def check_weak_value(track: Tracker, step: StepSpec, _: int) -> None:
    """`p := w.Value()`: a pointer to the object, or nil once a cycle found it unreachable."""
    w = track.lookup(step, "from")
    track.bind(step, "var", Var(step.args["var"], "pointer" if w.kind != "?" else "?", step.line_of("var"),
                                "weak_value", step.goroutine, w.type, obj=w.obj,
                                nil=True if w.nil is True else None))

