"""The scenario format's vocabulary: tables, step keys, operations and their fields.

Each `do` is declared here once: its fields, the kind of value each takes, its default,
and the runtime op class (`gomemtui.runtime.program`) it builds. This one table drives
the loader (unknown keys, wrong value types, missing keys), the "did you mean"
suggestions, the compiler (which builds every op from it), the checker's rules (one per
operation, `rules.RULES`) and the format reference (`docs/scenario-format.md`, whose
operation table a test compares with `reference.fields_cell`).

Go's runtime defaults (GOGC, GOMAXPROCS, globals) are `RuntimeSettings`'s, read from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from gomemtui.runtime import program as ops
from gomemtui.runtime.program import RuntimeSettings

__all__ = [
    "Kind",
    "FieldSpec",
    "OpSpec",
    "OPS",
    "STEP_KEYS",
    "BODY_STEP_KEYS",
    "TOP_LEVEL_TABLES",
    "SCENARIO_KEYS",
    "RUNTIME_KEYS",
    "SOURCE_KEYS",
    "TYPE_KEYS",
    "GOROUTINE_KEYS",
]


class Kind(str, Enum):
    """How a field's value is checked and what it means; the value is how the format
    reference names it."""

    NEW_VAR = "new variable"
    """A name this step creates (or rebinds): `var` of `new`, `make_slice`, ..."""
    VAR = "variable"
    """A live variable's name."""
    VAR_OR_NIL = 'pointer variable or `"nil"`'
    TARGET = "pointer `var` or `var.field`"
    GOROUTINE = "goroutine"
    TYPE = "type"
    INT = "integer"
    BOOL = "boolean"
    STRING = "string"
    ESCAPE = '`"heap"` or `"stack"`'
    GC_PERCENT = 'integer or `"off"`'
    MEMORY_LIMIT = 'size or `"off"`'
    SIZE = "size"
    BODY = "array of steps"
    NAME_LIST = "array of names"
    # -- strings (issue 13) --
    PARTS = "array of strings and lengths"
    """`concat`'s operands: string variables' names and literal lengths (integers)."""
    # -- values (issue 13) --
    CAPTURES = "array of variables and `{ name, type, modified }` tables"
    """`closure`'s captured variables: existing variables' names, and inline tables that
    declare a local with the closure (`{ name = "n", type = "int", modified = true }`)."""
    # -- runtime (issue 13) --
    MAP_KEY = "integer or string"
    """One key of a map: an integer for integer keys, a string for string keys."""


@dataclass(frozen=True)
class FieldSpec:
    """One key of a step (or of a table)."""

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    """The value when the key is left out, as the model holds it (None: no value, or
    "off" for a GOGC or GOMEMLIMIT kind)."""
    minimum: int | None = None
    doc: str = ""
    """What it is; a required field's `missing field` message quotes it."""
    default_from: str | None = None
    """The step key whose value is the default when this one is left out (`cap` takes
    `len`'s, `block`'s goroutine takes `in`'s)."""
    holds: tuple[str, ...] = ()
    """A variable field's kinds of variable ("slice", "map", "pointer", "pool", "string", "chan",
    "weak", ...); () is any."""
    attr: str | None = None
    """The op class's field it fills, when that is not `name` (`from` fills `source`)."""

    @property
    def op_field(self) -> str:
        """The name of the op class's field this key fills."""
        return self.attr or self.name


@dataclass(frozen=True)
class OpSpec:
    """One value of `do`: its fields and the runtime op it compiles to."""

    name: str
    go: str
    """The Go code it stands for."""
    op: Callable[..., Any]
    """The op class (`gomemtui.runtime.program`) a step of this operation becomes."""
    fields: tuple[FieldSpec, ...] = ()

    def field(self, name: str) -> FieldSpec | None:
        """The spec of field `name`, or None if the operation has no such field."""
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name: str, kind: Kind, required: bool = False, default: object = None,
       minimum: int | None = None, doc: str = "", *, default_from: str | None = None,
       holds: tuple[str, ...] = (), attr: str | None = None) -> FieldSpec:
    return FieldSpec(name, kind, required, default, minimum, doc, default_from, holds, attr)


_GO = RuntimeSettings()
"""Go's runtime defaults, as the runtime declares them."""

def _var_new(holds: str, doc: str = "the variable it creates") -> FieldSpec:
    return _f("var", Kind.NEW_VAR, True, doc=doc, holds=(holds,))


def _var(*holds: str) -> FieldSpec:
    return _f("var", Kind.VAR, True, doc="the variable it acts on", holds=holds)


_ESCAPE = _f("escape", Kind.ESCAPE, default="heap",
             doc='"heap" (the value escapes, default) or "stack" (it does not)')
_CHAN = _f("chan", Kind.VAR, True, doc="the channel variable", holds=("chan",))
_OWN_GOROUTINE = _f("goroutine", Kind.GOROUTINE, doc="default: the step's `in`", default_from="in")

OPS: dict[str, OpSpec] = {
    op.name: op
    for op in (
        OpSpec("new", "v := new(T) / v := &T{}", ops.New, (
            _var_new("pointer"), _f("type", Kind.TYPE, True, doc="the type T"), _ESCAPE)),
        OpSpec("make_slice", "v := make([]T, len, cap)", ops.MakeSlice, (
            _var_new("slice"), _f("elem", Kind.TYPE, True, doc="element type T"),
            _f("len", Kind.INT, default=0, minimum=0),
            _f("cap", Kind.INT, minimum=0, doc="default: len", default_from="len"),
            _ESCAPE)),
        OpSpec("append", "s = append(s, x)", ops.Append, (
            _var("slice"),
            _f("count", Kind.INT, default=1, minimum=1,
               doc="elements appended one at a time"),
            _f("batch", Kind.INT, minimum=1,
               doc="elements appended by one append(s, xs...)"),
            _f("value", Kind.VAR, doc="a pointer variable each new element points to",
               holds=("pointer",)))),
        OpSpec("reslice", "v = from[low:high:max]", ops.Reslice, (
            _var_new("slice", doc=""),
            _f("from", Kind.VAR, doc="default: var", default_from="var", holds=("slice",), attr="source"),
            _f("low", Kind.INT, minimum=0), _f("high", Kind.INT, minimum=0),
            _f("max", Kind.INT, minimum=0))),
        OpSpec("copy_slice", "v := make([]T, len(from)); copy(v, from)", ops.CopySlice, (
            _var_new("slice"), _f("from", Kind.VAR, True, holds=("slice",), attr="source"))),
        OpSpec("make_map", "v := make(map[K]V, hint)", ops.MakeMap, (
            _var_new("map"), _f("key", Kind.TYPE, True), _f("value", Kind.TYPE, True),
            _f("hint", Kind.INT, minimum=0))),
        OpSpec("map_insert", "m[k] = v (new keys)", ops.MapInsert, (
            _var("map"), _f("count", Kind.INT, default=1, minimum=1),
            _f("key", Kind.MAP_KEY, doc="one key (a present one gets the new value)"),
            _f("value", Kind.VAR, doc="a pointer variable the value (of each new key) points to",
               holds=("pointer",)))),
        OpSpec("map_delete", "delete(m, k)", ops.MapDelete, (
            _var("map"), _f("count", Kind.INT, default=1, minimum=1),
            _f("all", Kind.BOOL, default=False),
            _f("key", Kind.MAP_KEY, doc="one key (nothing happens if it is not in the map)"))),
        OpSpec("map_clear", "clear(m)", ops.MapClear, (_var("map"),)),
        OpSpec("pool_new", "p := &sync.Pool{New: func() any { return new(T) }}", ops.PoolNew, (
            _var_new("pool"), _f("type", Kind.TYPE, True), _f("has_new", Kind.BOOL, default=True))),
        OpSpec("pool_get", "v := p.Get().(*T)", ops.PoolGet, (
            _f("pool", Kind.VAR, True, holds=("pool",)), _var_new("pointer"))),
        OpSpec("pool_put", "p.Put(v)", ops.PoolPut, (
            _f("pool", Kind.VAR, True, holds=("pool",)),
            _f("var", Kind.VAR_OR_NIL, True, holds=("pointer",),
               doc='the pointer to put (a nil one is kept), or "nil" for Put(nil) (ignored)'))),
        OpSpec("assign", "target = value / target.field = value", ops.Assign, (
            _f("target", Kind.TARGET, True),
            _f("value", Kind.VAR_OR_NIL, True, holds=("pointer",)))),
        OpSpec("drop", "v = nil / v goes out of scope", ops.Drop, (_var(),)),
        OpSpec("global", "var v T at package level", ops.Global, (_var(),)),
        OpSpec("go", "go name() / for i := 0; i < count; i++ { go name() }", ops.Go, (
            _f("goroutine", Kind.GOROUTINE, True),
            # -- go count (issue 13) --
            _f("count", Kind.INT, default=1, minimum=1,
               doc="goroutines started, name#0 … name#(count-1); more than 1 needs a body"),
            _f("body", Kind.BODY, doc="the steps each started goroutine runs, with its own locals"))),
        OpSpec("block", "select {} / a receive nobody sends to", ops.Block, (_OWN_GOROUTINE,)),
        OpSpec("exit", "return from the goroutine's function", ops.Exit, (_OWN_GOROUTINE,)),
        OpSpec("call", "calls nested depth frames deep", ops.Call, (
            _f("depth", Kind.INT, True, minimum=0),
            _f("frame", Kind.INT, default=ops.DEFAULT_CALL_FRAME, minimum=1,
               doc="bytes per frame"))),
        OpSpec("gc", "runtime.GC()", ops.GC),
        OpSpec("set_gc_percent", "debug.SetGCPercent(value)", ops.SetGCPercent, (
            _f("value", Kind.GC_PERCENT, True),)),
        OpSpec("set_memory_limit", "debug.SetMemoryLimit(value)", ops.SetMemoryLimit, (
            _f("value", Kind.MEMORY_LIMIT, True),)),
        OpSpec("loop", "for i := 0; i < times; i++ { body }", ops.Loop, (
            _f("times", Kind.INT, True, minimum=0), _f("body", Kind.BODY, True))),
        # -- strings (issue 13) --
        OpSpec("make_string", "s := string(b) / strconv.Itoa(n) / fmt.Sprint(x) / strings.Clone(from)",
               ops.MakeString, (
                   _var_new("string"),
                   _f("len", Kind.INT, minimum=0, doc="bytes of a string built at run time (or give from)"),
                   _f("from", Kind.VAR, holds=("slice", "string"), attr="source",
                      doc="a []byte to convert, or a string to clone (or give len)"),
                   _ESCAPE)),
        OpSpec("concat", "s := a + b + …", ops.Concat, (
            _var_new("string"),
            _f("parts", Kind.PARTS, True, holds=("string",),
               doc='the operands in order: string variables, and lengths of literals, e.g. ["host", 1, "port"]'),
            _ESCAPE)),
        OpSpec("substring", "s = from[low:high]", ops.Substring, (
            _var_new("string", doc=""),
            _f("from", Kind.VAR, doc="default: var", default_from="var", holds=("string",), attr="source"),
            _f("low", Kind.INT, minimum=0), _f("high", Kind.INT, minimum=0))),
        OpSpec("string_bytes", "b := []byte(from)", ops.StringBytes, (
            _var_new("slice"), _f("from", Kind.VAR, True, holds=("string",), attr="source"), _ESCAPE)),
        # -- values (issue 13) --
        OpSpec("set_elem", "s[index] = value / s[index] = nil", ops.SetElem, (
            _var("slice"),
            _f("index", Kind.INT, True, minimum=0, doc="the element written (0 ≤ index < len)"),
            _f("value", Kind.VAR_OR_NIL, True, holds=("pointer",),
               doc='the pointer stored, or "nil" to clear the element'))),
        OpSpec("box", "var v any = from / var v any = T(value)", ops.Box, (
            _var_new("iface"),
            _f("from", Kind.VAR, attr="source", doc="the variable boxed"),
            _f("type", Kind.TYPE, doc="the type T of a value given by `value`"),
            _f("value", Kind.INT, doc="the value (a string's or slice's length); left out: computed at run time"),
            _f("constant", Kind.BOOL, default=False, doc="the value is a compile-time constant"),
            _ESCAPE)),
        OpSpec("closure", "f := func() { … x … }", ops.Closure, (
            _var_new("func"),
            _f("captures", Kind.CAPTURES, default=(),
               holds=("pointer", "slice", "string", "chan", "func", "iface", "weak"),
               doc='the variables the function uses: names of variables, and locals declared with it, '
                   'e.g. ["buf", { name = "n", type = "int", modified = true }]'),
            _f("escape", Kind.ESCAPE, default="stack",
               doc='"stack" (the closure does not escape, default) or "heap" (it does)'))),
        # -- channels (issue 13) --
        OpSpec("make_chan", "v := make(chan T, cap)", ops.MakeChan, (
            _var_new("chan"), _f("elem", Kind.TYPE, True, doc="element type T"),
            _f("cap", Kind.INT, default=0, minimum=0, doc="buffer size (0: unbuffered)"))),
        OpSpec("send", "ch <- v", ops.Send, (
            _CHAN,
            _f("var", Kind.VAR, holds=("pointer", "slice"),
               doc="the pointer or slice sent (left out: a value that points to nothing)"))),
        OpSpec("recv", "v := <-ch", ops.Recv, (
            _CHAN,
            _f("var", Kind.NEW_VAR, holds=("pointer",),
               doc="the variable that receives (left out: <-ch discards the value)"))),
        OpSpec("close_chan", "close(ch)", ops.CloseChan, (_CHAN,)),
        # -- runtime (issue 13) --
        OpSpec("free_os_memory", "debug.FreeOSMemory()", ops.FreeOSMemory),
        OpSpec("set_finalizer", "runtime.SetFinalizer(v, f)", ops.SetFinalizer, (_var("pointer"),)),
        OpSpec("add_cleanup", "runtime.AddCleanup(v, f, arg)", ops.AddCleanup, (_var("pointer"),)),
        OpSpec("weak_make", "w := weak.Make(p)", ops.WeakMake, (
            _var_new("weak"), _f("from", Kind.VAR, True, doc="the pointer it is made from",
                                 holds=("pointer",), attr="source"))),
        OpSpec("weak_value", "p := w.Value()", ops.WeakValue, (
            _var_new("pointer"), _f("from", Kind.VAR, True, doc="the weak pointer", holds=("weak",),
                                    attr="source"))),
    )
}
"""Every operation a step may `do`."""

STEP_KEYS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        _f("do", Kind.STRING, True, doc="the operation"),
        _f("line", Kind.INT, True, minimum=1, doc="line of [source] the step stands for"),
        _f("note", Kind.STRING, default="", doc="one or two sentences shown with the step"),
        _f("in", Kind.GOROUTINE, default="main", doc="the goroutine that runs it"),
        _f("repeat", Kind.INT, default=1, minimum=1, doc="run the operation N times"),
        _f("pause", Kind.BOOL, default=False, doc="autoplay stops after this step"),
    )
}
"""Keys every top-level `[[step]]` may have besides its operation's fields."""

BODY_STEP_KEYS: dict[str, FieldSpec] = {
    "do": STEP_KEYS["do"],
    "line": _f("line", Kind.INT, False, minimum=1, doc="default: the loop's line"),
    "note": STEP_KEYS["note"],
    "in": _f("in", Kind.GOROUTINE, doc="default: the loop's `in`"),
    "repeat": STEP_KEYS["repeat"],
}
"""Keys a step inside a loop's `body` may have besides its operation's fields."""

SCENARIO_KEYS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        _f("title", Kind.STRING, True),
        _f("summary", Kind.STRING, default=""),
        _f("description", Kind.STRING, default=""),
    )
}
RUNTIME_KEYS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        _f("gogc", Kind.GC_PERCENT, default=_GO.gogc),
        _f("gomemlimit", Kind.MEMORY_LIMIT, default=_GO.gomemlimit),
        _f("gomaxprocs", Kind.INT, default=_GO.gomaxprocs, minimum=1),
        _f("green_tea", Kind.BOOL, default=_GO.green_tea),
        _f("globals_bytes", Kind.SIZE, default=_GO.globals_bytes),
    )
}
SOURCE_KEYS: dict[str, FieldSpec] = {
    f.name: f
    for f in (_f("file", Kind.STRING, default="main.go"), _f("code", Kind.STRING, True))
}
TYPE_KEYS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        _f("size", Kind.SIZE, True, doc="bytes, e.g. size = 24"),
        _f("pointers", Kind.NAME_LIST, default=(), doc='names of pointer fields, e.g. ["next"]'),
        _f("has_pointers", Kind.BOOL, default=None),
    )
}
GOROUTINE_KEYS: dict[str, FieldSpec] = {
    f.name: f for f in (_f("name", Kind.STRING, True), _f("note", Kind.STRING, default=""))
}

TOP_LEVEL_TABLES: dict[str, str] = {
    "scenario": "[scenario]",
    "runtime": "[runtime]",
    "source": "[source]",
    "types": "[types.NAME]",
    "goroutine": "[[goroutine]]",
    "step": "[[step]]",
}
"""Top-level keys and how they are written."""
