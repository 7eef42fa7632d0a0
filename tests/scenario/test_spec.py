"""The one table of operations (`spec.OPS`): it builds every op class, its defaults are
the ones the compiler and the checker use, and every operation has its checker rule."""

from __future__ import annotations

import dataclasses

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.program import RuntimeSettings
from gomemtui.scenario import compile_scenario, load_text
from gomemtui.scenario.model import RuntimeSpec
from gomemtui.scenario.rules import RULES, Repeats
from gomemtui.scenario.spec import OPS, RUNTIME_KEYS, Kind
from tests.scenario.broken_cases import PRELUDE


@pytest.mark.parametrize("name", list(OPS))
def test_each_operation_fills_every_field_of_its_op_class(name: str) -> None:
    spec = OPS[name]
    assert dataclasses.is_dataclass(spec.op)
    class_fields = {f.name for f in dataclasses.fields(spec.op)} - {"g"}
    filled = {f.op_field for f in spec.fields}
    if any(f.kind is Kind.TARGET for f in spec.fields):
        filled.add("field")  # "v.field" fills Assign's target and field
    assert filled == class_fields


@pytest.mark.parametrize("name", list(OPS))
def test_a_default_from_names_a_field_of_the_operation_or_in(name: str) -> None:
    spec = OPS[name]
    for f in spec.fields:
        if f.default_from is not None:
            assert f.default_from == "in" or f.default_from in spec.field_names
            assert f.default is None and not f.required


def test_a_default_of_the_format_is_the_op_class_default_where_the_class_has_one() -> None:
    """The scenario format and the runtime's op classes cannot drift apart."""
    for spec in OPS.values():
        defaults = {f.name: f.default for f in dataclasses.fields(spec.op)
                    if f.default is not dataclasses.MISSING}
        for f in spec.fields:
            if f.default is not None and f.op_field in defaults:
                assert defaults[f.op_field] == f.default, f"{spec.name}.{f.name}"


def test_the_frame_default_is_gos_176_bytes() -> None:
    assert OPS["call"].field("frame").default == 176


def test_runtime_defaults_are_the_runtimes_settings() -> None:
    go = RuntimeSettings()
    for key, f in RUNTIME_KEYS.items():
        assert f.default == getattr(go, key), key
        assert getattr(RuntimeSpec(1), key) == getattr(go, key), key
    assert (go.gogc, go.gomemlimit, go.gomaxprocs, go.globals_bytes) == (100, None, 4, 165258)


def test_every_operation_but_loop_has_its_rule() -> None:
    assert set(RULES) == set(OPS) - {"loop"}
    assert all(rule.op == name for name, rule in RULES.items())


def test_rules_that_count_repetitions_themselves_are_declared_so() -> None:
    at_once = {name for name, rule in RULES.items() if rule.repeats is Repeats.AT_ONCE}
    each = {name for name, rule in RULES.items() if rule.repeats is Repeats.EACH}
    assert at_once == {"new", "append", "map_insert", "map_delete"}
    assert each == {"reslice", "substring", "send", "recv"}  # s = s[1:] again and again; a send per repetition


def _program(*steps: str) -> ops.Program:
    body = "".join(f"\n[[step]]\nline = 1\n{s}\n" for s in steps)
    return compile_scenario(load_text(PRELUDE + '\n[[goroutine]]\nname = "worker"\n' + body, "t.toml"))


def test_the_compiler_fills_in_the_formats_defaults() -> None:
    program = _program(
        'do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 3',
        'do = "reslice"\nvar = "s"\nhigh = 2',
        'do = "call"\ndepth = 2',
        'do = "go"\ngoroutine = "worker"',
        'do = "block"\nin = "worker"',
        'do = "new"\nvar = "p"\ntype = "int"',
        'do = "append"\nvar = "s"',
    )
    made, resliced, call, _go, block, new, append = (s.op for s in program.steps)
    assert isinstance(made, ops.MakeSlice) and (made.len, made.cap, made.escape) == (3, 3, "heap")
    assert isinstance(resliced, ops.Reslice) and (resliced.source, resliced.low, resliced.high) == ("s", None, 2)
    assert call == ops.Call(2, 176, "main")
    assert block == ops.Block("worker", "worker")
    assert isinstance(new, ops.New) and new.escape == "heap" and new.type.size == 8
    assert append == ops.Append("s", 1, None, None, "main")


def test_the_compiler_splits_an_assign_target_and_compiles_loop_bodies() -> None:
    program = compile_scenario(load_text(PRELUDE + (
        '\n[types.Node]\nsize = 16\npointers = ["next"]\n'
        '\n[[step]]\nline = 1\ndo = "new"\nvar = "a"\ntype = "Node"\n'
        '\n[[step]]\nline = 1\ndo = "assign"\ntarget = "a.next"\nvalue = "a"\n'
        '\n[[step]]\nline = 1\ndo = "assign"\ntarget = "b"\nvalue = "nil"\n'
        '\n[[step]]\nline = 1\ndo = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"\n'
        '\n[[step]]\nline = 1\ndo = "loop"\ntimes = 3\nrepeat = 2\nbody = [ { do = "map_insert", var = "m" } ]\n'
    ), "t.toml"))
    _new, field_write, nil_write, _map, loop = (s.op for s in program.steps)
    assert field_write == ops.Assign("a", "next", "a", "main")
    assert nil_write == ops.Assign("b", None, None, "main")
    assert loop == ops.Repeat(ops.Loop((ops.MapInsert("m", 1, "main"),), 3, "main"), 2)
