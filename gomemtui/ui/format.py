"""Formatting of the core's numbers for display (formatting only: no figure is derived)."""

from __future__ import annotations


def fmt_bytes(n: int | None) -> str:
    """Bytes the way Go developers read them: 6784 B, 48 KiB, 4.0 MiB."""
    if n is None:
        return "—"
    if abs(n) < 10 * 1024:
        return f"{n} B"
    for unit, scale in (("KiB", 1024), ("MiB", 1024 ** 2), ("GiB", 1024 ** 3)):
        if abs(n) < 1024 * scale or unit == "GiB":
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    return f"{n} B"


def fmt_ns(ns: int) -> str:
    """Simulated time: 850 ns, 12.3 µs, 4.20 ms, 1.234 s."""
    if ns < 1000:
        return f"{ns} ns"
    if ns < 1_000_000:
        return f"{ns / 1000:.1f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:.2f} ms"
    return f"{ns / 1_000_000_000:.3f} s"


def fmt_count(n: int) -> str:
    """A count with thousands separators."""
    return f"{n:,}"
