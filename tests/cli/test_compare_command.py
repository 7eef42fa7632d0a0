"""`gomemtui compare`: --json pairs two runs that are each exactly `gomemtui run --json`,
and arguments that do not make two sides are refused before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.scenario.cost_cases import loop, marked_line, scenario


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_each_side_of_the_pairs_is_the_run_json_line_with_that_sides_settings(gomemtui) -> None:
    paired = gomemtui("compare", "gogc-100", "--left", "GOGC=50", "--right", "GOGC=200", "--json")
    assert paired.status == 0, paired.err
    run50 = _lines(gomemtui("run", "gogc-100", "--gogc", "50", "--json").out)
    run200 = _lines(gomemtui("run", "gogc-100", "--gogc", "200", "--json").out)
    pairs = _lines(paired.out)
    *steps, summary = pairs
    assert len(steps) == len(run50) - 1 == len(run200) - 1
    for index, pair in enumerate(steps):
        assert pair["step"] == index + 1
        assert pair["left"] == run50[index] and pair["right"] == run200[index]
        assert pair["ended"] == []
        for name, key in (("heap", ("heap", "alloc_bytes")), ("cycles", ("gc", "cycles")),
                          ("objects", ("heap", "objects")), ("live", ("goal", "live_heap_bytes"))):
            left = run50[index][key[0]][key[1]]
            right = run200[index][key[0]][key[1]]
            assert pair["differences"][name]["left"] == left
            assert pair["differences"][name]["right"] == right
            assert pair["differences"][name]["right_minus_left"] == right - left
    for side, run in (("left", run50), ("right", run200)):
        expected = {k: v for k, v in run[-1].items() if k != "summary"}
        got = dict(summary[side])
        assert got.pop("settings") == ("GOGC=50" if side == "left" else "GOGC=200")
        assert got.pop("scenario").endswith("10-gogc-100.toml")
        assert got == expected
    # Real Go 1.27.3 ran this program in 38 cycles with GOGC=50 and 9 with GOGC=200
    # (10-gogc-100.toml's notes): the lower GOGC has the most cycles, and the smaller heap.
    assert summary["differences"]["cycles"]["larger"] == "left"
    assert summary["right"]["peak_heap_bytes"] > summary["left"]["peak_heap_bytes"]


def test_runs_of_different_lengths_are_paired_by_index_and_the_shorter_is_named_ended(gomemtui) -> None:
    short = _lines(gomemtui("run", "gogc-50", "--json").out)[:-1]
    long = _lines(gomemtui("run", "tour", "--json").out)[:-1]
    assert len(short) < len(long)
    paired = gomemtui("compare", "gogc-50", "tour", "--json")
    assert paired.status == 0, paired.err
    *steps, summary = _lines(paired.out)
    assert summary["summary"] is True and summary["left"]["steps"] == len(short)
    assert len(steps) == len(long)
    for index, pair in enumerate(steps):
        assert pair["right"] == long[index]
        if index < len(short):
            assert pair["left"] == short[index] and pair["ended"] == []
        else:
            assert pair["left"] is None and pair["ended"] == ["left"]
            # the ended side keeps the heap of its last step
            assert pair["differences"]["heap"]["left"] == short[-1]["heap"]["alloc_bytes"]
            assert pair["differences"]["heap"]["right"] == long[index]["heap"]["alloc_bytes"]


def test_one_scenario_without_side_settings_is_a_usage_error(gomemtui) -> None:
    result = gomemtui("compare", "tour")
    assert result.status == 2
    assert "give two scenarios (compare A B), or one scenario with settings" in result.err
    assert "Traceback" not in result.err


def test_a_malformed_side_setting_is_a_usage_error(gomemtui) -> None:
    result = gomemtui("compare", "tour", "--left", "GOGC=fifty")
    assert result.status == 2
    assert "argument --left: GOGC=fifty: expected a percentage" in result.err
    result = gomemtui("compare", "tour", "--right", "GOGCC=50")
    assert result.status == 2
    assert "GOGCC: unknown setting" in result.err


def test_an_unknown_scenario_is_named_with_a_suggestion(gomemtui) -> None:
    result = gomemtui("compare", "tuor", "gogc-50")
    assert result.status == 2
    assert 'tuor: no such file or bundled scenario (did you mean "tour"?)' in result.err


def test_a_broken_file_on_both_sides_is_reported_once_as_file_line(gomemtui, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(scenario('do = "make_slice"\nvar = "s"\nelem = "int"\nlen = -1  # <-'))
    result = gomemtui("compare", str(broken), "--left", "GOGC=50", "--right", "GOGC=200", "--json")
    assert result.status == 1
    assert result.out == ""
    problems = result.err.splitlines()
    assert problems and all(p.startswith(f"{broken}:") for p in problems)
    assert len(problems) == len(set(problems))
    assert f"{broken}:{marked_line(broken.read_text())}:" in result.err


def test_the_budget_is_checked_with_each_sides_own_settings(gomemtui, tmp_path: Path) -> None:
    # Fine with the file's settings (GOGC=100: a cycle every few MiB), but with GOGC off
    # and a 1 MiB limit below the 10 MiB kept, 20,000 allocations start about as many
    # cycles: past the budget's 10,000, on the right side only.
    text = scenario('do = "make_slice"\nvar = "keep"\nelem = "byte"\nlen = 10485760',
                    loop(20_000, 'do = "new", var = "n", type = "Node"', mark=True))
    path = tmp_path / "cycles.toml"
    path.write_text(text)
    assert gomemtui("check", str(path)).status == 0
    result = gomemtui("compare", str(path), "--right", "GOGC=off,GOMEMLIMIT=1MiB", "--json")
    assert result.status == 1
    assert result.out == ""
    assert f"{path}:{marked_line(text)}:" in result.err
    assert "GC cycles" in result.err and "at most 10,000" in result.err
    assert "(the right side, with GOGC=off GOMEMLIMIT=1MiB)" in result.err
    assert "left side" not in result.err


def test_compare_help_has_examples(gomemtui) -> None:
    result = gomemtui("compare", "--help")
    assert result.status == 0
    assert "gomemtui compare tour --left GOGC=50 --right GOGC=200" in result.out
    assert "--left SETTINGS" in result.out and "--json" in result.out


def test_the_environment_applies_to_both_sides_and_a_sides_own_settings_win(gomemtui, monkeypatch) -> None:
    from gomemtui.scenario.settings import Overrides, overrides_from_env
    from gomemtui.ui.compare.sides import resolve_sides
    from gomemtui.scenario.settings import parse_assignment

    base = overrides_from_env({"GOGC": "200", "GOMAXPROCS": "2"})
    left, right = resolve_sides("tour", None, parse_assignment("GOGC=50"), None, base)
    assert left.overrides == Overrides(gogc=50, gomaxprocs=2)
    assert right.overrides == Overrides(gogc=200, gomaxprocs=2)
    assert (left.label, right.label) == ("tour · GOGC=50 GOMAXPROCS=2", "tour · GOGC=200 GOMAXPROCS=2")
    monkeypatch.setenv("GOGC", "200")
    *_, summary = _lines(gomemtui("compare", "gogc-50", "--left", "GOGC=50", "--json").out)
    assert (summary["left"]["settings"], summary["right"]["settings"]) == ("GOGC=50", "GOGC=200")
    assert summary["right"]["gc"]["cycles"] == _lines(gomemtui("run", "gogc-50", "--gogc", "200", "--json").out)[-1]["gc"]["cycles"]
