"""docs/scenario-format.md documents every table, key and operation, and its examples load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gomemtui.scenario import load_text
from gomemtui.scenario.spec import (
    GOROUTINE_KEYS, OPS, RUNTIME_KEYS, SCENARIO_KEYS, SOURCE_KEYS, STEP_KEYS, TOP_LEVEL_TABLES, TYPE_KEYS,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text()


def _section(title: str) -> str:
    """The text from heading `title` to the next heading of the same or a higher level."""
    start = DOC.index(title)
    level = title.split(" ")[0]
    ends = [DOC.find("\n" + "#" * n + " ", start + 1) for n in range(2, len(level) + 1)]
    ends = [e for e in ends if e > 0]
    return DOC[start:min(ends) if ends else None]


@pytest.mark.parametrize("op", sorted(OPS))
def test_every_operation_and_its_fields_are_documented(op: str) -> None:
    table = _section("## Operations")
    row = next((line for line in table.splitlines() if line.startswith(f"| `{op}` |")), None)
    assert row is not None, f"no row for {op}"
    for field in OPS[op].field_names:
        assert f"`{field}`" in row, f"{op}: field {field} not documented"


@pytest.mark.parametrize(("keys", "section"), [
    (SCENARIO_KEYS, "### `[scenario]`"), (RUNTIME_KEYS, "### `[runtime]`"), (SOURCE_KEYS, "### `[source]`"),
    (TYPE_KEYS, "### `[types.NAME]`"), (GOROUTINE_KEYS, "### `[[goroutine]]`"), (STEP_KEYS, "## Keys of every step"),
])
def test_every_key_of_every_table_is_documented(keys, section: str) -> None:
    text = _section(section)
    for key in keys:
        assert f"| `{key}` |" in text, f"{key} not documented under {section}"


def test_every_table_is_documented() -> None:
    for written in TOP_LEVEL_TABLES.values():
        assert f"`{written}`" in DOC


def test_the_worked_example_checks_clean() -> None:
    example = re.search(r"## A worked example\n\n```toml\n(.*?)```", DOC, re.S)
    assert example
    scenario = load_text(example.group(1), "example.toml")
    lines = scenario.source.lines
    assert lines[0] == "package main"
    assert "make([]int, 0, 1000)" in lines[scenario.steps[0].source_line - 1]


def test_both_loop_body_syntaxes_in_the_docs_parse() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", _section("## Loops and repeat"), re.S)
    assert len(blocks) == 2
    prelude = ('[scenario]\ntitle = "x"\n[source]\ncode = """\n' + "x\n" * 20 + '"""\n'
               '[types.Node]\nsize = 24\npointers = ["next"]\n'
               '[[step]]\nline = 1\ndo = "assign"\ntarget = "head"\nvalue = "nil"\n')
    for block in blocks:
        load_text(prelude + block, "loop.toml")
