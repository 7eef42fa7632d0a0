"""Hypothesis: whatever a file holds, loading it ends in a Scenario or a ScenarioError —
never another exception, never a hang."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomemtui.scenario import ScenarioError, check_file, compile_scenario, load_text
from gomemtui.scenario.spec import OPS, STEP_KEYS
from tests.scenario.broken_cases import PRELUDE

_FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_or_error(text: str) -> None:
    try:
        scenario = load_text(text, "fuzz.toml")
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert str(p).startswith("fuzz.toml:")
            assert p.message
        return
    compile_scenario(scenario)


@_FAST
@given(st.text(max_size=400))
def test_random_text_never_tracebacks(text: str) -> None:
    _load_or_error(text)


@_FAST
@given(st.binary(max_size=400))
def test_random_bytes_never_traceback(tmp_path_factory, raw: bytes) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "x.toml"
    path.write_bytes(raw)
    problems = check_file(path)
    assert all(str(p).startswith(str(path)) for p in problems)


# -- scenario-shaped documents: real tables and keys, random values -------------------------

_names = st.sampled_from(["s", "m", "p", "n", "x", "nums", "worker", "main", "Node", "nil", "t"])
_values = st.one_of(
    st.integers(-5, 3000),
    st.sampled_from([0, 1, 2, 10**12, -1]),
    _names,
    st.sampled_from(["int", "byte", "*Node", "[]int", "[4]byte", "string", "Node", "Nod", "off",
                     "64MiB", "heap", "stack", "s.next", "n.next", "x.y.z", "", "1.5"]),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(0, 3), max_size=2),
)
_field_names = sorted({f.name for op in OPS.values() for f in op.fields} | set(STEP_KEYS) | {"bogus"})


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(str(i) for i in v) + "]"
    return repr(v) if isinstance(v, float) else str(v)


@st.composite
def scenario_documents(draw) -> str:
    parts = [PRELUDE, '\n[types.Node]\nsize = 24\npointers = ["next"]\n\n[[goroutine]]\nname = "worker"\n']
    if draw(st.booleans()):
        parts.append(f"\n[runtime]\ngogc = {_toml_value(draw(_values))}\n")
    for _ in range(draw(st.integers(1, 8))):
        do = draw(st.sampled_from(sorted(OPS) + ["bogus"]))
        lines = ["[[step]]", f"line = {draw(st.integers(0, 8))}", f'do = "{do}"']
        if do == "loop":
            lines.append(f"times = {draw(st.integers(0, 4))}")
            inner = draw(st.sampled_from(sorted(OPS)))
            fields = draw(st.dictionaries(st.sampled_from(_field_names), _values, max_size=3))
            fields.pop("do", None)
            fields.pop("body", None)
            body = ", ".join([f'do = "{inner}"'] + [f"{k} = {_toml_value(v)}" for k, v in fields.items()])
            lines.append("body = [ { " + body + " } ]")
        else:
            op = OPS.get(do)
            pool = [f.name for f in op.fields] if op else []
            keys = st.sampled_from(pool + ["in", "repeat", "note", "bogus"]) if pool else st.sampled_from(["in", "repeat", "bogus"])
            fields = draw(st.dictionaries(keys, _values, max_size=4))
            lines += [f"{k} = {_toml_value(v)}" for k, v in fields.items()]
        parts.append("\n" + "\n".join(lines) + "\n")
    return "".join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_documents())
def test_scenario_shaped_documents_load_or_fail_cleanly(text: str) -> None:
    _load_or_error(text)


_TEMPLATES = [
    'do = "make_slice"\nvar = "{v}"\nelem = "{t}"\nlen = {a}\ncap = {b}',
    'do = "make_slice"\nvar = "{v}"\nelem = "{t}"\nescape = "stack"',
    'do = "append"\nvar = "{v}"\ncount = {a}',
    'do = "append"\nvar = "{v}"\nbatch = {b}',
    'do = "append"\nvar = "{v}"\nvalue = "{w}"',
    'do = "reslice"\nvar = "{v}"\nfrom = "{w}"\nhigh = {a}',
    'do = "reslice"\nvar = "{v}"\nlow = {a}',
    'do = "reslice"\nvar = "{v}"\nfrom = "{w}"\nlow = {a}\nhigh = {b}\nmax = {b}',
    'do = "copy_slice"\nvar = "{v}"\nfrom = "{w}"',
    'do = "make_map"\nvar = "{v}"\nkey = "int"\nvalue = "{t}"\nhint = {a}',
    'do = "map_insert"\nvar = "{v}"\ncount = {b}',
    'do = "map_delete"\nvar = "{v}"\ncount = {a}',
    'do = "map_delete"\nvar = "{v}"\nall = true',
    'do = "map_clear"\nvar = "{v}"',
    'do = "new"\nvar = "{v}"\ntype = "{t}"',
    'do = "pool_new"\nvar = "{v}"\ntype = "{t}"\nhas_new = {flag}',
    'do = "pool_get"\npool = "{w}"\nvar = "{v}"',
    'do = "pool_put"\npool = "{w}"\nvar = "{v}"',
    'do = "assign"\ntarget = "{v}.next"\nvalue = "{w}"',
    'do = "assign"\ntarget = "{v}"\nvalue = "nil"',
    'do = "drop"\nvar = "{v}"',
    'do = "global"\nvar = "{v}"',
    'do = "go"\ngoroutine = "worker"',
    'do = "block"\ngoroutine = "worker"',
    'do = "exit"\ngoroutine = "worker"',
    'do = "new"\nvar = "{v}"\ntype = "{t}"\nin = "worker"',
    'do = "call"\ndepth = {a}',
    'do = "gc"',
    'do = "set_gc_percent"\nvalue = {a}',
    'do = "set_memory_limit"\nvalue = "{a}MiB"',
    'do = "loop"\ntimes = {a}\nbody = [ {{ do = "append", var = "{v}", count = {b} }}, {{ do = "new", var = "{w}", type = "{t}" }} ]',
]


@st.composite
def plausible_scenarios(draw) -> str:
    parts = [PRELUDE, '\n[types.Node]\nsize = 24\npointers = ["next"]\n\n[[goroutine]]\nname = "worker"\n']
    for _ in range(draw(st.integers(1, 12))):
        template = draw(st.sampled_from(_TEMPLATES))
        body = template.format(
            v=draw(st.sampled_from("abc")), w=draw(st.sampled_from("abc")),
            t=draw(st.sampled_from(["int", "byte", "Node", "*Node", "[3]byte", "string", "[0]int"])),
            a=draw(st.integers(0, 300)), b=draw(st.integers(1, 2000)), flag=draw(st.sampled_from(["true", "false"])),
        )
        repeat = f"\nrepeat = {draw(st.integers(2, 5))}" if draw(st.integers(0, 5)) == 0 else ""
        parts.append(f"\n[[step]]\nline = {draw(st.integers(1, 6))}\n{body}{repeat}\n")
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plausible_scenarios())
def test_plausible_scenarios_load_or_fail_cleanly(text: str) -> None:
    _load_or_error(text)


_COHERENT_PREAMBLE = [
    'do = "make_slice"\nvar = "s1"\nelem = "int"',
    'do = "make_slice"\nvar = "s2"\nelem = "*Node"\nescape = "stack"',
    'do = "make_map"\nvar = "m1"\nkey = "int"\nvalue = "[16]byte"',
    'do = "new"\nvar = "n1"\ntype = "Node"',
    'do = "pool_new"\nvar = "p1"\ntype = "Node"',
    'do = "go"\ngoroutine = "worker"',
]
_COHERENT = [
    'do = "append"\nvar = "{s}"\ncount = {a}',
    'do = "append"\nvar = "{s}"\nbatch = {b}',
    'do = "append"\nvar = "s2"\nvalue = "{n}"\ncount = {a}',
    'do = "reslice"\nvar = "{s}"\nhigh = 0',
    'do = "reslice"\nvar = "t1"\nfrom = "s1"\nlow = 0\nhigh = 0\nmax = 0',
    'do = "copy_slice"\nvar = "{s}"\nfrom = "{s}"',
    'do = "map_insert"\nvar = "m1"\ncount = {b}',
    'do = "map_delete"\nvar = "m1"\nall = true',
    'do = "map_clear"\nvar = "m1"',
    'do = "new"\nvar = "{n}"\ntype = "Node"\nescape = "{esc}"',
    'do = "new"\nvar = "{n}"\ntype = "Node"\nin = "worker"',
    'do = "pool_get"\npool = "p1"\nvar = "{n}"',
    'do = "pool_put"\npool = "p1"\nvar = "{n}"',
    'do = "assign"\ntarget = "{n}.next"\nvalue = "{n}"',
    'do = "assign"\ntarget = "{n}"\nvalue = "{n}"',
    'do = "global"\nvar = "{n}"',
    'do = "call"\ndepth = {a}\nin = "worker"',
    'do = "gc"',
    'do = "closure"\nvar = "f1"\ncaptures = ["{s}", "{n}", {{ name = "k", type = "[{a}]int", modified = true }}]\n'
    'escape = "{esc}"',
    'do = "closure"\nvar = "{n}"\ncaptures = [{{ name = "k", type = "Node" }}]',
    'do = "set_gc_percent"\nvalue = {pct}',
    'do = "set_memory_limit"\nvalue = "{mib}MiB"',
    'do = "loop"\ntimes = {a}\nbody = [ {{ do = "new", var = "{n}", type = "[{b}]byte" }}, {{ do = "append", var = "{s}" }} ]',
]


@st.composite
def coherent_scenarios(draw) -> str:
    """Scenarios whose steps mostly make sense: variables of each kind exist up front."""
    parts = [PRELUDE, '\n[types.Node]\nsize = 24\npointers = ["next"]\n\n[[goroutine]]\nname = "worker"\n']
    if draw(st.booleans()):
        parts.append(f'\n[runtime]\ngogc = {draw(st.sampled_from(["10", "100", chr(34) + "off" + chr(34)]))}\n'
                     f'gomemlimit = "{draw(st.sampled_from(["off", "8MiB", "64MiB"]))}"\n'
                     f"gomaxprocs = {draw(st.integers(1, 8))}\n")
    bodies = list(_COHERENT_PREAMBLE)
    for _ in range(draw(st.integers(1, 15))):
        bodies.append(draw(st.sampled_from(_COHERENT)).format(
            s=draw(st.sampled_from(["s1", "s2"])), n=draw(st.sampled_from(["n1", "n2"])),
            a=draw(st.integers(0, 200)), b=draw(st.integers(1, 3000)), esc=draw(st.sampled_from(["heap", "stack"])),
            pct=draw(st.sampled_from(["50", "100", '"off"'])), mib=draw(st.integers(1, 64)),
        ))
    if draw(st.booleans()):
        bodies.append('do = "block"\ngoroutine = "worker"')
    for body in bodies:
        repeat = f"\nrepeat = {draw(st.integers(2, 4))}" if draw(st.integers(0, 6)) == 0 else ""
        parts.append(f"\n[[step]]\nline = {draw(st.integers(1, 6))}\n{body}{repeat}\n")
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coherent_scenarios())
def test_coherent_scenarios_load_or_fail_cleanly(text: str) -> None:
    _load_or_error(text)
