"""Scenario files: the TOML format, its loader and checker, and the compiler to runtime ops.

    from gomemtui.scenario import load_program
    program = load_program("tour")          # a bundled name or a path; ScenarioError if broken

`load_scenario` gives the checked model (`model.Scenario`), `compile_scenario` the
runtime's `Program`; problems come as `ScenarioError.problems` (`path:line: message`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from gomemtui.runtime.ops import Program
from gomemtui.scenario.bundled import ScenarioNotFound, find_scenario, list_bundled
from gomemtui.scenario.compiler import compile_scenario
from gomemtui.scenario.errors import Problem, ScenarioError
from gomemtui.scenario.loader import check_file, load_scenario, load_text
from gomemtui.scenario.model import Scenario
from gomemtui.scenario.settings import Overrides, SettingsError, overrides_from_env

__all__ = [
    "Overrides",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioNotFound",
    "SettingsError",
    "check_file",
    "compile_scenario",
    "find_scenario",
    "list_bundled",
    "load_program",
    "load_scenario",
    "load_text",
]


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
    path = find_scenario(str(scenario))
    model = load_scenario(path)
    merged = overrides_from_env(os.environ if env is None else env)
    if overrides is not None:
        merged = merged.merged(overrides)
    return compile_scenario(model, merged)
