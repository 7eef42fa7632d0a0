"""The checker on per-key maps, finalizers, cleanups, weak pointers and FreeOSMemory:
broken files say what Go would say, at the key's line; good ones load and warn only
when a step's line does not look like its call."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.scenario import check_file, load_text
from gomemtui.scenario.hints import source_warnings
from tests.scenario.broken_cases import PRELUDE, TYPES, steps

NODE = 'do = "new"\nvar = "head"\ntype = "Node"'
STACK_NODE = 'do = "new"\nvar = "head"\ntype = "Node"\nescape = "stack"'
NIL_PTR = 'do = "assign"\ntarget = "p"\nvalue = "nil"'
STRING_MAP = 'do = "make_map"\nvar = "m"\nkey = "string"\nvalue = "*Node"'
INT_MAP = 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"'
BYTE_MAP = 'do = "make_map"\nvar = "m"\nkey = "uint8"\nvalue = "*Node"'

# (id, text, words the error at the `# <-` line must contain)
BROKEN: list[tuple[str, str, list[str]]] = [
    ("key_and_count", PRELUDE + steps(INT_MAP, 'do = "map_insert"\nvar = "m"\ncount = 2\nkey = 3  # <-'),
     ["either count", "or key", "not both"]),
    ("int_key_for_string_map", PRELUDE + TYPES + steps(STRING_MAP, 'do = "map_insert"\nvar = "m"\nkey = 7  # <-'),
     ["key = 7", "string keys", 'key = "7"']),
    ("string_key_for_int_map", PRELUDE + steps(INT_MAP, 'do = "map_delete"\nvar = "m"\nkey = "seven"  # <-'),
     ['key = "seven"', "int keys", "integer"]),
    ("key_overflows", PRELUDE + TYPES + steps(BYTE_MAP, 'do = "map_insert"\nvar = "m"\nkey = 300  # <-'),
     ["key = 300", "uint8", "overflows"]),
    ("key_not_a_key", PRELUDE + steps(INT_MAP, 'do = "map_insert"\nvar = "m"\nkey = true  # <-'),
     ["expected a key", "integer", "string"]),
    ("value_into_values_without_pointers", PRELUDE + TYPES + steps(
        NODE, INT_MAP, 'do = "map_insert"\nvar = "m"\nkey = 1\nvalue = "head"  # <-'),
     ['value = "head"', "int", "hold no pointers"]),
    ("value_into_indirect_values", PRELUDE + '\n[types.Big]\nsize = 200\npointers = ["p"]\n' + TYPES + steps(
        NODE, 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "Big"',
        'do = "map_insert"\nvar = "m"\nkey = 1\nvalue = "head"  # <-'),
     ["Big (200 B)", "outside the groups"]),
    ("value_is_a_stack_object", PRELUDE + TYPES + steps(
        STACK_NODE, STRING_MAP, 'do = "map_insert"\nvar = "m"\nkey = "a"\nvalue = "head"  # <-'),
     ['value = "head" points to a stack object', "escapes to heap"]),
    ("value_is_a_map", PRELUDE + TYPES + steps(
        STRING_MAP, 'do = "map_insert"\nvar = "m"\nkey = "a"\nvalue = "m"  # <-'),
     ['value = "m" is a map', "needs a pointer"]),
    ("delete_key_and_all", PRELUDE + steps(INT_MAP, 'do = "map_delete"\nvar = "m"\nall = true\nkey = 1  # <-'),
     ["either key", "count or all"]),
    ("finalizer_twice", PRELUDE + TYPES + steps(
        NODE, 'do = "set_finalizer"\nvar = "head"', 'do = "assign"\ntarget = "q"\nvalue = "head"',
        'do = "set_finalizer"\nvar = "q"  # <-'),
     ['var = "q"', "finalizer already", "finalizer already set"]),
    ("finalizer_on_nil", PRELUDE + steps(NIL_PTR, 'do = "set_finalizer"\nvar = "p"  # <-'),
     ["p is nil", "pointer not in allocated block"]),
    ("finalizer_on_a_map", PRELUDE + steps(INT_MAP, 'do = "set_finalizer"\nvar = "m"  # <-'),
     ['var = "m" is a map', "set_finalizer needs a pointer"]),
    ("finalizer_on_a_stack_object", PRELUDE + TYPES + steps(STACK_NODE, 'do = "set_finalizer"\nvar = "head"  # <-'),
     ["stack object", "SetFinalizer", "escapes to heap"]),
    ("cleanup_on_nil", PRELUDE + steps(NIL_PTR, 'do = "add_cleanup"\nvar = "p"  # <-'),
     ["p is nil", "AddCleanup: ptr is nil"]),
    ("weak_from_a_map", PRELUDE + steps(INT_MAP, 'do = "weak_make"\nvar = "w"\nfrom = "m"  # <-'),
     ['from = "m" is a map', "weak_make needs a pointer"]),
    ("weak_from_a_stack_object", PRELUDE + TYPES + steps(
        STACK_NODE, 'do = "weak_make"\nvar = "w"\nfrom = "head"  # <-'), ["stack object", "weak.Make"]),
    ("value_of_a_pointer", PRELUDE + TYPES + steps(NODE, 'do = "weak_value"\nvar = "p"\nfrom = "head"  # <-'),
     ['from = "head" is a pointer', "weak_value needs a weak pointer"]),
    ("weak_used_as_pointer", PRELUDE + TYPES + steps(
        NODE, 'do = "weak_make"\nvar = "w"\nfrom = "head"', 'do = "assign"\ntarget = "x"\nvalue = "w"  # <-'),
     ['value = "w" is a weak pointer', "assign needs a pointer"]),
    ("weak_value_of_a_nil_weak_then_field", PRELUDE + TYPES + steps(
        NIL_PTR, 'do = "weak_make"\nvar = "w"\nfrom = "p"', 'do = "weak_value"\nvar = "v"\nfrom = "w"',
        'do = "assign"\ntarget = "v.next"  # <-\nvalue = "nil"'), ["v is nil", "nil pointer dereference"]),
    ("weak_rebinds_a_slice", PRELUDE + TYPES + steps(
        NODE, 'do = "make_slice"\nvar = "w"\nelem = "int"', 'do = "weak_make"\nvar = "w"  # <-\nfrom = "head"'),
     ['var = "w"', "already a slice"]),
]


def _marked_line(text: str) -> int:
    marked = [i for i, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith("# <-")]
    assert len(marked) == 1
    return marked[0]


@pytest.mark.parametrize(("case_id", "text", "words"), BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_step_reports_field_value_and_line(tmp_path: Path, case_id: str, text: str, words: list[str]) -> None:
    path = tmp_path / f"{case_id}.toml"
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    line = _marked_line(text)
    listing = "\n".join(str(p) for p in problems)
    assert any(p.line == line and all(w in p.message for w in words) for p in problems), (
        f"{case_id}: no problem at line {line} says {words}:\n{listing}")


GOOD = PRELUDE + TYPES + steps(
    STRING_MAP, NODE,
    'do = "map_insert"\nvar = "m"\nkey = "a"\nvalue = "head"',
    'do = "map_insert"\nvar = "m"\nkey = "a"',  # a present key: a new value, len stays 1
    'do = "map_delete"\nvar = "m"\nkey = "zzz"',  # not in the map: nothing happens (Go too)
    'do = "map_delete"\nvar = "m"\nkey = "a"',
    'do = "map_insert"\nvar = "m"\nkey = "a"\nvalue = "head"',
    'do = "map_insert"\nvar = "m"\ncount = 3\nvalue = "head"',
    'do = "map_delete"\nvar = "m"\ncount = 4',  # the oldest first: "a", then the 3 by count
    'do = "set_finalizer"\nvar = "head"',
    'do = "add_cleanup"\nvar = "head"', 'do = "add_cleanup"\nvar = "head"',
    'do = "weak_make"\nvar = "w"\nfrom = "head"', 'do = "weak_value"\nvar = "p"\nfrom = "w"',
    'do = "drop"\nvar = "head"', 'do = "gc"', 'do = "free_os_memory"',
)


def test_a_program_using_every_runtime_operation_loads() -> None:
    scenario = load_text(GOOD, "good.toml")
    assert [s.do for s in scenario.steps][-1] == "free_os_memory"


def _problems(tmp_path: Path, text: str) -> list:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return check_file(path)


def test_the_checker_counts_named_keys_and_count_keys_together(tmp_path: Path) -> None:
    """After GOOD's steps the map holds none; then 4: deleting 5 is one too many."""
    text = GOOD + steps('do = "map_insert"\nvar = "m"\nkey = "b"', 'do = "map_insert"\nvar = "m"\ncount = 3',
                        'do = "map_delete"\nvar = "m"\ncount = 5  # <-')
    problems = _problems(tmp_path, text)
    assert [p.line for p in problems] == [_marked_line(text)] and "only 4 key(s)" in problems[0].message


def test_deleting_a_named_key_twice_in_a_loop_is_fine(tmp_path: Path) -> None:
    text = PRELUDE + steps(INT_MAP, 'do = "loop"\ntimes = 3\nbody = [ { do = "map_insert", var = "m", key = 1 }, '
                           '{ do = "map_delete", var = "m", key = 1 }, { do = "map_delete", var = "m", key = 1 } ]',
                           'do = "map_delete"\nvar = "m"\ncount = 1  # <-')
    problems = _problems(tmp_path, text)
    assert [p.line for p in problems] == [_marked_line(text)] and "only 0 key(s)" in problems[0].message


SOURCE = '''[scenario]
title = "calls"

[source]
code = """
package main

import (
	"runtime"
	"runtime/debug"
	"weak"
)

func main() {
	p := new(int)
	runtime.SetFinalizer(p, func(*int) {})
	runtime.AddCleanup(p, func(int) {}, 0)
	w := weak.Make[int](p)
	q := w.Value()
	debug.FreeOSMemory()
	_ = q
}
"""
'''


@pytest.mark.parametrize(("body", "warns"), [
    ('line = 11\ndo = "set_finalizer"\nvar = "p"', False),
    ('line = 12\ndo = "set_finalizer"\nvar = "p"', True),
    ('line = 12\ndo = "add_cleanup"\nvar = "p"', False),
    ('line = 11\ndo = "add_cleanup"\nvar = "p"', True),
    ('line = 13\ndo = "weak_make"\nvar = "w"\nfrom = "p"', False),
    ('line = 14\ndo = "weak_make"\nvar = "w"\nfrom = "p"', True),
    ('line = 15\ndo = "free_os_memory"', False),
    ('line = 16\ndo = "free_os_memory"', True),
])
def test_a_call_on_another_line_is_a_warning(body: str, warns: bool) -> None:
    text = SOURCE + '\n[[step]]\nline = 10\ndo = "new"\nvar = "p"\ntype = "int"\n\n[[step]]\n' + body + "\n"
    warnings = source_warnings(load_text(text, "calls.toml"))
    assert bool(warnings) == warns, warnings


def test_weak_value_on_its_line_gives_no_warning() -> None:
    text = (SOURCE + '\n[[step]]\nline = 10\ndo = "new"\nvar = "p"\ntype = "int"\n'
            '\n[[step]]\nline = 13\ndo = "weak_make"\nvar = "w"\nfrom = "p"\n'
            '\n[[step]]\nline = 14\ndo = "weak_value"\nvar = "q"\nfrom = "w"\n'
            '\n[[step]]\nline = 10\ndo = "weak_value"\nvar = "q"\nfrom = "w"\n')
    warnings = source_warnings(load_text(text, "calls.toml"))
    assert len(warnings) == 1 and "`.Value()`" in warnings[0].message
