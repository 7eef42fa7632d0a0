"""Byte counts as Go writes them: ``GOMEMLIMIT=64MiB`` (printing them is `gomemtui.units`'s).

`parse_byte_count` accepts exactly what the Go runtime's `parseByteCount`
(`runtime/string.go`, used for GOMEMLIMIT) accepts — ``^[0-9]+(([KMGT]i)?B)?$`` — and
explains the usual mistakes ("64MB", "64 MiB", "1.5GiB") instead of rejecting them bare.
"""

from __future__ import annotations

import re

__all__ = ["UNITS", "parse_byte_count"]

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
