"""docs/scenario-format.md documents every table, key and operation as the spec declares
them (kind, required, default), and its examples load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gomemtui.scenario import load_text
from gomemtui.scenario.limits import (
    MAX_FILE_BYTES, MAX_HEAP_BYTES, MAX_KEY_DEPTH, MAX_LOOP_NESTING, MAX_MAP_ENTRIES, MAX_OPERATIONS,
)
from gomemtui.scenario.reference import fields_cell, shown_default
from gomemtui.scenario.spec import (
    GOROUTINE_KEYS, OPS, RUNTIME_KEYS, SCENARIO_KEYS, SOURCE_KEYS, STEP_KEYS, TOP_LEVEL_TABLES, TYPE_KEYS,
    FieldSpec, Kind,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text()


def _section(title: str) -> str:
    """The text from heading `title` to the next heading of the same or a higher level."""
    start = DOC.index(title)
    level = title.split(" ")[0]
    ends = [DOC.find("\n" + "#" * n + " ", start + 1) for n in range(2, len(level) + 1)]
    ends = [e for e in ends if e > 0]
    return DOC[start:min(ends) if ends else None]


def _rows(section: str) -> dict[str, list[str]]:
    """The rows of the tables in `section`: first cell without backticks -> the other cells."""
    rows: dict[str, list[str]] = {}
    for line in _section(section).splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_operation_table_has_one_row_per_operation_in_the_spec_order() -> None:
    assert list(_rows("## Operations")) == list(OPS)


@pytest.mark.parametrize("op", list(OPS))
def test_the_operation_table_gives_every_fields_kind_requirement_and_default(op: str) -> None:
    """The "fields" cell lists each field of the spec with its kind, "required" or its
    default; to update it, paste the row `python -m gomemtui.scenario.reference` prints."""
    fields = _rows("## Operations")[op][0]
    assert fields == fields_cell(OPS[op])
    for spec in OPS[op].fields:
        assert f"`{spec.name}` (" in fields


def test_the_operation_table_writes_defaults_as_a_scenario_would() -> None:
    """A few cells written out by hand, so the rendering itself is checked too."""
    ops = _rows("## Operations")
    assert "`frame` (integer ≥ 1, default `176`)" in ops["call"][0]
    assert "`cap` (integer ≥ 0, default `len`)" in ops["make_slice"][0]
    assert '`escape` (`"heap"` or `"stack"`, default `"heap"`)' in ops["new"][0]
    assert "`goroutine` (goroutine, default `in`)" in ops["exit"][0]
    assert "`var` (new sync.Pool, required)" in ops["pool_new"][0]
    assert ops["gc"][0] == "—"


_TABLES = [
    (SCENARIO_KEYS, "### `[scenario]`"), (RUNTIME_KEYS, "### `[runtime]`"), (SOURCE_KEYS, "### `[source]`"),
    (TYPE_KEYS, "### `[types.NAME]`"), (GOROUTINE_KEYS, "### `[[goroutine]]`"), (STEP_KEYS, "## Keys of every step"),
]


@pytest.mark.parametrize(("keys", "section"), _TABLES)
def test_every_key_of_every_table_is_documented(keys: dict[str, FieldSpec], section: str) -> None:
    rows = _rows(section)
    assert sorted(rows) == sorted(keys), f"keys documented under {section}"


@pytest.mark.parametrize(("keys", "section"), _TABLES)
def test_every_key_table_gives_the_specs_kind_and_default(keys: dict[str, FieldSpec], section: str) -> None:
    """Type column: starts with the kind's first word; default column: "required", or
    starts with the default as TOML writes it (`100`, `"off"`, `[]`)."""
    for key, (kind, default, _meaning) in _rows(section).items():
        spec = keys[key]
        assert kind.split()[0].strip(",`") == spec.kind.value.split()[0].strip(",`"), f"{section} {key}: type"
        expected = "required" if spec.required else shown_default(spec)
        if expected is not None:
            assert default.startswith(expected), f"{section} {key}: default {default!r}, spec {expected!r}"


def test_the_runtime_table_gives_gos_defaults() -> None:
    rows = _rows("### `[runtime]`")
    assert rows["gogc"][1] == "`100`"
    assert rows["gomemlimit"][1] == '`"off"`'
    assert rows["gomaxprocs"][1] == "`4`"
    assert rows["globals_bytes"][1] == "`165258`"


def test_the_units_section_names_every_size_and_integer_field() -> None:
    text = _section("## Sizes and units")
    fields = {f.name: f for op in OPS.values() for f in op.fields}
    fields.update(RUNTIME_KEYS)
    for name, spec in fields.items():
        if spec.kind in (Kind.INT, Kind.SIZE, Kind.MEMORY_LIMIT):
            assert f"`{name}`" in text, name


def test_the_limits_table_gives_the_limits_the_checker_applies() -> None:
    values = [line.split(" | ")[-1].rstrip(" |") for line in _section("## Limits").splitlines()
              if line.startswith("| ") and not line.startswith(("| limit", "|---"))]
    assert values == [f"{MAX_HEAP_BYTES >> 30} GiB", f"{MAX_OPERATIONS:,}", f"{MAX_MAP_ENTRIES:,}",
                      str(MAX_LOOP_NESTING), f"{MAX_FILE_BYTES >> 20} MiB", str(MAX_KEY_DEPTH)]


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
