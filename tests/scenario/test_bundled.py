"""Bundled scenarios: installed as package data, found by name, all of them valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.scenario import ScenarioNotFound, check_file, find_scenario, list_bundled, load_scenario
from gomemtui.scenario.bundled import bundled_dir

REPO = Path(__file__).resolve().parents[2]
BUNDLED = list_bundled()


def test_bundled_scenarios_exist_and_have_summaries() -> None:
    assert BUNDLED
    for s in BUNDLED:
        assert s.title and s.summary, s.name


@pytest.mark.parametrize("scenario", BUNDLED, ids=[s.name for s in BUNDLED])
def test_every_bundled_scenario_checks_clean(scenario) -> None:
    assert check_file(scenario.path) == []


@pytest.mark.parametrize("scenario", BUNDLED, ids=[s.name for s in BUNDLED])
def test_every_step_points_at_a_line_of_code_and_explains_itself(scenario) -> None:
    sc = load_scenario(scenario.path)
    lines = sc.source.lines
    for step in sc.steps:
        assert lines[step.source_line - 1].strip(), f"{scenario.name} {step.label}: line {step.source_line} is blank"


def test_find_by_name_with_or_without_suffix_and_prefix(tmp_path: Path, monkeypatch) -> None:
    first = BUNDLED[0]
    assert find_scenario(first.name) == first.path
    assert find_scenario(first.name + ".toml") == first.path
    assert find_scenario(first.short_name) == first.path
    own = tmp_path / "mine.toml"
    own.write_text("x")
    assert find_scenario(str(own)) == own
    monkeypatch.chdir(tmp_path)
    assert find_scenario("mine.toml") == Path("mine.toml")  # a file in the current directory wins


def test_unknown_name_suggests_a_bundled_one() -> None:
    name = BUNDLED[0].short_name
    with pytest.raises(ScenarioNotFound) as info:
        find_scenario(name[:-1] + "x")
    assert f'did you mean "{name}"' in str(info.value) or name in str(info.value)
    with pytest.raises(ScenarioNotFound, match="no such file"):
        find_scenario("nowhere/at/all.toml")


def test_the_scenarios_symlink_at_the_top_points_at_the_package_data() -> None:
    link = REPO / "scenarios"
    assert link.is_symlink()
    assert link.resolve() == bundled_dir().resolve() == (REPO / "gomemtui" / "scenarios").resolve()


def test_pyproject_ships_the_scenarios_as_package_data() -> None:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["gomemtui"]
    assert "scenarios/*.toml" in patterns
