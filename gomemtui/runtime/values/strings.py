"""Go's strings as the runtime lays them out, and where each way of making one puts its bytes.

A string value is a 16-byte header (`runtime.stringStruct`: a pointer and a length) over
immutable bytes. The bytes may be a heap object, the caller's 32-byte stack buffer, static
data (a literal, or `runtime.staticuint64s` for a one-byte string), or nothing at all for
"". Slicing a string (`s[low:high]`) makes a new header into the same bytes, so a short
substring keeps its whole backing array alive: the collector frees whole objects only.

Each function below is one runtime (or compiler) rule, deciding where a new string's
bytes go (`runtime/string.go`, Go 1.27):

* `slicebytetostring` — `string(b)`, and every string strconv or fmt builds from a
  buffer: "" for len 0, `staticuint64s` for len 1, the caller's `tmpBuf` when the result
  does not escape and fits 32 bytes, else `mallocgc(len, nil, false)`: a noscan object of
  exactly len bytes (so < 16 B goes to the tiny allocator).
* `clone` — `strings.Clone(s)` (`internal/stringslite.Clone`): `make([]byte, len(s))`,
  so a one-byte clone is allocated too; a non-escaping clone of up to 32 bytes uses the
  compiler's 32-byte stack buffer for a variable-size `make`.
* `concatstrings` — `a + b + …`: one allocation of the total length (`rawstring`), or
  the 32-byte `tmpBuf`; nothing when every part is empty, and when only one part is
  non-empty that part itself (unless its bytes are on the stack and the result escapes).
* `stringtoslicebyte` — `[]byte(s)`: the 32-byte `tmpBuf` (cap 32) when the slice does
  not escape and fits, else `rawbyteslice`, whose cap is `roundupsize(len)`.

Where this simplifies real Go: whether a result escapes is an input (the scenario says
it, as `go build -gcflags=-m` would), and a `[]byte(s)` the compiler proves is only read
(the zero-copy conversion of Go 1.22+) is not a step at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from gomemtui.runtime.memory.sizeclasses import roundupsize

__all__ = [
    "STRING_HEADER_BYTES", "TMP_BUF_BYTES", "STATIC_BYTE", "LITERAL", "StringHeader", "StringPlan",
    "slicebytetostring", "clone", "concatstrings", "stringtoslicebyte",
]

STRING_HEADER_BYTES = 16
"""`unsafe.Sizeof("")` on linux/amd64: pointer and length."""
TMP_BUF_BYTES = 32
"""`runtime/string.go tmpStringBufSize`: the stack buffer (`tmpBuf`) the compiler passes
when a conversion's or concatenation's result does not escape."""
STATIC_BYTE = "runtime.staticuint64s"
"""Where `slicebytetostring` points a one-byte string: a static table, never freed."""
LITERAL = "a string literal"
"""Where a literal's bytes are: the binary's read-only data."""


@dataclass
class StringHeader:
    """A string value: where its bytes start (`unsafe.StringData`) and `len(s)`."""

    array: int | None
    """The backing array (an id of `ProgramState.arrays`); None when the bytes are in no
    heap object or stack buffer: static data, or no bytes at all ("")."""
    offset: int = 0
    """Index of the first byte in the array (after `s[low:]`)."""
    len: int = 0
    static: str = ""
    """With no array and len > 0: the static data holding the bytes (`STATIC_BYTE`, `LITERAL`)."""


@dataclass(frozen=True)
class StringPlan:
    """Where a new string's (or a `[]byte(s)`'s) bytes go, as the runtime decides."""

    where: str
    """"empty" (no bytes), "static", "stack" (the caller's tmpBuf), "heap" (mallocgc) or
    "shared" (an operand's own bytes, no copy)."""
    request: int = 0
    """Bytes asked of mallocgc ("heap"), or the buffer's size ("stack")."""
    cap: int = 0
    """`stringtoslicebyte`: the new slice's cap."""
    part: int = -1
    """`concatstrings` "shared": the index of the part returned as it is."""


def slicebytetostring(n: int, escapes: bool) -> StringPlan:
    """`runtime.slicebytetostring`: `string(b)` of `n` bytes."""
    if n == 0:
        return StringPlan("empty")
    if n == 1:
        return StringPlan("static")  # p := &staticuint64s[*ptr]
    if not escapes and n <= TMP_BUF_BYTES:
        return StringPlan("stack", TMP_BUF_BYTES)  # buf != nil && n <= len(buf)
    return StringPlan("heap", n)  # mallocgc(uintptr(n), nil, false)


def clone(n: int, escapes: bool) -> StringPlan:
    """`strings.Clone`: `make([]byte, n)` + copy; "" stays "" (`stringslite.Clone`)."""
    if n == 0:
        return StringPlan("empty")
    if not escapes and n <= TMP_BUF_BYTES:
        # cmd/compile walkMakeSlice: a variable-size make that does not escape uses a
        # 32-byte stack buffer when it fits
        return StringPlan("stack", TMP_BUF_BYTES)
    return StringPlan("heap", n)  # makeslice → mallocgc(n, uint8 type, true): noscan


def concatstrings(lens: list[int], on_stack: list[bool], escapes: bool, constant: bool = False) -> StringPlan:
    """`runtime.concatstrings` of parts of `lens` bytes (`on_stack`: a part's bytes are
    in a stack buffer); `constant`: every part is a literal, which the compiler folds."""
    total = sum(lens)
    if total == 0:
        return StringPlan("empty")
    if constant:
        return StringPlan("static")
    nonempty = [i for i, n in enumerate(lens) if n > 0]
    if len(nonempty) == 1:
        idx = nonempty[0]
        # count == 1 && (buf != nil || !stringDataOnStack(a[idx])): return a[idx]
        if not escapes or not on_stack[idx]:
            return StringPlan("shared", part=idx)
    if not escapes and total <= TMP_BUF_BYTES:
        return StringPlan("stack", TMP_BUF_BYTES)  # rawstringtmp: buf[:l]
    return StringPlan("heap", total)  # rawstring(l) → mallocgc(l, nil, false)


def stringtoslicebyte(n: int, escapes: bool) -> StringPlan:
    """`runtime.stringtoslicebyte`: `[]byte(s)` of `n` bytes."""
    if not escapes and n <= TMP_BUF_BYTES:
        return StringPlan("stack", TMP_BUF_BYTES, cap=TMP_BUF_BYTES)  # b = buf[:len(s)]
    cap = roundupsize(n, True)  # rawbyteslice: cap := roundupsize(uintptr(size), true)
    if cap == 0:
        return StringPlan("empty")  # mallocgc(0) is &zerobase: a non-nil empty slice
    return StringPlan("heap", cap, cap=cap)
