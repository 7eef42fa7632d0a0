"""Runtime settings: the scenario's `[runtime]` table, overridden by the environment
variables Go users know (GOGC, GOMEMLIMIT, GOMAXPROCS) and by command-line flags.

Precedence, highest first: flag (`--gogc 50`) > environment (`GOGC=50`) > `[runtime]` >
Go's defaults. The values are parsed as the Go runtime parses them (`readGOGC`,
`parseByteCount`), except that a malformed value is an error here rather than being
ignored (GOGC) or crashing the program (GOMEMLIMIT).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from gomemtui.scenario.limits import MAX_GOMAXPROCS
from gomemtui.scenario.sizes import parse_byte_count

if TYPE_CHECKING:  # imported with the loader and the compiler, not by the command line
    from gomemtui.runtime.program import RuntimeSettings
    from gomemtui.scenario.model import RuntimeSpec

__all__ = ["Overrides", "SettingsError", "overrides_from_env", "parse_gogc", "parse_gomemlimit",
           "parse_gomaxprocs", "parse_green_tea", "parse_assignment", "describe_overrides", "settings_for"]

_UNSET = object()


class SettingsError(ValueError):
    """A malformed GOGC / GOMEMLIMIT / GOMAXPROCS; str() names the variable and value."""


@dataclass(frozen=True)
class Overrides:
    """Settings given outside the file; a field left as `UNSET` keeps the file's value."""

    gogc: object = _UNSET
    """int percent, or None for off."""
    gomemlimit: object = _UNSET
    """bytes, or None for no limit."""
    gomaxprocs: object = _UNSET
    green_tea: object = _UNSET
    """bool: Go 1.27's Green Tea marking (GOEXPERIMENT=greenteagc) or classic marking."""

    def merged(self, other: "Overrides") -> "Overrides":
        """These overrides, with `other`'s values taking precedence where set."""
        values = {f.name: getattr(other, f.name) for f in dataclasses.fields(other)
                  if getattr(other, f.name) is not _UNSET}
        return dataclasses.replace(self, **values)


UNSET = _UNSET


def parse_gogc(text: str, source: str = "GOGC") -> int | None:
    """GOGC as `runtime.readGOGC` reads it: "off" (or a negative number) is None."""
    value = text.strip()
    if value == "off":
        return None
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f'{source}={text}: expected a percentage such as 100, or "off"') from None
    return None if number < 0 else number


def parse_gomemlimit(text: str, source: str = "GOMEMLIMIT") -> int | None:
    """GOMEMLIMIT as `parseByteCount` reads it: "off" is None, else bytes ("64MiB")."""
    value = text.strip()
    if value == "off":
        return None
    try:
        return parse_byte_count(value)
    except ValueError as exc:
        raise SettingsError(f"{source}={text}: {exc}") from None


def parse_gomaxprocs(text: str, source: str = "GOMAXPROCS") -> int:
    """GOMAXPROCS: a positive number of Ps (at most MAX_GOMAXPROCS here)."""
    try:
        number = int(text.strip())
    except ValueError:
        raise SettingsError(f"{source}={text}: expected a positive integer") from None
    if not 1 <= number <= MAX_GOMAXPROCS:
        raise SettingsError(f"{source}={text}: expected 1 to {MAX_GOMAXPROCS}")
    return number


_TRUE = ("true", "on", "1", "yes")
_FALSE = ("false", "off", "0", "no")


def parse_green_tea(text: str, source: str = "green_tea") -> bool:
    """Green Tea marking on or off: true/false (also on/off, 1/0, yes/no)."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{source}={text}: expected true or false")


_ASSIGNABLE = {
    "gogc": ("gogc", parse_gogc, "GOGC"),
    "gomemlimit": ("gomemlimit", parse_gomemlimit, "GOMEMLIMIT"),
    "gomaxprocs": ("gomaxprocs", parse_gomaxprocs, "GOMAXPROCS"),
    "green_tea": ("green_tea", parse_green_tea, "green_tea"),
    "greentea": ("green_tea", parse_green_tea, "green_tea"),
}

ASSIGNMENT_NAMES = ("GOGC", "GOMEMLIMIT", "GOMAXPROCS", "green_tea")
"""The settings `parse_assignment` knows, as a user writes them."""


def parse_assignment(text: str) -> Overrides:
    """One or more comma-separated settings, as `--what-if` and `compare --left` take
    them: "GOGC=50", "GOMEMLIMIT=64MiB,GOGC=off", "green_tea=false". Names are
    case-insensitive; SettingsError names what is wrong."""
    values: dict[str, object] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        key = name.strip().lower()
        if not sep or not key:
            raise SettingsError(f"{part.strip() or text!r}: expected NAME=VALUE, "
                                f"NAME one of {', '.join(ASSIGNMENT_NAMES)}")
        if key not in _ASSIGNABLE:
            raise SettingsError(f"{name.strip()}: unknown setting; expected one of {', '.join(ASSIGNMENT_NAMES)}")
        field, parse, shown = _ASSIGNABLE[key]
        values[field] = parse(value, shown)
    return Overrides(**values)


def describe_overrides(o: Overrides) -> str:
    """A short label for overrides, as a user would type them ("GOGC=50 GOMEMLIMIT=64MiB")."""
    from gomemtui.units import format_bytes

    parts: list[str] = []
    if o.gogc is not _UNSET:
        parts.append(f"GOGC={'off' if o.gogc is None else o.gogc}")
    if o.gomemlimit is not _UNSET:
        parts.append("GOMEMLIMIT=off" if o.gomemlimit is None
                     else "GOMEMLIMIT=" + format_bytes(o.gomemlimit, trim=True).replace(" ", ""))  # type: ignore[arg-type]
    if o.gomaxprocs is not _UNSET:
        parts.append(f"GOMAXPROCS={o.gomaxprocs}")
    if o.green_tea is not _UNSET:
        parts.append(f"green_tea={'true' if o.green_tea else 'false'}")
    return " ".join(parts) or "as written"


def overrides_from_env(env: Mapping[str, str]) -> Overrides:
    """The overrides the environment asks for; SettingsError for a malformed value.

    Empty variables count as unset, as they do for the Go runtime.
    """
    values: dict[str, object] = {}
    if env.get("GOGC", "").strip():
        values["gogc"] = parse_gogc(env["GOGC"])
    if env.get("GOMEMLIMIT", "").strip():
        values["gomemlimit"] = parse_gomemlimit(env["GOMEMLIMIT"])
    if env.get("GOMAXPROCS", "").strip():
        values["gomaxprocs"] = parse_gomaxprocs(env["GOMAXPROCS"])
    return Overrides(**values)


def settings_for(spec: RuntimeSpec, overrides: Overrides | None = None) -> RuntimeSettings:
    """The RuntimeSettings a run starts with: `[runtime]` with `overrides` applied."""
    from gomemtui.runtime.program import RuntimeSettings

    o = overrides or Overrides()
    return RuntimeSettings(
        gogc=spec.gogc if o.gogc is _UNSET else o.gogc,  # type: ignore[arg-type]
        gomemlimit=spec.gomemlimit if o.gomemlimit is _UNSET else o.gomemlimit,  # type: ignore[arg-type]
        gomaxprocs=spec.gomaxprocs if o.gomaxprocs is _UNSET else o.gomaxprocs,  # type: ignore[arg-type]
        green_tea=spec.green_tea if o.green_tea is _UNSET else o.green_tea,  # type: ignore[arg-type]
        globals_bytes=spec.globals_bytes,
    )
