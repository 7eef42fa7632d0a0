"""Authoring help: warnings, not errors, when a step's `line` does not look like the Go
code its operation stands for (a `go` step pointing at a `}`, a `make_slice` step at
`out <- buf`). Lines off by one are the usual cause; the scenario still loads and runs,
since gomemtui simulates the steps, not the source text.

    warnings = source_warnings(scenario)     # [Problem(..., warning=True), ...]

Only the operations whose Go spelling is unmistakable are looked at: `go`, `gc`,
`make_slice`, `map_insert`, and the string operations `make_string` (with `from`),
`concat`, `substring` and `string_bytes`, and `free_os_memory`, `set_finalizer`,
`add_cleanup`, `weak_make` and `weak_value`. A step in a loop's body that leaves `line` out stands on
the loop's `for` line and is not looked at.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from gomemtui.scenario.errors import Problem
from gomemtui.scenario.model import Scenario, StepSpec

__all__ = ["LOOKS", "source_warnings"]

_GO_STATEMENT = re.compile(r"(?<![\w.])go\s")
"""`go f()` / `go func() {`: the keyword, not `ago` or `x.go`."""
_RUNTIME_GC = re.compile(r"\bruntime\.GC\s*\(")
_MAKE = re.compile(r"(?<![\w.])make\s*\(")
_SLICE_LITERAL = re.compile(r"\[\][\w.*\[\]]+\s*\{")
"""A composite literal of a slice type: `[]int{`, `[]*Node{`, `[][]byte{`."""
# -- runtime (issue 13) --
_FREE_OS_MEMORY = re.compile(r"\bFreeOSMemory\s*\(")
_SET_FINALIZER = re.compile(r"\bSetFinalizer\s*\(")
_ADD_CLEANUP = re.compile(r"\bAddCleanup\s*\(")
_WEAK_MAKE = re.compile(r"\bweak\.Make\s*[(\[]")
"""`weak.Make(p)`, or with its type argument `weak.Make[T](p)`."""
_WEAK_VALUE = re.compile(r"\.Value\s*\(\s*\)")
_INDEX_ASSIGNMENT = re.compile(r"\w\s*\[.*\]\s*(?:(?:[-+*/%&|^]|<<|>>|&\^)?=(?!=)|\+\+|--)")
"""`m[k] = v`, `m[k] += 1`, `m[k]++`: an assignment to an index expression (not `==`)."""


def _code(line: str) -> str:
    """The line without its `//` comment (a comment saying `go` proves nothing)."""
    return line.split("//", 1)[0]


_NIL_SLICE = re.compile(r"(?<![\w.])var\s+\w+\s+\[\]|\w\{")
"""What a nil slice may stand on: `var s []T`, or the literal of a struct whose field it
is (`&Log{}`; gofmt writes no space before a literal's `{`, only before a block's)."""


def _looks_like_make_slice(step: StepSpec, code: str) -> bool:
    """`make(`, a slice literal, or for a cap-0 slice (no array: a nil slice) a
    declaration that leaves it nil."""
    if _MAKE.search(code) or _SLICE_LITERAL.search(code):
        return True
    return step.value("cap") == 0 and bool(_NIL_SLICE.search(code))


# -- strings (issue 13) --
_STRING_CONVERSION = re.compile(r"(?<![\w.])string\s*\(|\bClone\s*\(")
"""`string(b)`, `strings.Clone(s)`: what a `make_string` with `from` stands on."""
_BYTES_CONVERSION = re.compile(r"\[\]byte\s*\(")
_PLUS = re.compile(r"(?<!\+)\+(?!\+)")
"""`a + b`, `s += t`: a `+` that is not part of `++`."""
_SLICE_EXPRESSION = re.compile(r"[\w\])]\s*\[[^\]]*:[^\]]*\]")
"""`s[low:high]`, `s[i:]`, `line[:n]`: an index expression with a colon."""

# -- values (issue 13) --
_FUNC_LITERAL = re.compile(r"\bfunc\s*\(")
"""`func() {`, `func(x int) int {`: a func literal (not `funcs(` or `myfunc(`)."""


def _looks_like_make_string(step: StepSpec, code: str) -> bool:
    """With `from`: a conversion or a clone. A string of `len` bytes may come from any
    call (strconv, fmt, io.ReadAll), so that form is not looked at."""
    return not step.has("from") or bool(_STRING_CONVERSION.search(code))


LOOKS: dict[str, tuple[Callable[[StepSpec, str], bool], str]] = {
    "go": (lambda _, s: bool(_GO_STATEMENT.search(s)), "has no `go ` statement"),
    "gc": (lambda _, s: bool(_RUNTIME_GC.search(s)), "has no `runtime.GC()` call"),
    "make_slice": (_looks_like_make_slice, "has neither `make(` nor a slice literal `[]T{`"),
    "map_insert": (lambda _, s: bool(_INDEX_ASSIGNMENT.search(s)),
                   "has no index assignment `m[k] = v`"),
    # -- strings (issue 13) --
    "make_string": (_looks_like_make_string, "has neither `string(` nor `Clone(`"),
    "concat": (lambda _, s: bool(_PLUS.search(s)), "has no `+`"),
    "substring": (lambda _, s: bool(_SLICE_EXPRESSION.search(s)), "has no slice expression `s[low:high]`"),
    "string_bytes": (lambda _, s: bool(_BYTES_CONVERSION.search(s)), "has no `[]byte(` conversion"),
    # -- values (issue 13) --
    "closure": (lambda _, s: bool(_FUNC_LITERAL.search(s)), "has no func literal `func(`"),
    # -- runtime (issue 13) --
    "free_os_memory": (lambda _, s: bool(_FREE_OS_MEMORY.search(s)), "has no `debug.FreeOSMemory()` call"),
    "set_finalizer": (lambda _, s: bool(_SET_FINALIZER.search(s)), "has no `runtime.SetFinalizer(` call"),
    "add_cleanup": (lambda _, s: bool(_ADD_CLEANUP.search(s)), "has no `runtime.AddCleanup(` call"),
    "weak_make": (lambda _, s: bool(_WEAK_MAKE.search(s)), "has no `weak.Make(` call"),
    "weak_value": (lambda _, s: bool(_WEAK_VALUE.search(s)), "has no `.Value()` call"),
}
"""`do` -> (whether a step's source line looks like its operation, what the line lacks)."""


def source_warnings(scenario: Scenario) -> list[Problem]:
    """A warning for each step whose source line does not look like its operation,
    reported at the step's `line` key."""
    code = scenario.source.lines
    warnings: list[Problem] = []
    for step in _steps(scenario.steps):
        looks = LOOKS.get(step.do)
        if looks is None or step.source_line is None or not step.has("line"):
            continue
        if not 1 <= step.source_line <= len(code):
            continue  # out of range: the loader's error already says so
        text = code[step.source_line - 1]
        matches, lacks = looks
        if matches(step, _code(text)):
            continue
        shown = text.strip()
        shown = shown if len(shown) <= 50 else shown[:47] + "..."
        warnings.append(Problem(step.line_of("line"), (
            f"{step.label} ({step.do}): line = {step.source_line} is `{shown}`, which {lacks} "
            "(is the line off by one?)"), scenario.path, warning=True))
    return warnings


def _steps(steps: tuple[StepSpec, ...]) -> Iterator[StepSpec]:
    """Every step, loop bodies included, in file order."""
    for step in steps:
        yield step
        yield from _steps(step.body)
