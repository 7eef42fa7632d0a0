"""Operations the simulated runtime executes: what a scenario step stands for.

The scenario compiler (`gomemtui.scenario.compiler`) turns validated `[[step]]` tables
into these frozen objects; `Runtime.apply(op)` executes one. Every op acts in a
goroutine `g` ("main" unless a step says `in = ...`). Variables are named once per
scenario; a variable belongs to the goroutine that created it (its stack is the root
that keeps the variable's object alive) until `Global` makes it package-level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

from gomemtui.runtime.types import GoType

Escape = Literal["heap", "stack"]

DEFAULT_CALL_FRAME = 176
"""Bytes of one frame of a `call` step when it gives no `frame`."""


@dataclass(frozen=True)
class New:
    """`v := new(T)` / `v := &T{}`."""

    var: str
    type: GoType
    escape: Escape = "heap"
    g: str = "main"


@dataclass(frozen=True)
class MakeSlice:
    """`v := make([]T, len, cap)`; len == cap == 0 is a nil slice.

    With escape == "stack" the slice is a local that does not escape: a `make` whose
    array fits 32 bytes lives on the stack, and appends to a nil local slice use the
    compiler's 32-byte stack buffer (facts.md b).
    """

    var: str
    elem: GoType
    len: int = 0
    cap: int = 0
    escape: Escape = "heap"
    g: str = "main"


@dataclass(frozen=True)
class Append:
    """`s = append(s, x)` `count` times, or one `append(s, xs...)` of `batch` elements.

    `value` names a pointer variable whose object each appended element points to
    (for slices of pointers); None appends zero values.
    """

    var: str
    count: int = 1
    batch: int | None = None
    value: str | None = None
    g: str = "main"


@dataclass(frozen=True)
class Reslice:
    """`v = from[low:high:max]`; None means the bound was left out."""

    var: str
    source: str
    low: int | None = None
    high: int | None = None
    max: int | None = None
    g: str = "main"


@dataclass(frozen=True)
class CopySlice:
    """`v := make([]T, len(from)); copy(v, from)`."""

    var: str
    source: str
    g: str = "main"


@dataclass(frozen=True)
class MakeMap:
    """`v := make(map[K]V, hint)`; hint None means no hint."""

    var: str
    key: GoType
    value: GoType
    hint: int | None = None
    g: str = "main"


MapKey = Union[int, str]
"""A key a scenario names: `m["alice"]`, `m[42]`."""


@dataclass(frozen=True)
class MapInsert:
    """`m[k] = v` for `count` keys never inserted before, or for the one key `key`
    (present: its value is replaced); `value` names the pointer variable each value
    points at (None: values that point at nothing)."""

    var: str
    count: int = 1
    g: str = "main"
    key: MapKey | None = None
    value: str | None = None


@dataclass(frozen=True)
class MapDelete:
    """`delete(m, k)` for `count` present keys (oldest first), every key, or the one key `key`."""

    var: str
    count: int = 1
    all: bool = False
    g: str = "main"
    key: MapKey | None = None


@dataclass(frozen=True)
class MapClear:
    """`clear(m)`."""

    var: str
    g: str = "main"


@dataclass(frozen=True)
class PoolNew:
    """`v := &sync.Pool{New: func() any { return new(T) }}` (no New if has_new is False)."""

    var: str
    type: GoType
    has_new: bool = True
    g: str = "main"


@dataclass(frozen=True)
class PoolGet:
    """`v := p.Get().(*T)`."""

    pool: str
    var: str
    g: str = "main"


@dataclass(frozen=True)
class PoolPut:
    """`p.Put(v)`; var None is `p.Put(nil)` (an untyped nil, which Put ignores)."""

    pool: str
    var: str | None
    g: str = "main"


@dataclass(frozen=True)
class Assign:
    """A pointer write: `target = value` or `target.field = value` (value None is nil)."""

    target: str
    field: str | None
    value: str | None
    g: str = "main"


@dataclass(frozen=True)
class Drop:
    """The variable dies (goes out of scope or is set to nil)."""

    var: str
    g: str = "main"


@dataclass(frozen=True)
class Global:
    """The variable is package-level: a root for ever."""

    var: str
    g: str = "main"


@dataclass(frozen=True)
class Go:
    """`go name()` started from goroutine g; with a `body`, `count` goroutines each run it
    (`for i := 0; i < count; i++ { go name() }`, see `mutator.go_count`)."""

    goroutine: str
    g: str = "main"
    # -- go count (issue 13) --
    count: int = 1
    body: tuple["Op", ...] = ()


@dataclass(frozen=True)
class Block:
    """The goroutine blocks for ever (a leak if nothing will wake it)."""

    goroutine: str
    g: str = "main"


@dataclass(frozen=True)
class Exit:
    """The goroutine returns; its stack variables die with it."""

    goroutine: str
    g: str = "main"


@dataclass(frozen=True)
class Call:
    """The goroutine's call depth becomes `depth` frames of `frame` bytes (stack use)."""

    depth: int
    frame: int = DEFAULT_CALL_FRAME
    g: str = "main"


@dataclass(frozen=True)
class GC:
    """`runtime.GC()`: a full forced cycle, including sweeping, before returning."""

    g: str = "main"


@dataclass(frozen=True)
class SetGCPercent:
    """`debug.SetGCPercent(value)`; None is GOGC=off (-1)."""

    value: int | None
    g: str = "main"


@dataclass(frozen=True)
class SetMemoryLimit:
    """`debug.SetMemoryLimit(value)` in bytes; None is no limit (math.MaxInt64)."""

    value: int | None
    g: str = "main"


# -- values (issue 13) --


@dataclass(frozen=True)
class SetElem:
    """`s[index] = value` / `s[index] = nil`: a pointer store into a slice's backing array."""

    var: str
    index: int
    value: str | None
    g: str = "main"


@dataclass(frozen=True)
class Box:
    """`var v any = from` or `var v any = T(value)` (`runtime.convT*`).

    `value` is the integer (or a string's or slice's length; None: a value computed at run
    time); `constant` says it is a compile-time constant.
    """

    var: str
    source: str | None = None
    type: GoType | None = None
    value: int | None = None
    constant: bool = False
    escape: Escape = "heap"
    g: str = "main"


@dataclass(frozen=True)
class Capture:
    """One variable a func literal captures."""

    name: str
    type: GoType | None = None
    """The type of a local declared with the closure; None: an existing variable, whose
    value (a pointer, or a slice's, string's, channel's or interface's header) is copied."""
    modified: bool = False
    """The local is assigned after it is captured: Go captures it by reference."""


@dataclass(frozen=True)
class Closure:
    """`f := func() { … x … }`: a func value whose closure holds the captured variables.

    With escape == "stack" (the default) the closure does not escape and lives in the
    frame; with "heap" it is one heap object, and each local captured by reference is
    moved to the heap beside it (cmd/compile escape analysis).
    """

    var: str
    captures: tuple[Capture, ...] = ()
    escape: Escape = "stack"
    g: str = "main"


@dataclass(frozen=True)
class Repeat:
    """Any step with `repeat = N`: the op N times."""

    op: "Op"
    times: int


@dataclass(frozen=True)
class Loop:
    """`for i := 0; i < times; i++ { body }`."""

    body: tuple["Op", ...]
    times: int
    g: str = "main"


# -- strings (issue 13) --


@dataclass(frozen=True)
class MakeString:
    """A string built at run time: `s := string(b)` (also what strconv and fmt.Sprint
    return) of `len` bytes or of []byte `source`, or `strings.Clone(source)` of a string.

    With escape == "stack" the string does not escape: up to 32 bytes go to the
    caller's stack buffer (`runtime.tmpBuf`).
    """

    var: str
    len: int | None = None
    source: str | None = None
    escape: Escape = "heap"
    g: str = "main"


@dataclass(frozen=True)
class Concat:
    """`s := a + b + …` (`runtime.concatstrings`): each part a string variable's name or
    the length of a string literal."""

    var: str
    parts: tuple[str | int, ...]
    escape: Escape = "heap"
    g: str = "main"


@dataclass(frozen=True)
class Substring:
    """`s = source[low:high]`: a new header into the same bytes; None means the bound
    was left out."""

    var: str
    source: str
    low: int | None = None
    high: int | None = None
    g: str = "main"


@dataclass(frozen=True)
class StringBytes:
    """`b := []byte(source)` (`runtime.stringtoslicebyte`): a new array holding a copy."""

    var: str
    source: str
    escape: Escape = "heap"
    g: str = "main"


# -- channels (issue 13) --


@dataclass(frozen=True)
class MakeChan:
    """`v := make(chan elem, cap)` (`runtime.makechan`)."""

    var: str
    elem: GoType
    cap: int = 0
    g: str = "main"


@dataclass(frozen=True)
class Send:
    """`ch <- v` (`runtime.chansend`); var None sends a value that points to nothing."""

    chan: str
    var: str | None = None
    g: str = "main"


@dataclass(frozen=True)
class Recv:
    """`v := <-ch` (`runtime.chanrecv`); var None discards the value (`<-ch`)."""

    chan: str
    var: str | None = None
    g: str = "main"


@dataclass(frozen=True)
class CloseChan:
    """`close(ch)` (`runtime.closechan`)."""

    chan: str
    g: str = "main"


# -- runtime (issue 13) --


@dataclass(frozen=True)
class FreeOSMemory:
    """`debug.FreeOSMemory()`: a forced GC, then every free page returned to the OS."""

    g: str = "main"


@dataclass(frozen=True)
class SetFinalizer:
    """`runtime.SetFinalizer(v, f)` on the object pointer variable `var` points to."""

    var: str
    g: str = "main"


@dataclass(frozen=True)
class AddCleanup:
    """`runtime.AddCleanup(v, f, arg)` on the object `var` points to; `arg` is a small
    value without pointers (a file descriptor, an id)."""

    var: str
    g: str = "main"


@dataclass(frozen=True)
class WeakMake:
    """`var := weak.Make(source)`: a weak pointer to the object pointer `source` points to."""

    var: str
    source: str
    g: str = "main"


@dataclass(frozen=True)
class WeakValue:
    """`var := source.Value()`: a strong pointer from weak pointer `source`, or nil."""

    var: str
    source: str
    g: str = "main"


Op = Union[
    New, MakeSlice, Append, Reslice, CopySlice, MakeMap, MapInsert, MapDelete, MapClear,
    PoolNew, PoolGet, PoolPut, Assign, Drop, Global, Go, Block, Exit, Call, GC,
    SetGCPercent, SetMemoryLimit, Repeat, Loop,
    # -- strings (issue 13) --
    MakeString, Concat, Substring, StringBytes,
    # -- values (issue 13) --
    SetElem, Box, Closure,
    # -- channels (issue 13) --
    MakeChan, Send, Recv, CloseChan,
    # -- runtime (issue 13) --
    FreeOSMemory, SetFinalizer, AddCleanup, WeakMake, WeakValue,
]


@dataclass(frozen=True)
class Step:
    """One top-level `[[step]]` of a scenario, ready to run."""

    index: int
    """0-based position among the scenario's top-level steps."""
    line: int
    """Line of the Go source it stands for (1-based)."""
    do: str
    """The step's `do` as written (`append`, `loop`, ...)."""
    op: Op
    note: str = ""
    pause: bool = False
    """Autoplay stops after this step."""


@dataclass(frozen=True)
class RuntimeSettings:
    """The `[runtime]` table after environment overrides; defaults are real Go's."""

    gogc: int | None = 100
    """GOGC; None is off."""
    gomemlimit: int | None = None
    """GOMEMLIMIT in bytes; None is no limit."""
    gomaxprocs: int = 4
    green_tea: bool = True
    """Go 1.27's default Green Tea marking; False models GOEXPERIMENT=nogreenteagc."""
    globals_bytes: int = 165258
    """Size of data+bss the collector scans as roots (`globalsScan`); the oracle programs' value."""


@dataclass(frozen=True)
class Program:
    """A compiled scenario: settings, goroutines and steps."""

    settings: RuntimeSettings
    steps: tuple[Step, ...]
    goroutines: tuple[str, ...] = ("main",)
    title: str = ""
    summary: str = ""
    source: str = ""
    source_name: str = "main.go"
    extra: dict[str, object] = field(default_factory=dict)
