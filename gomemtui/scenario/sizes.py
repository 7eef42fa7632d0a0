"""Byte counts as Go writes them: ``GOMEMLIMIT=64MiB``, and as gomemtui prints them.

`parse_byte_count` accepts exactly what the Go runtime's `parseByteCount`
(`runtime/string.go`, used for GOMEMLIMIT) accepts — ``^[0-9]+(([KMGT]i)?B)?$`` — and
explains the usual mistakes ("64MB", "64 MiB", "1.5GiB") instead of rejecting them bare.
"""

from __future__ import annotations

import re

__all__ = ["UNITS", "parse_byte_count", "format_bytes", "format_si"]

UNITS: dict[str, int] = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
"""The suffixes Go's parseByteCount knows."""

_GO_RE = re.compile(r"^([0-9]+)((?:[KMGT]i)?B)?$")
_LOOSE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")
_SI_TO_IEC = {"b": "B", "k": "KiB", "m": "MiB", "g": "GiB", "t": "TiB"}


def parse_byte_count(text: str) -> int:
    """Bytes for a Go byte count such as "64MiB" or "1048576"; ValueError says what is wrong.

    >>> parse_byte_count("64MiB")
    67108864
    """
    match = _GO_RE.match(text)
    if match:
        return int(match.group(1)) * UNITS[match.group(2) or "B"]
    loose = _LOOSE_RE.match(text)
    hint = ""
    if loose:
        number, unit = loose.groups()
        iec = _SI_TO_IEC.get(unit[:1].lower(), "") if unit else "B"
        if unit in UNITS:
            iec = unit
        if iec and "." not in number:
            hint = f' (did you mean "{number}{iec}"?)'
        elif iec:
            whole = float(number) * UNITS[iec]
            hint = f" (did you mean {int(whole)}, in bytes?)"
    raise ValueError(
        f"not a byte count: Go accepts digits with an optional B, KiB, MiB, GiB or TiB suffix{hint}"
    )


def format_bytes(n: int) -> str:
    """A byte count for people: "512 B", "8 KiB", "1.5 MiB", "74.5 GiB"."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024:
            break
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


def format_si(n: int) -> str:
    """A byte count in decimal units, as in "would need 80 GB": "80 GB", "1.5 MB"."""
    for unit, scale in (("EB", 10**18), ("PB", 10**15), ("TB", 10**12), ("GB", 10**9),
                        ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            text = f"{n / scale:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} B"
