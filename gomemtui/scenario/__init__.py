"""Scenario files: the TOML format, its loader and checker, and the compiler to runtime ops.

    from gomemtui.scenario import load_program
    program = load_program("tour")          # a bundled name or a path; ScenarioError if broken

`load_scenario` gives the checked model (`model.Scenario`), `compile_scenario` the
runtime's `Program`; problems come as `ScenarioError.problems` (`path:line: message`).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from gomemtui.runtime.program import Program
    from gomemtui.scenario.bundled import ScenarioNotFound, find_scenario, list_bundled
    from gomemtui.scenario.compiler import compile_scenario
    from gomemtui.scenario.errors import Problem, ScenarioError
    from gomemtui.scenario.loader import check_file, load_scenario, load_text
    from gomemtui.scenario.model import Scenario
    from gomemtui.scenario.settings import Overrides, SettingsError, overrides_from_env

# The names below are imported when first used (PEP 562): the checker needs the size
# classes, hence numpy, and `gomemtui SCENARIO` should not pay for that before the
# app's first frame.
_EXPORTS = {
    "ScenarioNotFound": "bundled", "find_scenario": "bundled", "list_bundled": "bundled",
    "compile_scenario": "compiler",
    "Problem": "errors", "ScenarioError": "errors",
    "check_file": "loader", "load_scenario": "loader", "load_text": "loader",
    "Scenario": "model",
    "Overrides": "settings", "SettingsError": "settings", "overrides_from_env": "settings",
}

__all__ = sorted([*_EXPORTS, "load_program"])


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def load_program(
    scenario: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
) -> Program:
    """Load, check and compile a scenario (path or bundled name) into a runtime Program.

    The environment's GOGC / GOMEMLIMIT / GOMAXPROCS (`env`, default os.environ) override
    `[runtime]`, and `overrides` (command-line flags) override both. Raises
    ScenarioNotFound, ScenarioError or SettingsError.
    """
    from gomemtui.scenario.budget import check_budget_with
    from gomemtui.scenario.bundled import find_scenario
    from gomemtui.scenario.compiler import compile_scenario
    from gomemtui.scenario.loader import load_scenario
    from gomemtui.scenario.settings import overrides_from_env

    path = find_scenario(str(scenario))
    model = load_scenario(path)
    merged = overrides_from_env(os.environ if env is None else env)
    if overrides is not None:
        merged = merged.merged(overrides)
    check_budget_with(model, merged)
    return compile_scenario(model, merged)
