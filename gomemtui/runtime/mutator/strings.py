"""Strings: building one at run time, `+`, `s[low:high]` and `[]byte(s)`.

Where each result's bytes go is decided by the runtime's rules in `values/strings.py`;
the handlers here carry them out: allocate (through `Mutator.alloc`, so a string's bytes
are a noscan heap object like any other, tiny ones packed in 16-byte blocks), or point
into a stack buffer, static data or an operand's bytes, and say which and why.
"""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.mutator.slices import new_array
from gomemtui.runtime.types import BUILTIN_TYPES
from gomemtui.runtime.values.strings import (
    LITERAL, STATIC_BYTE, TMP_BUF_BYTES, StringHeader, StringPlan, clone, concatstrings,
    slicebytetostring, stringtoslicebyte,
)
from gomemtui.runtime.values.variables import Array, SliceHeader, Var
from gomemtui.units import NOTE_STYLE, format_bytes

BYTE = BUILTIN_TYPES["byte"]


def make_string(m: Mutator, op: ops.MakeString) -> None:
    """`string(b)` / strconv / fmt (`slicebytetostring`), or `strings.Clone(s)`."""
    owner = m.owner(op.g)
    escapes = op.escape == "heap"
    source = m.state.vars.get(op.source) if op.source is not None else None
    if source is not None and source.kind == "string":
        n = source.str_header.len
        plan = clone(n, escapes)
        go = f"{op.var} := strings.Clone({op.source}) ({n} B)"
        why = f"strings.Clone's make([]byte, {n})"
    else:
        n = source.header.len if source is not None else (op.len or 0)
        plan = slicebytetostring(n, escapes)
        go = f"{op.var} := string({op.source or 'b'}) ({n} B)"
        why = "runtime.slicebytetostring"
    header = _place(m, op.var, owner, n, plan, go, why)
    m.bind(Var(op.var, "string", owner, BYTE, escape=op.escape, string=header))
    m.advance(clock.copy_ns(n))


def concat(m: Mutator, op: ops.Concat) -> None:
    """`a + b + …` (`runtime.concatstrings`): one copy of every part, or no copy at all."""
    owner = m.owner(op.g)
    lens: list[int] = []
    on_stack: list[bool] = []
    headers: list[StringHeader] = []
    words: list[str] = []
    for part in op.parts:
        if isinstance(part, int):
            header = StringHeader(None, 0, part, LITERAL if part else "")
            words.append('"…"')
        else:
            header = m.state.vars[part].str_header
            words.append(part)
        lens.append(header.len)
        on_stack.append(header.array is not None and m.state.arrays[header.array].on_stack)
        headers.append(header)
    constant = all(isinstance(p, int) for p in op.parts)
    plan = concatstrings(lens, on_stack, op.escape == "heap", constant)
    total = sum(lens)
    go = f"{op.var} := {' + '.join(words)} ({' + '.join(str(n) for n in lens)} = {total} B)"
    if plan.where == "shared":
        part = op.parts[plan.part]
        kept = headers[plan.part]
        header = StringHeader(kept.array, kept.offset, kept.len, kept.static)
        what = "the literal" if isinstance(part, int) else part
        held = m.state.arrays[kept.array].name if kept.array is not None else "static data"
        m.emit("alloc", f"{go}: only {what} is non-empty, so runtime.concatstrings returns it as it "
               f"is: {op.var} shares {held}, nothing allocated", var=op.var, bytes=0, size=0,
               size_class=0, span_class=0, noscan=True, tiny=False, large=False, stack=False)
    elif plan.where == "static":
        header = StringHeader(None, 0, total, LITERAL)
        m.emit("alloc", f"{go}: every part is a constant, so the compiler folds them into one "
               "literal: nothing allocated at run time", var=op.var, bytes=0, size=0, size_class=0,
               span_class=0, noscan=True, tiny=False, large=False, stack=False)
    else:
        header = _place(m, op.var, owner, total, plan, go, "runtime.concatstrings")
        m.advance(clock.copy_ns(total))
    m.bind(Var(op.var, "string", owner, BYTE, escape=op.escape, string=header))


def substring(m: Mutator, op: ops.Substring) -> None:
    """`s = from[low:high]`: a new header into the same bytes, which stay whole."""
    owner = m.owner(op.g)
    src = m.state.vars[op.source]
    s = src.str_header
    low = op.low or 0
    high = s.len if op.high is None else op.high
    n = high - low
    # ssagen (*state).slice: rptr = ptr + (mask(rlen) & low): an empty result keeps the
    # base pointer, so it points into (and keeps) the same object.
    header = StringHeader(s.array, s.offset + (low if n else 0), n, s.static if n else "")
    if op.var == op.source:
        src.string = header
    else:
        m.bind(Var(op.var, "string", owner, BYTE, escape=src.escape, string=header))
    bounds = f"{op.var} = {op.source}[{low}:{high}]"
    arr = m.state.arrays.get(s.array) if s.array is not None else None
    if arr is None:
        where = f"the bytes are {s.static}" if s.static else f"{op.source} is empty"
        m.emit("substring", f"{bounds}: len {n}, no copy; {where}: no heap object to keep",
               var=op.var, source=op.source, low=low, high=high, len=n, array=None, array_bytes=0)
        return
    empty = " (an empty substring keeps the base pointer)" if n == 0 else ""
    if arr.on_stack:
        kept = f"it points into {arr.name} in {src.owner or owner}'s stack frame{empty}"
    else:
        kept = (f"it points into {arr.name}{empty}, so all {format_bytes(arr.bytes, **NOTE_STYLE)} of it "
                "stay reachable — the GC frees whole objects only")
    m.emit("substring", f"{bounds}: len {n}, no copy and nothing allocated, but {kept}",
           var=op.var, source=op.source, low=low, high=high, len=n, array=arr.name,
           array_bytes=0 if arr.on_stack else arr.bytes)


def string_bytes(m: Mutator, op: ops.StringBytes) -> None:
    """`[]byte(s)` (`runtime.stringtoslicebyte`): a new, writable copy of the bytes."""
    owner = m.owner(op.g)
    n = m.state.vars[op.source].str_header.len
    plan = stringtoslicebyte(n, op.escape == "heap")
    go = f"{op.var} := []byte({op.source}) ({n} B)"
    header = SliceHeader(None, 0, n, plan.cap)
    var = Var(op.var, "slice", owner, BYTE, slice=header, escape=op.escape, appended_before=True)
    if plan.where == "empty":
        m.bind(var)
        m.emit("alloc", f"{go}: an empty slice at runtime.zerobase (rawbyteslice(0)), nothing allocated",
               var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=True, tiny=False,
               large=False, stack=False)
        return
    if plan.where == "stack":
        arr = new_array(m, op.var, BYTE, TMP_BUF_BYTES, on_stack=True)
        m.emit("alloc", f"{go} does not escape: the bytes are copied into a {TMP_BUF_BYTES}-byte buffer in "
               f"{owner}'s stack frame (runtime.tmpBuf), so cap is {TMP_BUF_BYTES}; no heap allocation",
               var=op.var, bytes=0, size=TMP_BUF_BYTES, size_class=0, span_class=0, noscan=True,
               tiny=False, large=False, stack=True)
    else:
        rounded = f"roundupsize({n}) = {plan.cap}, so cap is {plan.cap}" if plan.cap != n else f"cap {n}"
        m.describe_alloc(op.var, plan.request, True, f"{go}: runtime.rawbyteslice asks for {rounded}")
        arr = new_array(m, op.var, BYTE, plan.cap, on_stack=False)
    header.array = arr.id
    m.bind(var)
    m.advance(clock.copy_ns(n))


def _place(m: Mutator, var: str, owner: str, n: int, plan: StringPlan, go: str, why: str) -> StringHeader:
    """A new string's bytes where `plan` puts them (allocated, or in a stack buffer);
    emits the `alloc` event that says where and why. Returns the string's header."""
    if plan.where == "empty":
        m.emit("alloc", f"{go}: the empty string has no bytes: nothing allocated", var=var, bytes=0,
               size=0, size_class=0, span_class=0, noscan=True, tiny=False, large=False, stack=False)
        return StringHeader(None, 0, 0)
    if plan.where == "static":
        m.emit("alloc", f"{go}: {why} points a 1-byte string into {STATIC_BYTE} (static data): "
               "nothing allocated", var=var, bytes=0, size=0, size_class=0, span_class=0, noscan=True,
               tiny=False, large=False, stack=False)
        return StringHeader(None, 0, n, STATIC_BYTE)
    arr = Array(m.state.new_id(), "", BYTE, n, string_data=True)
    if plan.where == "stack":
        arr.elems = arr.bytes = TMP_BUF_BYTES
        m.emit("alloc", f"{go} does not escape: {why} copies the bytes into a {TMP_BUF_BYTES}-byte buffer "
               f"in {owner}'s stack frame: no heap allocation", var=var, bytes=0,
               size=TMP_BUF_BYTES, size_class=0, span_class=0, noscan=True, tiny=False, large=False,
               stack=True)
    else:
        m.describe_alloc(var, n, True, f"{go}: {why} copies the bytes into one new pointer-free object")
        arr.oid = m.alloc(n, True)
        arr.bytes = m.heap.object_bytes(arr.oid)
    _register(m, var, arr)
    return StringHeader(arr.id, 0, n)


def _register(m: Mutator, var: str, arr: Array) -> None:
    """Name a string's bytes after it and record them: heap bytes "s.data", "s.data#2", ...
    (counted per variable like every object's name), a stack buffer "s.stack"."""
    if arr.on_stack:
        taken = {a.name for a in m.state.arrays.values()}
        arr.name, k = f"{var}.stack", 1
        while arr.name in taken:  # a substring may still hold an earlier buffer of var
            k += 1
            arr.name = f"{var}.stack#{k}"
    else:
        m.slots.name_objects(arr.oid, f"{var}.data")
        arr.name = m.slots.name(arr.oid)
    _forget_dead_strings(m)
    m.state.arrays[arr.id] = arr


def _forget_dead_strings(m: Mutator) -> None:
    """Drop the records of string bytes nothing can show any more: heap bytes the sweeper
    freed, stack buffers no variable points into. A loop that builds a string per
    iteration then keeps a record per live string, not one per string ever made. Done
    when the number of records reaches a power of two (64, 128, ...), so it costs O(1)
    per string, and it depends on the state alone, as a replay must."""
    arrays = m.state.arrays
    n = len(arrays)
    if n < 64 or n & (n - 1):
        return
    held = {v.string.array for v in m.state.vars.values() if v.string is not None}
    live = m.heap.obj_live
    dead = [aid for aid, a in arrays.items()
            if a.string_data and (aid not in held if a.on_stack else not live[a.oid])]
    for aid in dead:
        del arrays[aid]
