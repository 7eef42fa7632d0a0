"""Bytes and durations for people: the one place gomemtui turns a number into text.

Formatting only: no figure is derived here. Three house styles are in use, all spelled
through `format_bytes`'s keywords so that a change to how bytes read is made once:

- panels and summaries (the defaults): "6784 B", "48.0 KiB", "512 KiB", "4.0 MiB";
- event explanations (`NOTE_STYLE`): "1.0 KiB", "1.5 MiB", never GiB;
- scenario messages (`MESSAGE_STYLE`): "512 B", "8 KiB", "1.5 MiB", "74.5 GiB".
"""

from __future__ import annotations

from typing import Any

_IEC = (("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("PiB", 1 << 50))


def format_bytes(n: int | None, *, exact_below: int = 10 * 1024, largest: str = "GiB",
                 whole_from: float | None = 100.0, trim: bool = False) -> str:
    """A byte count in binary units.

    Args:
        n: the count (None reads "—": a figure that does not exist yet).
        exact_below: counts below this (in absolute value) are printed in bytes.
        largest: the largest unit used ("MiB" keeps 2 GiB as "2048.0 MiB").
        whole_from: values at or above this print without decimals (None: never).
        trim: drop a trailing ".0" ("8 KiB" rather than "8.0 KiB").
    """
    if n is None:
        return "—"
    if abs(n) < exact_below:
        return f"{n} B"
    for unit, scale in _IEC:
        if abs(n) < 1024 * scale or unit == largest:
            value = n / scale
            text = f"{value:.0f}" if whole_from is not None and value >= whole_from else f"{value:.1f}"
            return f"{text.removesuffix('.0') if trim else text} {unit}"
    raise ValueError(f"unknown unit {largest!r}")


NOTE_STYLE: dict[str, Any] = {"exact_below": 1024, "largest": "MiB", "whole_from": None}
"""`format_bytes(n, **NOTE_STYLE)`: the style of the runtime's event explanations."""

MESSAGE_STYLE: dict[str, Any] = {"exact_below": 1024, "largest": "PiB", "whole_from": None, "trim": True}
"""`format_bytes(n, **MESSAGE_STYLE)`: the style of scenario problems and settings."""


EXACT_STYLE: dict[str, Any] = {"exact_below": 1024, "largest": "GiB", "whole_from": None, "trim": True}
"""The rounded half of `format_exact`: "8 MiB", "105.2 MiB"."""

NEVER_BYTES = 1 << 62
"""A heap goal this big is never reached: with GOGC=off and no memory limit Go's goal is
the limit-based goal of `math.MaxInt64` (about 8.95 × 10¹⁸ B), not a figure to read."""


def format_exact(n: int, *, exact_below: int = 10 * 1024) -> str:
    """A byte count a person can read that keeps the exact figure: "6784 B",
    "105.0 MiB (110,100,992 B)". Counts below `exact_below` are shown in bytes only."""
    if abs(n) < exact_below:
        return f"{n} B"
    return f"{format_bytes(n, **EXACT_STYLE)} ({n:,} B)"


def format_goal(n: int | None, **style: Any) -> str:
    """A heap goal or trigger: `format_bytes(n, **style)`, or "never (GOGC=off, no limit)"
    for None or a goal of `NEVER_BYTES` and more (no heap-triggered cycle can happen)."""
    if n is None or n >= NEVER_BYTES:
        return "never (GOGC=off, no limit)"
    return format_bytes(n, **style)


def format_si(n: int) -> str:
    """A byte count in decimal units, as in "would need 80 GB": "80 GB", "1.5 MB"."""
    for unit, scale in (("EB", 10**18), ("PB", 10**15), ("TB", 10**12), ("GB", 10**9),
                        ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            text = f"{n / scale:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} B"


def format_ns(ns: int) -> str:
    """Simulated time: 850 ns, 12.3 µs, 4.20 ms, 1.234 s."""
    if ns < 1000:
        return f"{ns} ns"
    if ns < 1_000_000:
        return f"{ns / 1000:.1f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:.2f} ms"
    return f"{ns / 1_000_000_000:.3f} s"


def format_duration(seconds: float) -> str:
    """Wall-clock time a person waits or stays connected: 4.2s, 3m07s, 2h05m."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_count(n: int) -> str:
    """A count with thousands separators."""
    return f"{n:,}"


# -- text from scenario files, made safe for a terminal ------------------------------------

_BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_UNSAFE = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS)
_PRINTABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE if c != 0x09}
"""str.translate table: every control character but tab, written as its escape."""
_PRINTABLE_LINES = {c: s for c, s in _PRINTABLE.items() if c != 0x0A}
_JSON_UNSAFE = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS)}
"""What `json.dumps(..., ensure_ascii=False)` leaves raw and a terminal may act on."""


def printable(text: str, *, multiline: bool = True) -> str:
    """`text` (from a scenario file: a title, a note, a name, a value) safe to print to a
    terminal: control characters, which could set the window title, clear the screen or
    leave the alternate screen (ESC, BEL, CR, backspace, DEL, the C1 range) and the
    bidirectional overrides, are written as escapes (ESC as ``\\x1b``). Tabs stay, and
    newlines stay unless `multiline` is false."""
    return text.translate(_PRINTABLE_LINES if multiline else _PRINTABLE)


def json_printable(line: str) -> str:
    """A line of `json.dumps(..., ensure_ascii=False)` with the characters JSON leaves raw
    and a terminal may act on written as ``\\u`` escapes (still the same JSON value)."""
    return line.translate(_JSON_UNSAFE)
