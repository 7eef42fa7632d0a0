"""The values operations from a scenario file to the runtime: set_elem (`s[i] = p`)."""

from __future__ import annotations

from gomemtui import headless
from gomemtui.runtime.read.build import why_alive
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text

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
