"""A table of broken scenario files: each error names the field and value, at the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.scenario import ScenarioError, check_file, load_text
from tests.scenario.broken_cases import CASES, PRELUDE, steps


def _marked_line(text: str) -> int:
    marked = [i for i, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("# <-")]
    assert len(marked) == 1, "each case marks exactly one line with '# <-'"
    return marked[0]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({case_id for case_id, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("case_id", "text", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_reports_field_value_and_line(tmp_path: Path, case_id: str, text: str, words: list[str]) -> None:
    path = tmp_path / f"{case_id}.toml"
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    assert problems, f"{case_id}: expected a problem"
    line = _marked_line(text)
    at_line = [p for p in problems if p.line == line]
    listing = "\n".join(str(p) for p in problems)
    assert at_line, f"{case_id}: no problem at line {line}:\n{listing}"
    assert any(all(w in p.message for w in words) for p in at_line), (
        f"{case_id}: no problem at line {line} says {words}:\n{listing}")
    for p in problems:
        assert str(p).startswith(f"{path}:"), str(p)


def test_every_problem_is_reported_at_once() -> None:
    text = PRELUDE + steps(
        'do = "apend"\nvar = "x"',
        'do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 10\ncap = 5',
        'do = "drop"\nvar = "nothere"',
        'line = 99\ndo = "gc"',
    )
    with pytest.raises(ScenarioError) as info:
        load_text(text, "many.toml")
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 4, messages
    assert [p.line for p in info.value.problems] == sorted(p.line for p in info.value.problems)


def test_problems_print_as_path_line_message() -> None:
    with pytest.raises(ScenarioError) as info:
        load_text(PRELUDE + steps('do = "gc"\nin = "nobody"'), "x.toml")
    text = str(info.value.problems[0])
    assert text.startswith("x.toml:")
    assert text.split(":")[1].isdigit()


def test_a_bad_step_does_not_cascade_into_later_steps() -> None:
    # the make_slice has a bad elem type, but nums is still known afterwards
    text = PRELUDE + steps('do = "make_slice"\nvar = "nums"\nelem = "itn"',
                           'do = "append"\nvar = "nums"', 'do = "drop"\nvar = "nums"')
    with pytest.raises(ScenarioError) as info:
        load_text(text, "x.toml")
    assert len(info.value.problems) == 1
    assert "itn" in info.value.problems[0].message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", ["empty"]),
        (b"   \n\n", ["empty"]),
        (b"\x00\x01\x02binary", ["not a text file", "NUL"]),
        (b"[scenario]\ntitle = \"\xff\xfe\"\n", ["not UTF-8", "0xff"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["not a text file"]),
    ],
    ids=["empty", "blank", "binary", "latin1", "png"],
)
def test_empty_and_binary_files_are_refused_cleanly(tmp_path: Path, raw: bytes, words: list[str]) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(raw)
    problems = check_file(path)
    assert len(problems) == 1
    assert all(w in problems[0].message for w in words), problems[0]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "no such file" in check_file(tmp_path / "nope.toml")[0].message
    assert "directory" in check_file(tmp_path)[0].message


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * (2 << 20))
    assert "at most 1 MiB" in check_file(path)[0].message


def test_deeply_nested_toml_is_an_error_not_a_crash() -> None:
    with pytest.raises(ScenarioError) as info:
        load_text("a = " + "[" * 5000 + "]" * 5000, "deep.toml")
    assert "nested too deeply" in info.value.problems[0].message or "invalid TOML" in info.value.problems[0].message
