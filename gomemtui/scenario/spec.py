"""The scenario format's vocabulary: tables, step keys, operations and their fields.

One table drives the loader (unknown keys, wrong value types, missing keys, defaults),
the "did you mean" suggestions and the format reference's test (every operation and
field here must be documented in docs/scenario-format.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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
    """How a field's value is checked and what it means."""

    NEW_VAR = "new variable"
    """A name this step creates (or rebinds): `var` of `new`, `make_slice`, ..."""
    VAR = "variable"
    """A live variable's name."""
    VAR_OR_NIL = "variable or \"nil\""
    TARGET = "variable or variable.field"
    GOROUTINE = "goroutine"
    TYPE = "type"
    INT = "integer"
    BOOL = "boolean"
    STRING = "string"
    ESCAPE = "\"heap\" or \"stack\""
    GC_PERCENT = "integer or \"off\""
    MEMORY_LIMIT = "size or \"off\""
    SIZE = "size"
    BODY = "array of steps"
    NAME_LIST = "array of names"


@dataclass(frozen=True)
class FieldSpec:
    """One key of a step (or of a table)."""

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    """The value when the key is left out (None: no value / "not given")."""
    minimum: int | None = None
    doc: str = ""


@dataclass(frozen=True)
class OpSpec:
    """One value of `do`."""

    name: str
    go: str
    """The Go code it stands for."""
    fields: tuple[FieldSpec, ...] = ()
    doc: str = ""

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
       minimum: int | None = None, doc: str = "") -> FieldSpec:
    return FieldSpec(name, kind, required, default, minimum, doc)


_VAR_NEW = _f("var", Kind.NEW_VAR, True, doc="the variable it creates")
_VAR = _f("var", Kind.VAR, True, doc="the variable it acts on")
_ESCAPE = _f("escape", Kind.ESCAPE, default="heap",
             doc='"heap" (the value escapes, default) or "stack" (it does not)')

OPS: dict[str, OpSpec] = {
    op.name: op
    for op in (
        OpSpec("new", "v := new(T) / v := &T{}", (
            _VAR_NEW, _f("type", Kind.TYPE, True, doc="the type T"), _ESCAPE)),
        OpSpec("make_slice", "v := make([]T, len, cap)", (
            _VAR_NEW, _f("elem", Kind.TYPE, True, doc="element type T"),
            _f("len", Kind.INT, default=0, minimum=0),
            _f("cap", Kind.INT, default=None, minimum=0, doc="default: len"),
            _ESCAPE)),
        OpSpec("append", "s = append(s, x)", (
            _VAR,
            _f("count", Kind.INT, default=1, minimum=1,
               doc="elements appended one at a time"),
            _f("batch", Kind.INT, default=None, minimum=1,
               doc="elements appended by one append(s, xs...)"),
            _f("value", Kind.VAR, doc="a pointer variable each new element points to"))),
        OpSpec("reslice", "v = from[low:high:max]", (
            _f("var", Kind.NEW_VAR, True), _f("from", Kind.VAR, doc="default: var"),
            _f("low", Kind.INT, minimum=0), _f("high", Kind.INT, minimum=0),
            _f("max", Kind.INT, minimum=0))),
        OpSpec("copy_slice", "v := make([]T, len(from)); copy(v, from)", (
            _VAR_NEW, _f("from", Kind.VAR, True))),
        OpSpec("make_map", "v := make(map[K]V, hint)", (
            _VAR_NEW, _f("key", Kind.TYPE, True), _f("value", Kind.TYPE, True),
            _f("hint", Kind.INT, minimum=0))),
        OpSpec("map_insert", "m[k] = v (new keys)", (
            _VAR, _f("count", Kind.INT, default=1, minimum=1))),
        OpSpec("map_delete", "delete(m, k)", (
            _VAR, _f("count", Kind.INT, default=1, minimum=1),
            _f("all", Kind.BOOL, default=False))),
        OpSpec("map_clear", "clear(m)", (_VAR,)),
        OpSpec("pool_new", "p := &sync.Pool{New: func() any { return new(T) }}", (
            _VAR_NEW, _f("type", Kind.TYPE, True), _f("has_new", Kind.BOOL, default=True))),
        OpSpec("pool_get", "v := p.Get().(*T)", (
            _f("pool", Kind.VAR, True), _VAR_NEW)),
        OpSpec("pool_put", "p.Put(v)", (_f("pool", Kind.VAR, True), _VAR)),
        OpSpec("assign", "target = value / target.field = value", (
            _f("target", Kind.TARGET, True), _f("value", Kind.VAR_OR_NIL, True))),
        OpSpec("drop", "v = nil / v goes out of scope", (_VAR,)),
        OpSpec("global", "var v T at package level", (_VAR,)),
        OpSpec("go", "go name()", (_f("goroutine", Kind.GOROUTINE, True),)),
        OpSpec("block", "select {} / a receive nobody sends to", (
            _f("goroutine", Kind.GOROUTINE, doc="default: the step's `in`"),)),
        OpSpec("exit", "return from the goroutine's function", (
            _f("goroutine", Kind.GOROUTINE, doc="default: the step's `in`"),)),
        OpSpec("call", "calls nested depth frames deep", (
            _f("depth", Kind.INT, True, minimum=0),
            _f("frame", Kind.INT, default=176, minimum=1, doc="bytes per frame"))),
        OpSpec("gc", "runtime.GC()"),
        OpSpec("set_gc_percent", "debug.SetGCPercent(value)", (
            _f("value", Kind.GC_PERCENT, True),)),
        OpSpec("set_memory_limit", "debug.SetMemoryLimit(value)", (
            _f("value", Kind.MEMORY_LIMIT, True),)),
        OpSpec("loop", "for i := 0; i < times; i++ { body }", (
            _f("times", Kind.INT, True, minimum=0), _f("body", Kind.BODY, True))),
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
        _f("gogc", Kind.GC_PERCENT, default=100),
        _f("gomemlimit", Kind.MEMORY_LIMIT, default="off"),
        _f("gomaxprocs", Kind.INT, default=4, minimum=1),
        _f("green_tea", Kind.BOOL, default=True),
        _f("globals_bytes", Kind.SIZE, default=165258),
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
