"""What-if runs: the same scenario with other runtime settings.

`run X --what-if GOGC=50` and the app's what-if overlay both take a setting as a user
types it (`parse_assignment`), lay it over the settings the run already has (the file's
`[runtime]`, the environment, the flags) and play the program again with the result.
`run` checks each what-if against the real-cost budget with its own settings
(`budget.check_budget_with`): GOGC=10 runs many more GC cycles than the file's GOGC=100.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gomemtui.scenario.settings import UNSET, Overrides, SettingsError, describe_overrides, parse_assignment

if TYPE_CHECKING:
    from gomemtui.runtime.program import Program, RuntimeSettings

__all__ = ["MAX_WHAT_IFS", "PRESETS", "WhatIf", "parse_what_if", "apply_overrides", "program_with"]

MAX_WHAT_IFS = 3
"""What-if runs at once: rows of `run --what-if`, overlays in the app."""

PRESETS: tuple[str, ...] = ("GOGC=50", "GOGC=200", "GOGC=off", "green_tea=false", "GOMEMLIMIT=64MiB",
                            "GOMAXPROCS=1")
"""Settings the app offers to pick from (any other can be typed)."""


@dataclass(frozen=True)
class WhatIf:
    """One what-if: the settings it changes and how to name them."""

    overrides: Overrides
    label: str
    """As the user would type it ("GOGC=50 green_tea=false")."""


def parse_what_if(text: str) -> WhatIf:
    """A what-if from "GOGC=50" or "GOGC=50,green_tea=false"; SettingsError says what is wrong."""
    if not text.strip():
        raise SettingsError("expected a setting such as GOGC=50, GOMEMLIMIT=64MiB, GOMAXPROCS=2 or green_tea=false")
    overrides = parse_assignment(text)
    return WhatIf(overrides, describe_overrides(overrides))


def apply_overrides(settings: RuntimeSettings, overrides: Overrides) -> RuntimeSettings:
    """`settings` with the fields `overrides` sets replaced."""
    changed = {f.name: getattr(overrides, f.name) for f in dataclasses.fields(overrides)
               if getattr(overrides, f.name) is not UNSET}
    return dataclasses.replace(settings, **changed)


def program_with(program: Program, overrides: Overrides) -> Program:
    """The same program, started with `overrides` laid over its settings."""
    return dataclasses.replace(program, settings=apply_overrides(program.settings, overrides))
