"""The string operations in scenario files: a table of broken steps and what their errors
say, the `check` hints, goroutine-local names inside `concat`'s parts, and a scenario that
loads, compiles and runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.read.build import json_state
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import check_file, compile_scenario, load_text
from gomemtui.scenario.errors import ScenarioError
from gomemtui.scenario.hints import source_warnings
from tests.scenario.broken_cases import PRELUDE, steps

BYTES = 'do = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = 10'
INTS = 'do = "make_slice"\nvar = "nums"\nelem = "int"\nlen = 10'
S = 'do = "make_string"\nvar = "s"\nlen = 10'
MAP = 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"'

CASES: list[tuple[str, str, list[str]]] = [
    ("make_string_without_len_or_from", PRELUDE + '\n[[step]]  # <-\nline = 4\ndo = "make_string"\nvar = "s"\n',
     ['missing field "len" or "from"', "string(b)"]),
    ("make_string_with_len_and_from", PRELUDE + steps(BYTES, 'do = "make_string"\nvar = "s"\nlen = 3\n'
                                                              'from = "buf"  # <-'),
     ["either len", "or from", "not both"]),
    ("make_string_from_ints", PRELUDE + steps(INTS, 'do = "make_string"\nvar = "s"\nfrom = "nums"  # <-'),
     ['from = "nums" is a []int', "make_slice at line", 'elem = "byte"']),
    ("make_string_from_map", PRELUDE + steps(MAP, 'do = "make_string"\nvar = "s"\nfrom = "m"  # <-'),
     ['from = "m" is a map', "make_string needs a slice or a string"]),
    ("make_string_negative_len", PRELUDE + steps('do = "make_string"\nvar = "s"\nlen = -1  # <-'),
     ["len", "must not be negative"]),
    ("make_string_too_big", PRELUDE + steps('do = "make_string"\nvar = "s"\nlen = 5_000_000_000  # <-'),
     ["len = 5000000000 B", "of simulated heap", "the limit is 4 GiB"]),
    ("make_string_bad_escape", PRELUDE + steps('do = "make_string"\nvar = "s"\nlen = 3\nescape = "stak"  # <-'),
     ['"heap" or "stack"', 'did you mean "stack"']),
    ("make_string_over_a_slice", PRELUDE + steps(BYTES, 'do = "make_string"\nvar = "buf"  # <-\nlen = 3'),
     ['var = "buf": buf is already a slice', "drop it first"]),
    ("concat_one_part", PRELUDE + steps(S, 'do = "concat"\nvar = "t"\nparts = ["s"]  # <-'),
     ["parts", "at least two parts, got 1"]),
    ("concat_parts_not_an_array", PRELUDE + steps(S, 'do = "concat"\nvar = "t"\nparts = "s"  # <-'),
     ["parts", "expected an array of string variables and literal lengths"]),
    ("concat_part_a_boolean", PRELUDE + steps(S, 'do = "concat"\nvar = "t"\nparts = ["s", true]  # <-'),
     ["item 2 (true) is a boolean"]),
    ("concat_part_negative", PRELUDE + steps(S, 'do = "concat"\nvar = "t"\nparts = ["s", -3]  # <-'),
     ["item 2 (-3)", "must not be negative"]),
    ("concat_part_not_a_name", PRELUDE + steps(S, 'do = "concat"\nvar = "t"\nparts = ["s", ":"]  # <-'),
     ['item 2 (":") is not a variable name', "write a literal as its length"]),
    ("concat_part_unknown", PRELUDE + steps('do = "make_string"\nvar = "host"\nlen = 9',
                                            'do = "concat"\nvar = "t"\nparts = ["hots", 1, "host"]  # <-'),
     ['parts = "hots": no such variable', 'did you mean "host"']),
    ("concat_part_a_slice", PRELUDE + steps(S, INTS, 'do = "concat"\nvar = "t"\nparts = ["s", "nums"]  # <-'),
     ['parts = "nums" is a slice', "concat needs a string"]),
    ("concat_part_dropped", PRELUDE + steps(S, 'do = "drop"\nvar = "s"',
                                            'do = "concat"\nvar = "t"\nparts = ["s", 2]  # <-'),
     ['parts = "s": s was dropped at line', "no longer exists"]),
    ("substring_high_past_len", PRELUDE + steps(S, 'do = "substring"\nvar = "t"\nfrom = "s"\nhigh = 20  # <-'),
     ["high = 20 is out of range: s has len 10",
      "panic: runtime error: slice bounds out of range [:20] with length 10"]),
    ("substring_low_over_high", PRELUDE + steps(S, 'do = "substring"\nvar = "t"\nfrom = "s"\nlow = 5  # <-\n'
                                                   'high = 3'),
     ["low = 5 is greater than high = 3", "slice bounds out of range [5:3]"]),
    ("substring_low_past_len", PRELUDE + steps(S, 'do = "substring"\nvar = "t"\nfrom = "s"\nlow = 12  # <-'),
     ["low = 12 is out of range: s has len 10", "slice bounds out of range [12:10]"]),
    ("substring_of_a_slice", PRELUDE + steps(INTS, 'do = "substring"\nvar = "t"\nfrom = "nums"  # <-\nhigh = 2'),
     ['from = "nums" is a slice', "substring needs a string"]),
    ("substring_of_itself_repeated_past_its_len", PRELUDE + steps(S, 'do = "substring"\nvar = "s"\nlow = 4  # <-\n'
                                                                     'repeat = 3'),
     ["low = 4 is out of range: s has len 2", "[4:2]"]),
    ("string_bytes_without_from", PRELUDE + steps(S) + '\n[[step]]  # <-\nline = 4\ndo = "string_bytes"\nvar = "b"\n',
     ['missing field "from"']),
    ("string_bytes_of_a_slice", PRELUDE + steps(BYTES, 'do = "string_bytes"\nvar = "b"\nfrom = "buf"  # <-'),
     ['from = "buf" is a slice', "string_bytes needs a string"]),
    ("append_to_a_string", PRELUDE + steps(S, 'do = "append"\nvar = "s"  # <-'),
     ['var = "s" is a string', "append needs a slice"]),
    ("reslice_a_string", PRELUDE + steps(S, 'do = "reslice"\nvar = "t"\nfrom = "s"  # <-\nhigh = 2'),
     ['from = "s" is a string', "reslice needs a slice"]),
]


def _marked_line(text: str) -> int:
    marked = [i for i, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("# <-")]
    assert len(marked) == 1, "each case marks exactly one line with '# <-'"
    return marked[0]


@pytest.mark.parametrize(("case_id", "text", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_string_step_is_reported_at_its_key(tmp_path: Path, case_id: str, text: str,
                                                     words: list[str]) -> None:
    path = tmp_path / f"{case_id}.toml"
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    line = _marked_line(text)
    listing = "\n".join(str(p) for p in problems)
    at_line = [p for p in problems if p.line == line and not p.warning]
    assert at_line, f"{case_id}: no problem at line {line}:\n{listing}"
    assert any(all(w in p.message for w in words) for p in at_line), (
        f"{case_id}: no problem at line {line} says {words}:\n{listing}")
    assert all(str(p).startswith(f"{path}:") for p in problems)


GOOD = '''[scenario]
title = "strings"

[source]
code = """
package main

import "strings"

var kept string

func main() {
	buf := make([]byte, 4096)
	body := string(buf)
	id := body[8:24]
	key := id + ":" + id
	raw := []byte(key)
	kept = strings.Clone(id)
	_, _ = raw, body
}
"""
'''

GOOD_STEPS = steps(
    'line = 8\ndo = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = 4096',
    'line = 9\ndo = "make_string"\nvar = "body"\nfrom = "buf"',
    'line = 10\ndo = "substring"\nvar = "id"\nfrom = "body"\nlow = 8\nhigh = 24',
    'line = 11\ndo = "concat"\nvar = "key"\nparts = ["id", 1, "id"]',
    'line = 12\ndo = "string_bytes"\nvar = "raw"\nfrom = "key"',
    'line = 13\ndo = "make_string"\nvar = "kept"\nfrom = "id"',
    'line = 13\ndo = "global"\nvar = "kept"',
)


def test_a_scenario_of_string_steps_checks_clean_and_runs() -> None:
    scenario = load_text(GOOD + GOOD_STEPS, "good.toml")
    assert source_warnings(scenario) == []
    program = compile_scenario(scenario)
    assert program.steps[3].op == ops.Concat("key", ("id", 1, "id"))
    assert program.steps[2].op == ops.Substring("id", "body", 8, 24)
    timeline = Timeline(program)
    while not timeline.at_end:
        timeline.step()
    state = json_state(timeline.runtime)["vars"]
    assert state["key"] == {"kind": "string", "len": 33, "array_bytes": 48, "shared_with": []}
    assert state["raw"] == {"kind": "slice", "len": 33, "cap": 48, "array_bytes": 48}
    assert state["id"]["array_bytes"] == 4096 and state["id"]["shared_with"] == ["body"]
    assert state["kept"]["array_bytes"] == 16


def test_a_substring_defaults_to_reslicing_its_own_variable() -> None:
    program = compile_scenario(load_text(GOOD + steps(
        'line = 9\ndo = "make_string"\nvar = "body"\nlen = 100',
        'line = 10\ndo = "substring"\nvar = "body"\nlow = 10\nrepeat = 3'), "own.toml"))
    timeline = Timeline(program)
    while not timeline.at_end:
        timeline.step()
    assert json_state(timeline.runtime)["vars"]["body"]["len"] == 70


@pytest.mark.parametrize(("do", "line", "fields", "lacks"), [
    ("make_string", 10, 'from = "body"', "has neither `string(` nor `Clone(`"),
    ("concat", 10, 'parts = ["body", 1]', "has no `+`"),
    ("substring", 12, 'from = "body"\nhigh = 2', "has no slice expression"),
    ("string_bytes", 10, 'from = "body"', "has no `[]byte(` conversion"),
])
def test_a_string_step_on_a_line_that_does_not_look_like_it_is_warned_about(do, line, fields, lacks) -> None:
    text = GOOD + steps('line = 9\ndo = "make_string"\nvar = "body"\nlen = 100',
                        f'line = {line}\ndo = "{do}"\nvar = "x"\n{fields}')
    warnings = source_warnings(load_text(text, "w.toml"))
    assert len(warnings) == 1 and lacks in warnings[0].message


def test_a_string_of_len_bytes_may_stand_on_any_call() -> None:
    """strconv.Itoa, fmt.Sprint, io.ReadAll: no spelling to look for."""
    text = GOOD + steps('line = 12\ndo = "make_string"\nvar = "body"\nlen = 100')
    assert source_warnings(load_text(text, "w.toml")) == []


WORKERS = '''
[[goroutine]]
name = "w1"

[[goroutine]]
name = "w2"
'''


def _in(g: str, body: str) -> str:
    return f'in = "{g}"\n{body}'


def test_concat_parts_name_each_goroutines_own_string() -> None:
    text = GOOD + WORKERS + steps(
        'do = "go"\ngoroutine = "w1"', 'do = "go"\ngoroutine = "w2"',
        _in("w1", 'do = "make_string"\nvar = "name"\nlen = 40'),
        _in("w2", 'do = "make_string"\nvar = "name"\nlen = 100'),
        _in("w2", 'do = "concat"\nvar = "full"\nparts = ["name", 2, "name"]'))
    program = compile_scenario(load_text(text, "scoped.toml"))
    assert program.steps[-1].op.parts == ("name@w2", 2, "name@w2")
    timeline = Timeline(program)
    while not timeline.at_end:
        timeline.step()
    assert json_state(timeline.runtime)["vars"]["full"]["len"] == 202


def test_a_concat_part_that_is_another_goroutines_local_is_a_problem() -> None:
    text = GOOD + WORKERS + steps(
        'do = "go"\ngoroutine = "w1"', 'do = "go"\ngoroutine = "w2"',
        _in("w1", 'do = "make_string"\nvar = "name"\nlen = 40'),
        _in("w2", 'do = "concat"\nvar = "full"\nparts = ["name", 2]'))
    with pytest.raises(ScenarioError) as info:
        load_text(text, "crossing.toml")
    messages = [p.message for p in info.value.problems]
    assert any('parts names "name", a local variable of goroutine w1' in m and "runs in w2" in m
               for m in messages), messages
