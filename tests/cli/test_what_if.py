"""`gomemtui run X --what-if SETTING`: one row per run, the same figures as separate runs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gomemtui import headless
from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import find_scenario
from gomemtui.scenario.compiler import compile_scenario
from gomemtui.scenario.loader import load_scenario
from gomemtui.scenario.settings import Overrides

TWO_BUFFERS = str(Path(__file__).parent / "data" / "two-buffers.toml")
MiB = 1 << 20


def rows(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def summary_of(out: str) -> dict:
    """The summary object of `run --json`."""
    last = json.loads(out.splitlines()[-1])
    assert last["summary"] is True
    return last


def last_gc_event(out: str) -> dict:
    events = [e for line in out.splitlines() for e in json.loads(line).get("events", []) if e["kind"] == "gc"]
    return events[-1]


# -- a small scenario, worked out by hand ------------------------------------------------

def test_two_buffers_table_has_the_figures_worked_out_by_hand(gomemtui) -> None:
    # keep (1 MiB) and tmp (2 MiB) are large objects of exactly their size: the peak is
    # both, 3 MiB; tmp dropped and collected, 1 MiB stays, and the one runtime.GC() marks
    # it. GOGC=50 makes the first goal heapMinimum × 50/100 = 2 MiB, so the 3 MiB heap
    # starts one more cycle before the forced one; GOGC=off starts none.
    result = gomemtui("run", TWO_BUFFERS, "--what-if", "GOGC=50", "--what-if", "GOGC=off")
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Two buffers"
    assert lines[1] == "GOGC=100 GOMEMLIMIT=off GOMAXPROCS=4, Green Tea marking"
    header = lines[3].split()
    assert header[:3] == ["setting", "cycles", "peak"]
    table = {line.split("  ")[0].strip(): line for line in lines[4:]}
    assert list(table) == ["as written", "GOGC=50", "GOGC=off"]
    assert "1 (1 forced)    3.0 MiB" in table["as written"]
    assert "2 (1 forced)    3.0 MiB" in table["GOGC=50"]
    assert "1 (1 forced)    3.0 MiB" in table["GOGC=off"]
    for line in table.values():
        assert line.endswith("1.0 MiB      1.0 MiB")  # heap and live at the end


def test_two_buffers_json_rows_have_exact_bytes(gomemtui) -> None:
    result = gomemtui("run", TWO_BUFFERS, "--what-if", "GOGC=50", "--json")
    assert result.status == 0, result.err
    written, fifty = rows(result.out)
    assert written["run"] == "as written" and written["what_if"] is None
    assert fifty["run"] == "GOGC=50" and fifty["what_if"] == "GOGC=50"
    assert written["settings"] == {"gogc": 100, "gomemlimit": None, "gomaxprocs": 4, "green_tea": True}
    assert fifty["settings"]["gogc"] == 50
    for row in (written, fifty):
        assert row["peak_heap_bytes"] == 3 * MiB
        assert row["peak_step"] == 2  # the make of tmp
        assert row["heap_bytes"] == MiB
        assert row["live_bytes"] == MiB
        assert row["steps"] == 4
        assert row["forced_cycles"] == 1
    assert (written["cycles"], fifty["cycles"]) == (1, 2)


def test_flags_name_the_first_row(gomemtui) -> None:
    result = gomemtui("run", TWO_BUFFERS, "--gogc", "50", "--what-if", "GOGC=100", "--json")
    given, hundred = rows(result.out)
    assert given["run"] == "as given: GOGC=50" and given["settings"]["gogc"] == 50
    assert given["cycles"] == 2
    assert hundred["settings"]["gogc"] == 100 and hundred["cycles"] == 1


def test_what_if_is_laid_over_the_runs_own_settings(gomemtui) -> None:
    result = gomemtui("run", TWO_BUFFERS, "--gomaxprocs", "2", "--what-if", "green_tea=false", "--json")
    _, classic = rows(result.out)
    assert classic["settings"] == {"gogc": 100, "gomemlimit": None, "gomaxprocs": 2, "green_tea": False}


# -- the same as separate runs -------------------------------------------------------------

@pytest.mark.parametrize(("what_if", "flags", "overrides"), [
    ("GOGC=50", ("--gogc", "50"), Overrides(gogc=50)),
    ("GOMEMLIMIT=64MiB", ("--gomemlimit", "64MiB"), Overrides(gomemlimit=64 * MiB)),
    ("green_tea=false", (), Overrides(green_tea=False)),
])
def test_what_if_rows_equal_separate_runs(gomemtui, what_if: str, flags: tuple[str, ...],
                                          overrides: Overrides) -> None:
    table = gomemtui("run", "gogc-100", "--what-if", what_if, "--json")
    assert table.status == 0, table.err
    row = rows(table.out)[1]
    # green_tea has no flag: its separate run is compiled with the override, as `run` does
    if flags:
        separate = gomemtui("run", "gogc-100", *flags, "--json")
        assert separate.status == 0, separate.err
        out = separate.out
    else:
        program = compile_scenario(load_scenario(find_scenario("gogc-100")), overrides)
        buffer = io.StringIO()
        headless.run_json(Timeline(program, rewind=False), buffer)
        out = buffer.getvalue()
    summary = summary_of(out)
    assert row["cycles"] == summary["cycles"]
    assert row["forced_cycles"] == summary["forced_cycles"]
    assert row["peak_heap_bytes"] == summary["peak_heap_bytes"]
    assert row["peak_step"] == summary["peak_step"]
    assert row["pause_total_ns"] == summary["pause_total_ns"]
    assert row["heap_bytes"] == summary["heap"]["alloc_bytes"]
    assert row["steps"] == summary["steps"]
    gc = last_gc_event(out)
    assert row["live_bytes"] == gc["live"] - gc["startup_heap"]


def test_gc_cpu_is_the_separate_runs_gc_cpu_fraction(gomemtui) -> None:
    table = gomemtui("run", "gogc-100", "--what-if", "GOGC=200", "--json")
    row = rows(table.out)[1]
    program = compile_scenario(load_scenario(find_scenario("gogc-100")), Overrides(gogc=200))
    timeline = Timeline(program, rewind=False)
    headless.run_json(timeline, io.StringIO())
    assert row["gc_cpu_fraction"] == RuntimeReader(timeline.runtime).view().memstats.gc_cpu_fraction
    assert 0 < row["gc_cpu_fraction"] < 1


# -- bad values ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "words"), [
    ("GOGC=fifty", 'argument --what-if: GOGC=fifty: expected a percentage such as 100, or "off"'),
    ("GOGC", "argument --what-if: 'GOGC': expected NAME=VALUE, NAME one of GOGC, GOMEMLIMIT, GOMAXPROCS, green_tea"),
    ("GOGOC=50", "argument --what-if: GOGOC: unknown setting; expected one of GOGC"),
    ("GOMEMLIMIT=lots", "argument --what-if: GOMEMLIMIT=lots:"),
    ("GOMAXPROCS=0", "argument --what-if: GOMAXPROCS=0: expected 1 to"),
    ("green_tea=maybe", "argument --what-if: green_tea=maybe: expected true or false"),
    ("", "argument --what-if: expected a setting such as GOGC=50"),
])
def test_bad_what_if_is_a_usage_error(gomemtui, value: str, words: str) -> None:
    result = gomemtui("run", TWO_BUFFERS, "--what-if", value)
    assert result.status == 2
    assert words in result.err
    assert "Traceback" not in result.err
    assert result.out == ""


def test_more_than_three_what_ifs_is_a_usage_error(gomemtui) -> None:
    args = [a for n in (10, 20, 30, 40) for a in ("--what-if", f"GOGC={n}")]
    result = gomemtui("run", TWO_BUFFERS, *args)
    assert result.status == 2
    assert "at most 3 settings at once, not 4" in result.err
    assert result.out == ""


def test_a_what_if_past_the_budget_is_refused_at_its_step(gomemtui) -> None:
    # 12,000 allocations of 64 KiB: GOGC=100 keeps a 4 MiB runway (a few hundred cycles),
    # GOGC=1 a 40 KiB one, less than one buffer, so every allocation may start a cycle:
    # 12,000, past the 10,000 a run may have.
    churn = str(Path(__file__).parent / "data" / "churn.toml")
    result = gomemtui("run", churn, "--what-if", "GOGC=50", "--what-if", "GOGC=1")
    assert result.status == 1
    assert result.err.splitlines() == [
        f"{churn}:37: with --what-if GOGC=1: step 3 (new): this step runs about 12,000 GC cycles; a run "
        "may have at most 10,000 (heap-triggered ones counted as the most GOGC and GOMEMLIMIT allow; "
        "make the counts smaller: the runtime behaves the same at a smaller scale) "
        "(with GOGC=1 set outside the file)"]
    assert result.out == ""


def test_what_if_and_against_are_not_combined(gomemtui, tmp_path: Path) -> None:
    log = tmp_path / "gctrace.log"
    log.write_text("")
    result = gomemtui("run", TWO_BUFFERS, "--what-if", "GOGC=50", "--against", str(log))
    assert result.status == 2
    assert "--what-if and --against cannot be combined" in result.err
    assert result.out == ""


def test_run_help_shows_what_if_examples(gomemtui) -> None:
    result = gomemtui("run", "--help")
    assert "--what-if SETTING" in result.out
    assert "gomemtui run tour --what-if GOGC=50 --what-if GOGC=200" in result.out
