"""Problems found in a scenario file, reported as ``path:line: message``.

The loader never stops at the first problem: it collects `Problem` objects and raises
one `ScenarioError` holding all of them, sorted by line, so a user fixes a file in one
round. Messages name the offending field and its value and, where a name was probably
misspelt, end with a "did you mean …?" suggestion (`suggest`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from gomemtui.units import printable

__all__ = ["Problem", "ScenarioError", "suggest", "quote"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a scenario file."""

    line: int | None
    """1-based line of the offending key (or of its table); None for whole-file problems."""
    message: str
    """What is wrong, naming the field and its value."""
    path: str = ""
    """The file as the user named it."""
    warning: bool = False
    """Authoring help (`hints`): the scenario still loads; printed `path:line: warning: ...`."""

    def __str__(self) -> str:
        """`path:line: message` on one line, with the control characters a value or a file
        name may hold escaped (so printing it cannot act on the terminal)."""
        message = f"warning: {self.message}" if self.warning else self.message
        if self.line is None:
            return printable(f"{self.path}: {message}", multiline=False)
        return printable(f"{self.path}:{self.line}: {message}", multiline=False)


class ScenarioError(Exception):
    """A scenario could not be loaded; `problems` lists every reason at once."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            # duplicates dropped keeping the first; on one line, in the order found
            sorted(dict.fromkeys(problems), key=lambda p: (p.line is not None, p.line or 0))
        )
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        """The file's warnings (`hints.source_warnings`), for `check` to list after the errors."""
        super().__init__("\n".join(str(p) for p in self.problems))


def quote(value: object) -> str:
    """A value as it would be written in TOML, for messages (`"numbers"`, `1000`, `true`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        escaped = shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[...]" if value else "[]"
    if isinstance(value, dict):
        return "{...}"
    return str(value)


def suggest(word: str, candidates: Iterable[str], *, fmt: str = '"{}"') -> str:
    """" (did you mean "x"?)" for the closest candidate, or "" if none is close.

    Uses difflib's ratio (as `difflib.get_close_matches`), plus a case-insensitive
    match so `Make_Slice` finds `make_slice`.
    """
    import difflib  # only once something is misspelled

    pool = [c for c in dict.fromkeys(candidates) if c != word]
    if not pool or not isinstance(word, str):
        return ""
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        best = lowered[word.lower()]
    else:
        close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
            close = [lowered[c] for c in close]
        if not close:
            return ""
        best = close[0]
    return f" (did you mean {fmt.format(best)}?)"
