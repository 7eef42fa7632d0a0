"""The values operations from a scenario file to the runtime: set_elem (`s[i] = p`)."""

from __future__ import annotations

from gomemtui import headless
from gomemtui.runtime.read.build import why_alive
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text
from gomemtui.scenario.hints import source_warnings

SET_ELEM = '''
[scenario]
title = "one element lets go"

[source]
code = """
package main

type Conn struct{ buf [1024]byte }

func main() {
	conns := make([]*Conn, 3)
	for i := range conns {
		conns[i] = new(Conn)
	}
	conns[1] = nil
	runtime.GC()
}
"""

[types.Conn]
size = 1024

[[step]]
line = 6
do = "make_slice"
var = "conns"
elem = "*Conn"
len = 3

[[step]]
line = 7
do = "loop"
times = 3
body = [
  { do = "new", line = 8, var = "c", type = "Conn" },
  { do = "set_elem", line = 8, var = "conns", index = 0, value = "c" },
  { do = "drop", line = 8, var = "c" },
]

[[step]]
line = 8
do = "new"
var = "second"
type = "Conn"

[[step]]
line = 8
do = "set_elem"
var = "conns"
index = 1
value = "second"

[[step]]
line = 8
do = "drop"
var = "second"

[[step]]
line = 10
do = "set_elem"
var = "conns"
index = 1
value = "nil"

[[step]]
line = 11
do = "gc"
'''


def test_a_set_elem_scenario_runs_and_frees_the_cleared_element() -> None:
    timeline = Timeline(compile_scenario(load_text(SET_ELEM, "set_elem.toml")))
    results = list(headless.walk(timeline))
    store = [e for e in results[3].events if e.kind == "set_elem"]
    assert [e.to_json() for e in store] == [{
        "kind": "set_elem", "var": "conns", "index": 1, "array": "conns[]", "old": None,
        "value": "second"}]
    assert store[0].text == "conns[1] = second (element 1 of conns[]; it held nil)"
    before_clear = results[4].state["heap"]
    cleared = [e for e in results[5].events if e.kind == "set_elem"][0]
    assert cleared.data["old"] == "second"
    assert "second is no longer reached through conns[]" in cleared.text
    after_gc = results[6].state["heap"]
    # one 1024-byte Conn fewer (the loop's first two were overwritten in element 0 and are
    # garbage too): 3 new(Conn) in the loop + second - (2 overwritten + second) = 1 left
    assert after_gc["objects"] == 2  # conns[] (3 × 8 B) and the loop's last Conn
    assert after_gc["alloc_bytes"] == 24 + 1024
    assert before_clear["objects"] == 5
    assert why_alive(timeline.runtime, "second").alive is False
    assert why_alive(timeline.runtime, "c#3").path == ("conns[]", "c#3")


CLOSURE = '''
[scenario]
title = "a handler keeps its buffer"

[source]
code = """
package main

var handler func() int

func main() {
	buf := make([]byte, 4096)
	count := 0
	handler = func() int { count++; return len(buf) + count }
	buf = nil
	runtime.GC()
}
"""

[[step]]
line = 6
do = "make_slice"
var = "buf"
elem = "byte"
len = 4096

[[step]]
line = 8
do = "closure"
var = "handler"
captures = ["buf", { name = "count", type = "int", modified = true }]
escape = "heap"

[[step]]
line = 8
do = "global"
var = "handler"

[[step]]
line = 9
do = "drop"
var = "buf"

[[step]]
line = 10
do = "gc"
'''


def test_a_closure_scenario_allocates_the_closure_and_moves_the_modified_local() -> None:
    timeline = Timeline(compile_scenario(load_text(CLOSURE, "closure.toml")))
    results = list(headless.walk(timeline))
    made = results[1]
    said = [e for e in made.events if e.kind == "closure"]
    # closure: code pointer 8 + buf's header 24 + &count 8 = 40 B (48-byte class); count: 8 B
    assert said[0].text == "handler := func(){…} captures count by reference: closure 40 B + count moved to heap 8 B"
    assert [(e.data["var"], e.data["size"]) for e in made.events if e.kind == "alloc"] == [("count", 8), ("handler", 40)]
    assert made.state["vars"]["handler"] == {"kind": "func", "type": "func()", "bytes": 48}
    after_gc = results[4].state["heap"]
    assert after_gc["objects"] == 3  # buf's array, the closure, count's tiny block: buf's only holder is the closure
    path = why_alive(timeline.runtime, "buf[]")
    assert path.root == "global handler" and path.path == ("handler (func closure)", "buf[]")


def test_a_closure_step_on_a_line_without_a_func_literal_is_warned_about() -> None:
    text = CLOSURE.replace("line = 8\ndo = \"closure\"", "line = 9\ndo = \"closure\"")
    warnings = source_warnings(load_text(text, "closure.toml"))
    assert [w.message for w in warnings] == [
        "step 2 (closure): line = 9 is `buf = nil`, which has no func literal `func(` (is the line off by one?)"]
    assert not source_warnings(load_text(CLOSURE, "closure.toml"))
