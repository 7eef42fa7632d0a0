"""Goroutine-local names: each goroutine's `buf` is its own; naming another's is a problem."""

from __future__ import annotations

import pytest

from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_text
from gomemtui.scenario.errors import ScenarioError

HEAD = """
[scenario]
title = "scopes"

[source]
code = "package main"

[[goroutine]]
name = "w1"

[[goroutine]]
name = "w2"
"""


def _step(text: str) -> str:
    return f"[[step]]\nline = 1\n{text.strip()}\n\n"


def _worker(g: str) -> str:
    return (_step(f'do = "go"\ngoroutine = "{g}"')
            + _step(f'in = "{g}"\ndo = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = 65536')
            + _step(f'in = "{g}"\ndo = "block"'))


def test_each_goroutine_keeps_its_own_buffer_under_one_name():
    model = load_text(HEAD + _worker("w1") + _worker("w2") + _step('do = "gc"'))
    timeline = Timeline(compile_scenario(model))
    while not timeline.at_end:
        timeline.step()
    view = RuntimeReader(timeline.runtime).view()
    assert sorted(v.name for v in view.vars) == ["buf@w1", "buf@w2"]
    # two 64 KiB large objects (8 pages each, real Go's 65536-byte HeapAlloc per buffer),
    # and the runtime's own: a 480 B g and a 112 B sudog per blocked goroutine, allgs of 16
    assert view.memstats.heap_alloc == 2 * 65536 + 2 * (480 + 112) + 16 * 8
    assert {g.name: g.retained_bytes for g in view.goroutines if g.leaked} == {"w1": 65536, "w2": 65536}


def test_a_name_one_goroutine_binds_keeps_its_plain_name():
    model = load_text(HEAD + _worker("w1"))
    assert [s.args.get("var") for s in model.steps if s.do == "make_slice"] == ["buf"]


def test_naming_another_goroutines_local_is_reported_at_its_line():
    text = HEAD + _worker("w1") + _step('do = "drop"\nvar = "buf"')
    with pytest.raises(ScenarioError) as err:
        load_text(text, "s.toml")
    messages = [str(p) for p in err.value.problems]
    assert any("buf is a local variable of goroutine w1, and this step runs in main" in m for m in messages), messages
    line = text.splitlines().index('var = "buf"', text.splitlines().index('do = "drop"')) + 1
    assert any(m.startswith(f"s.toml:{line}: ") for m in messages), messages


def test_a_global_is_one_variable_for_every_goroutine():
    text = (HEAD + _step('do = "go"\ngoroutine = "w1"')
            + _step('in = "w1"\ndo = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = 10')
            + _step('in = "w1"\ndo = "global"\nvar = "buf"') + _step('do = "drop"\nvar = "buf"'))
    model = load_text(text)
    assert [s.args.get("var") for s in model.steps][1:] == ["buf", "buf", "buf"]
