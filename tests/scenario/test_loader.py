"""Loading valid scenarios: the model, its key lines, defaults, and the compiled Program."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui.runtime import program as ops
from gomemtui.scenario import compile_scenario, load_text
from tests.scenario.broken_cases import PRELUDE, steps

TYPES = '\n[types.Node]\nsize = 24\npointers = ["next"]\n\n[[goroutine]]\nname = "worker"\n'


def _load(*bodies: str, extra: str = ""):
    return load_text(PRELUDE + extra + steps(*bodies), "ok.toml")


def test_model_records_the_line_of_every_key() -> None:
    sc = _load('do = "make_slice"\nvar = "s"\nelem = "int"\ncap = 10')
    step = sc.steps[0]
    text_lines = (PRELUDE + steps('do = "make_slice"\nvar = "s"\nelem = "int"\ncap = 10')).splitlines()
    for key in ("line", "do", "var", "elem", "cap"):
        assert text_lines[step.line_of(key) - 1].startswith(f"{key} ="), key
    assert text_lines[step.line - 1] == "[[step]]"
    assert step.line_of("len") == step.line  # left out: the [[step]] line
    assert sc.info.line_of("title") == 2


def test_model_is_frozen() -> None:
    sc = _load('do = "gc"')
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.steps[0].do = "new"  # type: ignore[misc]
    with pytest.raises(TypeError):
        sc.steps[0].args["x"] = 1  # type: ignore[index]


def test_defaults_are_go_defaults() -> None:
    sc = _load('do = "gc"')
    program = compile_scenario(sc)
    assert program.settings == ops.RuntimeSettings()
    assert program.goroutines == ("main",)
    assert program.steps[0] == ops.Step(0, 4, "gc", ops.GC("main"))


def test_runtime_table_values_are_converted() -> None:
    sc = _load('do = "gc"', extra='\n[runtime]\ngogc = "off"\ngomemlimit = "64MiB"\ngomaxprocs = 2\ngreen_tea = false\n')
    s = compile_scenario(sc).settings
    assert (s.gogc, s.gomemlimit, s.gomaxprocs, s.green_tea) == (None, 64 << 20, 2, False)


def test_every_operation_compiles_to_its_op() -> None:
    sc = _load(
        'do = "make_slice"\nvar = "s"\nelem = "*Node"\nlen = 2',
        'do = "new"\nvar = "n"\ntype = "Node"\nescape = "stack"',
        'do = "append"\nvar = "s"\ncount = 3\nvalue = "n"',
        'do = "append"\nvar = "s"\nbatch = 10',
        'do = "reslice"\nvar = "t"\nfrom = "s"\nlow = 1\nhigh = 2\nmax = 3',
        'do = "reslice"\nvar = "s"\nhigh = 1',
        'do = "copy_slice"\nvar = "c"\nfrom = "t"',
        'do = "make_map"\nvar = "m"\nkey = "string"\nvalue = "[64]byte"\nhint = 100',
        'do = "map_insert"\nvar = "m"\ncount = 50',
        'do = "map_delete"\nvar = "m"\ncount = 10',
        'do = "map_delete"\nvar = "m"\nall = true',
        'do = "map_clear"\nvar = "m"',
        'do = "pool_new"\nvar = "p"\ntype = "[]byte"\nhas_new = false',
        'do = "pool_get"\npool = "p"\nvar = "b"',
        'do = "pool_put"\npool = "p"\nvar = "b"',
        'do = "new"\nvar = "h"\ntype = "Node"',
        'do = "assign"\ntarget = "h.next"\nvalue = "h"',
        'do = "assign"\ntarget = "q"\nvalue = "nil"',
        'do = "global"\nvar = "h"',
        'do = "go"\ngoroutine = "worker"',
        'do = "call"\ndepth = 20\nin = "worker"',
        'do = "block"\nin = "worker"',
        'do = "set_gc_percent"\nvalue = "off"',
        'do = "set_memory_limit"\nvalue = "1GiB"',
        'do = "gc"\nrepeat = 2',
        'do = "loop"\ntimes = 3\nbody = [ { do = "new", var = "x", type = "int", repeat = 4 }, { do = "drop", var = "x" } ]',
        'do = "drop"\nvar = "s"',
        extra=TYPES,
    )
    got = [s.op for s in compile_scenario(sc).steps]
    node = got[1].type
    assert node == ops.New("n", node, "stack").type and node.pointer_fields == ("next",)
    assert got[0] == ops.MakeSlice("s", got[0].elem, 2, 2)
    assert got[2] == ops.Append("s", 3, None, "n")
    assert got[3] == ops.Append("s", 1, 10, None)
    assert got[4] == ops.Reslice("t", "s", 1, 2, 3)
    assert got[5] == ops.Reslice("s", "s", None, 1, None)
    assert got[6] == ops.CopySlice("c", "t")
    assert got[7].hint == 100 and got[7].value.size == 64
    assert got[8] == ops.MapInsert("m", 50)
    assert got[9] == ops.MapDelete("m", 10, False)
    assert got[10] == ops.MapDelete("m", 1, True)
    assert got[11] == ops.MapClear("m")
    assert got[12].has_new is False and got[12].type.size == 24
    assert got[13] == ops.PoolGet("p", "b") and got[14] == ops.PoolPut("p", "b")
    assert got[16] == ops.Assign("h", "next", "h")
    assert got[17] == ops.Assign("q", None, None)
    assert got[18] == ops.Global("h")
    assert got[19] == ops.Go("worker")
    assert got[20] == ops.Call(20, 176, "worker")
    assert got[21] == ops.Block("worker", "worker")
    assert got[22] == ops.SetGCPercent(None)
    assert got[23] == ops.SetMemoryLimit(1 << 30)
    assert got[24] == ops.Repeat(ops.GC(), 2)
    loop = got[25]
    assert isinstance(loop, ops.Loop) and loop.times == 3
    assert loop.body[0] == ops.Repeat(ops.New("x", loop.body[0].op.type), 4)
    assert loop.body[1] == ops.Drop("x")


def test_pool_put_writes_a_typed_nil_as_a_nil_variable_and_put_nil_as_the_string_nil() -> None:
    sc = _load('do = "pool_new"\nvar = "p"\ntype = "Node"',
               'do = "assign"\ntarget = "x"\nvalue = "nil"',
               'do = "pool_put"\npool = "p"\nvar = "x"',
               'do = "pool_put"\npool = "p"\nvar = "nil"', extra=TYPES)
    got = [s.op for s in compile_scenario(sc).steps]
    assert got[2] == ops.PoolPut("p", "x")  # p.Put(x), x a nil *Node: a typed nil
    assert got[3] == ops.PoolPut("p", None)  # p.Put(nil)


def test_body_steps_inherit_line_and_goroutine_from_their_loop() -> None:
    sc = _load('do = "go"\ngoroutine = "worker"',
               'line = 5\ndo = "loop"\ntimes = 2\nin = "worker"\nbody = [ { do = "new", var = "x", type = "int" } ]',
               extra=TYPES)
    body = sc.steps[1].body[0]
    assert body.source_line == 5 and body.goroutine == "worker"
    assert compile_scenario(sc).steps[1].op.body[0].g == "worker"


def test_body_as_array_of_tables() -> None:
    text = PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 2\n\n[[step.body]]\ndo = "gc"\n\n[[step.body]]\nline = 5\ndo = "gc"\nnote = "again"\n'
    sc = load_text(text, "x.toml")
    assert [b.source_line for b in sc.steps[0].body] == [4, 5]
    assert sc.steps[0].body[1].line_of("note") == text.splitlines().index('note = "again"') + 1


def test_static_caps_follow_growslice() -> None:
    # 1000 appends from nil: caps 1,2,4,...,512, 848, 1280 (facts.md b): s[:1280] is legal
    _load('do = "make_slice"\nvar = "s"\nelem = "int"', 'do = "append"\nvar = "s"\ncount = 1000',
          'do = "reslice"\nvar = "t"\nfrom = "s"\nhigh = 1280')
    # a local (escape = "stack") []int gets the 32-byte buffer: cap 4 after one append
    _load('do = "make_slice"\nvar = "s"\nelem = "int"\nescape = "stack"', 'do = "append"\nvar = "s"',
          'do = "reslice"\nvar = "t"\nfrom = "s"\nhigh = 4')
    # make([]int, 0, 5) is never rounded; the first growth doubles to 10
    _load('do = "make_slice"\nvar = "s"\nelem = "int"\ncap = 5', 'do = "append"\nvar = "s"\ncount = 6',
          'do = "reslice"\nvar = "t"\nfrom = "s"\nhigh = 10')


def test_loops_are_followed_iteration_by_iteration() -> None:
    # 3 iterations of +2 keys then -1 key leave 3 keys: deleting 3 more is fine, 4 is not
    body = 'do = "loop"\ntimes = 3\nbody = [ { do = "map_insert", var = "m", count = 2 }, { do = "map_delete", var = "m" } ]'
    make = 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"'
    _load(make, body, 'do = "map_delete"\nvar = "m"\ncount = 3')
    with pytest.raises(Exception, match="only 3 key"):
        _load(make, body, 'do = "map_delete"\nvar = "m"\ncount = 4')


def test_a_loop_that_never_runs_is_still_checked() -> None:
    with pytest.raises(Exception, match="no such variable"):
        _load('do = "loop"\ntimes = 0\nbody = [ { do = "drop", var = "ghost" } ]')


def test_rebinding_a_variable_of_the_same_kind_is_allowed() -> None:
    _load('do = "new"\nvar = "x"\ntype = "int"', 'do = "new"\nvar = "x"\ntype = "int"')


def test_problems_on_one_line_keep_the_order_they_were_found_in() -> None:
    """Several problems on line 1 come out the same way on every run (no set order)."""
    text = 'title = "x"\n[[step]]\nline = 1\ndo = "apend"\n'
    code = ("import sys; from gomemtui.scenario import ScenarioError, load_text\n"
            "try: load_text(sys.stdin.read(), 'bad.toml')\n"
            "except ScenarioError as e: print([p.message for p in e.problems])")
    outs = {subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True,
                           env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
                           cwd=Path(__file__).resolve().parents[2]).stdout
            for seed in range(6)}
    assert len(outs) == 1 and "missing table" in outs.pop()
