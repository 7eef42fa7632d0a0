"""`check`'s authoring help (scenario/hints.py): a warning when a step's `line` does not
look like its operation; the scenario still loads."""

from __future__ import annotations

import pytest

from gomemtui.scenario import ScenarioError, list_bundled, load_scenario, load_text
from gomemtui.scenario.hints import source_warnings

HEAD = '''[scenario]
title = "hints"

[source]
code = """
package main

import "runtime"

func worker() { select {} }

func main() {
	s := make([]int, 0, 8)
	t := []int{1, 2, 3}
	var u []int
	m := make(map[int]int)
	m[1] = 2
	go worker()
	runtime.GC()
	_, _, _, _ = s, t, u, m // go worker(); runtime.GC(); m[2] = 3
	m[2]++
}
"""

[[goroutine]]
name = "worker"

[[step]]
line = 11
do = "make_map"
var = "m"
key = "int"
value = "int"
'''


def scenario(body: str) -> str:
    """HEAD (which makes the map `m` at line 11) and one more step: `body`, whose `line`
    key is the TOML line STEP_LINE."""
    return HEAD + "\n[[step]]\n" + body.strip() + "\n"


STEP_LINE = HEAD.count("\n") + 3
"""The TOML line of the `line = ...` key of the step `scenario` adds: after HEAD's lines,
a blank line and `[[step]]`."""

# (id, the step, words its one warning must contain; None: no warning)
CASES: list[tuple[str, str, list[str] | None]] = [
    ("go_on_its_line", 'line = 13\ndo = "go"\ngoroutine = "worker"', None),
    ("go_on_a_brace", 'line = 17\ndo = "go"\ngoroutine = "worker"',
     ["step 2 (go)", "line = 17 is `}`", "`go `", "off by one"]),
    ("go_in_a_comment_only", 'line = 15\ndo = "go"\ngoroutine = "worker"', ["step 2 (go)", "line = 15"]),
    ("gc_on_runtime_gc", 'line = 14\ndo = "gc"', None),
    ("gc_on_a_go_statement", 'line = 13\ndo = "gc"', ["step 2 (gc)", "`go worker()`", "runtime.GC()"]),
    ("make_slice_on_make", 'line = 8\ndo = "make_slice"\nvar = "s"\nelem = "int"\ncap = 8', None),
    ("make_slice_on_a_literal", 'line = 9\ndo = "make_slice"\nvar = "t"\nelem = "int"\nlen = 3', None),
    ("nil_slice_on_var", 'line = 10\ndo = "make_slice"\nvar = "u"\nelem = "int"', None),
    ("make_slice_with_cap_on_var", 'line = 10\ndo = "make_slice"\nvar = "u"\nelem = "int"\ncap = 8',
     ["step 2 (make_slice)", "`var u []int`", "make("]),
    ("make_slice_on_an_index_assignment", 'line = 12\ndo = "make_slice"\nvar = "s"\nelem = "int"',
     ["make_slice", "`m[1] = 2`"]),
    ("map_insert_on_an_assignment", 'line = 12\ndo = "map_insert"\nvar = "m"', None),
    ("map_insert_on_an_increment", 'line = 16\ndo = "map_insert"\nvar = "m"', None),
    ("map_insert_on_make", 'line = 11\ndo = "map_insert"\nvar = "m"',
     ["step 2 (map_insert)", "index assignment"]),
    ("map_insert_on_a_comment", 'line = 15\ndo = "map_insert"\nvar = "m"', ["map_insert", "line = 15"]),
    ("other_operations_are_not_looked_at", 'line = 17\ndo = "map_clear"\nvar = "m"', None),
    ("loop_body_on_the_loops_line", 'line = 7\ndo = "loop"\ntimes = 2\nbody = [ { do = "gc" } ]', None),
    ("loop_body_with_its_own_line", 'line = 7\ndo = "loop"\ntimes = 2\nbody = [ { line = 8, do = "gc" } ]',
     ["step 2, body item 1 (gc)", "line = 8"]),
]


@pytest.mark.parametrize(("text", "words"), [(t, w) for _, t, w in CASES], ids=[c[0] for c in CASES])
def test_a_step_whose_line_does_not_look_like_its_operation_is_warned_about(
        text: str, words: list[str] | None) -> None:
    model = load_text(scenario(text), "hints.toml")  # loads: a warning is not an error
    warnings = source_warnings(model)
    if words is None:
        assert warnings == []
        return
    assert len(warnings) == 1
    warning = warnings[0]
    # at the step's `line` key; a body item's, on the `body = [...]` line that holds it
    line = STEP_LINE + next((i for i, row in enumerate(text.splitlines()) if row.startswith("body")), 0)
    assert warning.warning and warning.line == line
    assert str(warning).startswith(f"hints.toml:{line}: warning: ")
    for word in words:
        assert word in warning.message


def test_the_head_alone_gives_no_warning() -> None:
    assert source_warnings(load_text(HEAD, "hints.toml")) == []


def test_a_file_with_errors_carries_its_warnings_apart() -> None:
    text = scenario('line = 17\ndo = "go"\ngoroutine = "nobody"')
    with pytest.raises(ScenarioError) as raised:
        load_text(text + '\n[[step]]\nline = 17\ndo = "gc"\n', "hints.toml")
    assert [p.warning for p in raised.value.problems] == [False]
    assert "nobody" in raised.value.problems[0].message
    assert [(w.line, w.warning) for w in raised.value.warnings] == [(STEP_LINE, True), (STEP_LINE + 5, True)]


@pytest.mark.parametrize("bundled", list_bundled(), ids=lambda b: b.short_name)
def test_no_bundled_scenario_gives_a_warning(bundled) -> None:
    assert [str(w) for w in source_warnings(load_scenario(bundled.path))] == []

