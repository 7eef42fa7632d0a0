"""Words for the panels' totals and the delta line: counts with their nouns, signed bytes.

Formatting only (bytes go through `gomemtui.units`); the figures come from the core's
read side (`runtime/read/totals.py`, `runtime/read/delta.py`).
"""

from __future__ import annotations

from gomemtui.units import MESSAGE_STYLE, format_bytes, format_count

MINUS = "−"
"""U+2212: a minus sign as wide as the plus (ASCII terminals get '-')."""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 goroutine`, `100 goroutines`, `1,793 tombstones`."""
    word = noun if n == 1 else (plural or noun + "s")
    return f"{format_count(n)} {word}"


def signed(n: int) -> str:
    """`+1`, `−100`, `0`."""
    if n > 0:
        return f"+{format_count(n)}"
    if n < 0:
        return f"{MINUS}{format_count(-n)}"
    return "0"


def signed_bytes(n: int) -> str:
    """A change of bytes, rounded as scenario messages are: `+8 KiB`, `−6.3 MiB`, `+112 B`."""
    text = format_bytes(abs(n), **MESSAGE_STYLE)
    if n > 0:
        return f"+{text}"
    if n < 0:
        return f"{MINUS}{text}"
    return text


def signed_count(n: int, noun: str, plural: str | None = None) -> str:
    """`+1 object`, `−3 spans`."""
    word = noun if abs(n) == 1 else (plural or noun + "s")
    return f"{signed(n)} {word}"
