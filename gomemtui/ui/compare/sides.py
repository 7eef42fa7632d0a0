"""The two sides of `gomemtui compare`: which scenario each plays, with which settings.

`compare A B` plays two scenarios; `compare A --left GOGC=50 --right GOGC=200` plays one
scenario twice. Either way each side's settings are the environment's and the runtime
flags' (both sides), then the side's own `--left`/`--right` assignment
(`settings.parse_assignment`). Both sides are loaded, checked and compiled before
anything runs, and the real-cost budget is checked with each side's own settings: a
smaller GOGC means more cycles, so the file's settings alone do not vouch for a side.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from gomemtui.scenario.settings import Overrides, describe_overrides

if TYPE_CHECKING:  # loaded when a side is loaded
    from gomemtui.runtime.program import Program
    from gomemtui.scenario.model import Scenario

__all__ = ["CompareSide", "CompareUsageError", "compare_title", "resolve_sides", "load_side"]

SideName = Literal["left", "right"]


class CompareUsageError(ValueError):
    """The arguments do not make two sides; str() says what to give instead."""


@dataclass(frozen=True)
class CompareSide:
    """One side of a comparison."""

    side: SideName
    path: Path
    """The scenario file (a bundled name resolved to its file)."""
    overrides: Overrides
    """Every setting given outside the file: environment, flags, then the side's own."""
    own: Overrides
    """The side's own `--left`/`--right` settings (what tells the two sides apart)."""

    @property
    def scenario_name(self) -> str:
        """The file's name without `.toml` or a numeric prefix, as `gomemtui list` names
        bundled scenarios ("gogc-100" for 10-gogc-100.toml)."""
        return re.sub(r"^\d+[-_]", "", self.path.name.removesuffix(".toml")) or self.path.name

    @property
    def settings_label(self) -> str:
        """The settings given outside the file, as typed ("GOGC=50"; the environment's and
        the flags' too), or "as written" (the file's)."""
        return describe_overrides(self.overrides)

    @property
    def label(self) -> str:
        """What a title calls this side: "gogc-100 · GOGC=50"."""
        return f"{self.scenario_name} · {self.settings_label}"


def compare_title(sides: tuple[CompareSide, CompareSide]) -> str:
    """The app's title over a comparison: both sides' labels."""
    return f"gomemtui compare: {sides[0].label} | {sides[1].label}"


def resolve_sides(first: str, second: str | None, left: Overrides | None, right: Overrides | None,
                  base: Overrides) -> tuple[CompareSide, CompareSide]:
    """The two sides for `compare FIRST [SECOND] [--left ...] [--right ...]`.

    Args:
        first: A scenario file or bundled name.
        second: Another, or None to play `first` on both sides.
        left: The left side's own settings (`--left`), if given.
        right: The right side's own settings (`--right`), if given.
        base: The settings of both sides (environment and runtime flags).

    Raises:
        CompareUsageError: one scenario and no side settings (nothing to compare).
        ScenarioNotFound: a scenario is neither a file nor a bundled name.
    """
    from gomemtui.scenario.bundled import find_scenario

    if second is None and left is None and right is None:
        raise CompareUsageError(
            "compare: give two scenarios (compare A B), or one scenario with settings for a side "
            "(compare A --left GOGC=50 --right GOGC=200)")
    first_path = find_scenario(first)
    second_path = first_path if second is None else find_scenario(second)
    own_left, own_right = left or Overrides(), right or Overrides()
    return (CompareSide("left", first_path, base.merged(own_left), own_left),
            CompareSide("right", second_path, base.merged(own_right), own_right))


def load_side(side: CompareSide) -> Program:
    """Load, check and compile one side, its real-cost budget checked with its settings.

    Raises:
        ScenarioError: the file's problems, or the budget's with the side's settings
            (`file:line: message`, the message naming the side and its settings).
    """
    from gomemtui.scenario.compiler import compile_scenario
    from gomemtui.scenario.errors import ScenarioError
    from gomemtui.scenario.loader import load_scenario

    model = load_scenario(side.path)  # checked, and budgeted with the file's settings
    problems = _budget_with_settings(model, side)
    if problems:
        raise ScenarioError(problems)
    return compile_scenario(model, side.overrides)


def _budget_with_settings(model: Scenario, side: CompareSide) -> list:
    """The budget's problems when the side's settings differ from the file's `[runtime]`."""
    from gomemtui.scenario.budget import budget_problems_with

    problems, shown = budget_problems_with(model, side.overrides)
    return [dataclasses.replace(p, message=f"{p.message} (the {side.side} side, with {shown})") for p in problems]
