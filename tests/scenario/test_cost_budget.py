"""A scenario is accepted only if its run is cheap enough: the resource bombs found by
fuzzing are refused at the step responsible, with the figure and its limit, by every
command that loads scenarios; every bundled scenario and the documented scales pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gomemtui.cli import main
from gomemtui.scenario import ScenarioError, check_file, list_bundled, load_program, load_scenario, load_text
from gomemtui.scenario.cost_walk import estimate
from gomemtui.scenario.limits import (
    MAX_GC_CYCLES, MAX_HEAP_OBJECTS, MAX_MAP_KEYS, MAX_MARK_WORK, MAX_POINTER_SLOTS, MAX_RUN_BYTES,
    MAX_RUN_SECONDS, MAX_SINGLE_OPERATIONS,
)
from tests.scenario.cost_cases import NODE_LIST, loop, marked_line, scenario

_MIB_KEPT = ('do = "new", var = "b", type = "MiB"', 'do = "append", var = "keep", value = "b"')
_MAP = 'do = "make_map"\nvar = "m{i}"\nkey = "int"\nvalue = "int"'
_INSERT = 'do = "map_insert"\nvar = "m{i}"\ncount = 1000000'

REFUSED: list[tuple[str, str, list[str]]] = [
    ("an_array_of_4_gib_of_pointers",
     scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 536869888  # <-'),
     ["this step allocates about 536,869,888 pointer slots", "at most 16,000,000"]),
    ("4096_new_of_a_gigabyte_in_a_loop",
     scenario(loop(4096, 'do = "new", var = "b", type = "Big"', mark=True)),
     ["this loop allocates about 4.1 TB", "all of it in body item 1 (new)", "may allocate at most 4 GiB"]),
    ("6000_mib_kept_by_two_loops_of_3000",
     scenario('do = "make_slice"\nvar = "keep"\nelem = "*MiB"', loop(3000, *_MIB_KEPT),
              loop(3000, *_MIB_KEPT, mark=True)),
     ["the live heap could reach about 6.3 GB", "by pointers stored", "at most 4 GiB of live heap"]),
    ("a_million_gc_steps_in_a_loop",
     scenario(loop(1_000_000, 'do = "gc"', mark=True)),
     ["this loop runs about 1,000,000 GC cycles", "at most 10,000"]),
    ("a_million_new_one_at_a_time",
     scenario(loop(1_000_000, 'do = "new", var = "n", type = "Node"', mark=True)),
     ["this loop runs about 1,000,000 operations one at a time", "at most 500,000", "`repeat`"]),
    ("five_maps_of_a_million_keys",
     scenario(_MAP.format(i=0), _INSERT.format(i=0) + "  # <-",
              *[part for i in range(1, 5) for part in (_MAP.format(i=i), _INSERT.format(i=i))]),
     ["this step inserts about 1,000,000 map keys (the run 5,000,000 in all)", "at most 4,000,000"]),
    ("a_memory_limit_below_the_live_heap",
     scenario('do = "make_slice"\nvar = "keep"\nelem = "byte"\nlen = 10485760',
              loop(20_000, 'do = "new", var = "n", type = "Node"', mark=True),
              runtime='[runtime]\ngogc = "off"\ngomemlimit = "1MiB"\n'),
     ["this loop runs about 20,000 GC cycles", "GOMEMLIMIT", "at most 10,000"]),
    ("400_gc_over_900_thousand_objects",
     scenario('do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 900000', loop(400, 'do = "gc"', mark=True)),
     ["GC cycles × heap objects", "at most 300,000,000"]),
    ("too_slow_in_all",
     scenario(loop(450_000, 'do = "new", var = "b", type = "int"', mark=True), _MAP.format(i=0), _INSERT.format(i=0)),
     ["the run would take about", "the limit is 30.0s", "450,000 operations run one at a time"]),
    ("too_big_in_all",
     scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 15900000  # <-',
              'do = "make_slice"\nvar = "r"\nelem = "int"\nlen = 1000',
              loop(400_000, 'do = "reslice", var = "x", from = "r"')),
     ["the run would need about", "of memory", "the limit is 1.5 GiB", "15,900,000 pointer slots"]),
]
"""(id, scenario text with `# <-` at the line the problem must be at, words it must say)."""

ACCEPTED: list[tuple[str, str]] = [
    ("a_map_of_a_million_keys", scenario(_MAP.format(i=0), _INSERT.format(i=0))),
    ("a_million_objects_in_one_repeat", scenario('do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 1000000')),
    ("an_array_of_16_million_pointers", scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 16000000')),
    ("a_list_of_100_thousand_nodes",
     scenario('do = "assign"\ntarget = "head"\nvalue = "nil"', loop(100_000, *NODE_LIST))),
    ("400_thousand_new_one_at_a_time", scenario(loop(400_000, 'do = "new", var = "b", type = "int"'))),
    ("10_thousand_gc_steps", scenario(loop(10_000, 'do = "gc"'))),
    ("3000_mib_kept_by_a_loop", scenario('do = "make_slice"\nvar = "keep"\nelem = "*MiB"', loop(3000, *_MIB_KEPT))),
    ("4096_new_of_a_mebibyte_dropped_each_time", scenario(loop(4096, 'do = "new", var = "b", type = "MiB"'))),
]
"""(id, scenario text): near a limit, accepted."""


@pytest.mark.parametrize(("case_id", "text", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_scenario_too_costly_to_run_is_refused_at_its_step(case_id: str, text: str, words: list[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, f"{case_id}.toml")
    line = marked_line(text)
    listing = "\n".join(str(p) for p in caught.value.problems)
    at_line = [p for p in caught.value.problems if p.line == line]
    assert any(all(w in p.message for w in words) for p in at_line), (
        f"no problem at line {line} says {words}:\n{listing}")
    for p in caught.value.problems:
        assert str(p).startswith(f"{case_id}.toml:{p.line}: step "), str(p)


@pytest.mark.parametrize(("case_id", "text"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_a_scenario_near_the_limits_is_accepted(case_id: str, text: str) -> None:
    cost = estimate(load_text(text, f"{case_id}.toml"))
    assert cost.seconds <= MAX_RUN_SECONDS
    assert cost.memory_bytes <= MAX_RUN_BYTES


@pytest.mark.parametrize("name", [b.name for b in list_bundled()])
def test_every_bundled_scenario_is_within_the_budget(name: str) -> None:
    bundled = {b.name: b for b in list_bundled()}[name]
    cost = estimate(load_scenario(bundled.path))
    assert cost.seconds <= MAX_RUN_SECONDS / 3 and cost.memory_bytes <= MAX_RUN_BYTES / 3


def test_a_run_too_slow_over_many_small_steps_is_refused_where_it_passes_the_limit() -> None:
    # after every top-level step `run` reads (and keeps) the state of every variable:
    # 4,000 steps over 2,000 variables take about a minute
    text = scenario(*[f'do = "new"\nvar = "v{i}"\ntype = "Node"' for i in range(2000)],
                    *['do = "assign"\ntarget = "x"\nvalue = "nil"'] * 2000)
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "many.toml")
    (problem,) = caught.value.problems
    assert "past the limit at this step, over 4,000 steps: reading the state after 4,000 steps" in problem.message
    step = int(problem.message.split(" ", 2)[1])
    assert problem.line == [i for i, line in enumerate(text.splitlines(), 1) if line == "[[step]]"][step - 1]


def _bomb(tmp_path: Path) -> Path:
    path = tmp_path / "bomb.toml"
    path.write_text(REFUSED[0][1])
    return path


def test_check_prints_the_refusal_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _bomb(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr()
    assert f"{path}:{marked_line(REFUSED[0][1])}: step 1 (make_slice): this step allocates about 536,869,888" in (
        out.out + out.err)


def test_run_refuses_before_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _bomb(tmp_path)
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "536,869,888 pointer slots" in err and "Traceback" not in err


def test_the_app_and_serve_load_through_the_budget(tmp_path: Path) -> None:
    # the app and a served viewer load with load_program; serve checks files with check_file
    path = _bomb(tmp_path)
    with pytest.raises(ScenarioError, match="536,869,888 pointer slots"):
        load_program(str(path), env={})
    assert any("536,869,888 pointer slots" in p.message for p in check_file(path))


_GARBAGE = Path(__file__).resolve().parent / "data" / "garbage-19800-allocations.toml"
"""19,800 allocations of 128 KiB: some 620 heap-triggered cycles at GOGC=100, one per
allocation at GOGC=1 (a 4 MiB × 1% minimum goal)."""


def test_settings_from_outside_the_file_are_budgeted_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_program(str(_GARBAGE), env={}) is not None  # within the budget as written
    with pytest.raises(ScenarioError, match=r"about 19,800 GC cycles.*\(with GOGC=1 set outside the file\)"):
        load_program(str(_GARBAGE), env={"GOGC": "1"})
    assert main(["run", str(_GARBAGE), "--gogc", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{_GARBAGE}:20: step 1 (loop): this loop runs about 19,800 GC cycles" in err
    assert "with GOGC=1 set outside the file" in err and "Traceback" not in err


# -- the documentation gives the limits the budget applies ---------------------------------------

_DOC = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text()


def test_the_real_cost_table_gives_the_limits_the_budget_applies() -> None:
    section = _DOC[_DOC.index("## Real cost"):]
    section = section[:section.index("\n## ")]
    values = [line.strip().strip("|").split("|")[-1].strip() for line in section.splitlines()
              if line.startswith("| ") and not line.startswith("| figure")]
    assert values == [f"{MAX_HEAP_OBJECTS:,}", f"{MAX_POINTER_SLOTS:,}", f"{MAX_MAP_KEYS:,}",
                      f"{MAX_SINGLE_OPERATIONS:,}", f"{MAX_GC_CYCLES:,}", f"{MAX_MARK_WORK:,}",
                      f"{MAX_RUN_SECONDS:.0f} s", "1.5 GiB"]
    assert MAX_RUN_BYTES == 1536 << 20
    example = re.search(r"## Real cost.*?```\n(.*?)\n```", _DOC, re.S)
    assert example and "a run may have at most 4,000,000" in example.group(1)
