"""A compare session over SSH: `ssh -t host compare A B` or `compare A --left GOGC=50 ...`.

The command names served scenarios only (looked up with `Served.by_name`, never used as
paths) and settings (`settings.parse_assignment`); anything else is refused with a
message, as any other command is. The viewer's app process then opens the split view
(`gomemtui.ui.compare`) instead of the main screen. A compare session explores on its
own: it neither drives nor follows the presenter.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from gomemtui.scenario.settings import SettingsError, parse_assignment
from gomemtui.serve.scenarios import Served

__all__ = ["CompareRequest", "parse_compare_command", "is_compare_command", "USAGE"]

USAGE = "compare A [B] [--left SETTINGS] [--right SETTINGS]"


@dataclass(frozen=True)
class CompareRequest:
    """What a viewer asked to compare: served files and side settings as typed (the viewer's
    process parses them again; this object crosses to it pickled)."""

    first: Path
    second: Path | None
    left: str | None
    right: str | None


def is_compare_command(command: str) -> bool:
    """Whether an SSH command asks for a comparison."""
    return command.strip().split(" ", 1)[0] == "compare"


def parse_compare_command(command: str, served: Served) -> CompareRequest:
    """The comparison `command` asks for; ValueError saying what is wrong."""
    try:
        words = shlex.split(command)[1:]
    except ValueError as exc:
        raise ValueError(f"{USAGE}: {exc}") from None
    names: list[str] = []
    settings: dict[str, str] = {}
    while words:
        word = words.pop(0)
        flag, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if flag in ("--left", "--right"):
            if not eq:
                if not words:
                    raise ValueError(f"{flag} needs settings, e.g. {flag} GOGC=50")
                value = words.pop(0)
            try:
                parse_assignment(value)
            except SettingsError as exc:
                raise ValueError(f"{flag}: {exc}") from None
            settings[flag[2:]] = value
        elif word.startswith("-"):
            raise ValueError(f"{word[:40]!r}: not an option here; {USAGE}")
        else:
            names.append(word)
    if not 1 <= len(names) <= 2:
        raise ValueError(f"give one or two served scenarios: {USAGE}")
    if len(names) == 1 and not settings:
        raise ValueError(f"one scenario needs --left and/or --right settings: {USAGE}")
    paths = []
    for name in names:
        path = served.by_name(name)
        if path is None:
            raise ValueError(f"{name[:60]!r} is not a served scenario (served: {', '.join(served.names())})")
        paths.append(path)
    return CompareRequest(paths[0], paths[1] if len(paths) == 2 else None,
                          settings.get("left"), settings.get("right"))
