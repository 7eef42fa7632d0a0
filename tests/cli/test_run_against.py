"""`gomemtui run X --against LOG` on logs recorded from real Go 1.27.3 (tests/oracle/gctrace_logs/).

The expected rows are read by hand from two committed files: the model's gctrace lines in
tests/golden/10-gogc-100.txt.gz and real Go's in tests/oracle/gctrace_logs/gogc-100.log.
"""

from __future__ import annotations

import io
import json
import sys
from types import SimpleNamespace

from tests.oracle_data import ORACLE_DIR

LOGS = ORACLE_DIR / "gctrace_logs"
GOGC_100 = str(LOGS / "gogc-100.log")


def test_each_model_cycle_is_printed_beside_the_real_one(gomemtui) -> None:
    r = gomemtui("run", "gogc-100", "--against", GOGC_100)
    assert r.status == 0, r.err
    assert r.err == ""
    lines = r.out.splitlines()
    assert "model: main.go with GOGC=100 GOMEMLIMIT=off GOMAXPROCS=1" in lines
    assert f"real Go: {GOGC_100}, 19 cycle(s)" in lines
    rows = {int(line.split("|")[0]): line for line in lines if line[:5].strip().isdigit() and "|" in line}
    assert sorted(rows) == list(range(1, 20))
    # model "gc 1 ... 3->3->1 MB, 4 MB goal", real "gc 1 ... 3->3->1 MB, 4 MB goal"
    assert rows[1].split() == "1 | 3 3 | 3 3 | 1 1 | 4 4 | no no | agree".split()
    # model "gc 3 ... 4->4->2 MB, 4 MB goal", real "gc 3 ... 4->4->2 MB, 5 MB goal"
    assert rows[3].split() == "3 | 4 4 | 4 4 | 2 2 | 4 5 -1| no no | differ".split()
    # model "gc 17 ... 67->77->48 MB, 79 MB goal", real "gc 17 ... 68->79->49 MB, 80 MB goal"
    assert rows[17].split() == "17 | 67 68 -1| 77 79 -2| 48 49 -1| 79 80 -1| no no | differ".split()
    # model "gc 19 ... 103->118->74 MB, 120 MB goal", real "gc 19 ... 103->118->74 MB, 121 MB goal"
    assert rows[19].split() == "19 | 103 103 | 118 118 | 74 74 | 120 121 -1| no no | differ".split()
    assert "  cycles: model 19, real Go 19" in lines
    assert "  largest difference: heap at end -2 MB at gc 17 (model − real)" in lines


def test_json_prints_one_object_per_cycle_then_a_summary(gomemtui) -> None:
    r = gomemtui("run", "gogc-100", "--against", GOGC_100, "--json")
    assert r.status == 0, r.err
    objects = [json.loads(line) for line in r.out.splitlines()]
    assert len(objects) == 20
    first, last, summary = objects[0], objects[18], objects[19]
    assert (first["gc"], first["agree"], first["real"]["line"]) == (1, True, 1)
    assert [first["model"][k] for k in ("heap0_mb", "heap1_mb", "live_mb", "goal_mb")] == [3, 3, 1, 4]
    assert first["model"]["heap0_bytes"] >> 20 == 3
    assert last["gc"] == 19 and last["difference"] == {"heap0_mb": 0, "heap1_mb": 0, "live_mb": 0, "goal_mb": -1}
    assert [last["model"][k] for k in ("heap0_mb", "heap1_mb", "live_mb", "goal_mb")] == [103, 118, 74, 120]
    assert [last["real"][k] for k in ("heap0_mb", "heap1_mb", "live_mb", "goal_mb")] == [103, 118, 74, 121]
    assert (summary["summary"], summary["model_cycles"], summary["real_cycles"], summary["paired"]) == (True, 19, 19, 19)
    assert summary["largest_difference"] == {"figure": "heap1", "mb": -2, "gc": 17}
    assert summary["all_agree"] is False


def test_a_log_on_standard_input(gomemtui, monkeypatch) -> None:
    data = (LOGS / "tour.log").read_bytes()
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(data)))
    r = gomemtui("run", "tour", "--against", "-")
    assert r.status == 0, r.err
    assert "real Go: <stdin>, 2 cycle(s)" in r.out
    # both: "gc 1 ... 0->0->0 MB, 4 MB goal, ... 4 P (forced)" and the same for gc 2
    assert "cycles that agree in every figure: 2 of 2 paired" in r.out


def test_skipped_lines_are_reported_with_their_numbers_and_the_run_goes_on(gomemtui) -> None:
    log = str(LOGS / "garbage.log")
    r = gomemtui("run", "gogc-100", "--against", log)
    assert r.status == 0
    err = r.err.splitlines()
    assert err[0] == f"{log}:1: not a gctrace line: iteration 0: kept 1 MiB"
    assert len(err) == 21 and err[-1] == f"{log}: 11 more lines skipped"  # 31 skipped, 20 shown
    assert "Traceback" not in r.err
    assert f"real Go: {log}, 11 cycle(s); 31 line(s) skipped" in r.out


def test_a_missing_log_is_a_usage_error(gomemtui, tmp_path) -> None:
    missing = tmp_path / "nope.log"
    r = gomemtui("run", "tour", "--against", str(missing))
    assert r.status == 2
    assert r.err == f"gomemtui: {missing}: cannot read the gctrace log: No such file or directory\n"
    assert r.out == ""


def test_an_empty_log_fails(gomemtui, tmp_path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("")
    r = gomemtui("run", "tour", "--against", str(empty))
    assert (r.status, r.out) == (1, "")
    assert r.err == f"gomemtui: {empty}: the gctrace log is empty\n"


def test_a_log_without_cycles_fails_and_says_how_to_make_one(gomemtui, tmp_path) -> None:
    log = tmp_path / "out.log"
    log.write_text("hello\n\nworld\n")
    r = gomemtui("run", "tour", "--against", str(log))
    assert (r.status, r.out) == (1, "")
    assert r.err.splitlines() == [
        f"{log}:1: not a gctrace line: hello",
        f"{log}:3: not a gctrace line: world",
        f"gomemtui: {log}: no gctrace line in 3 line(s): run the program with GODEBUG=gctrace=1 "
        "and keep its standard error (2> FILE)",
    ]


def test_verify_without_go_says_so_with_its_own_exit_status(gomemtui, monkeypatch) -> None:
    monkeypatch.setenv("GOMEMTUI_GO", "none")
    r = gomemtui("verify", "tour")
    assert (r.status, r.out) == (3, "")
    assert r.err.startswith("gomemtui: ") and "cannot verify: GOMEMTUI_GO=none: no Go toolchain" in r.err


def test_verify_with_go_missing_from_path(gomemtui, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("GOMEMTUI_GO", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    r = gomemtui("verify", "tour")
    assert r.status == 3
    assert "cannot verify: no `go` on PATH" in r.err


def test_verify_refuses_a_source_that_is_not_a_whole_program(gomemtui, monkeypatch, tmp_path) -> None:
    from gomemtui.scenario import find_scenario

    text = find_scenario("escape-analysis").read_text().replace("func main()", "func run()")
    scenario = tmp_path / "part.toml"
    scenario.write_text(text)
    monkeypatch.setenv("GOMEMTUI_GO", sys.executable)  # never run: the source is refused first
    r = gomemtui("verify", str(scenario))
    assert (r.status, r.out) == (3, "")
    assert "cannot verify: the scenario's [source] is not a whole program (no func main())" in r.err


def test_a_log_from_another_gomaxprocs_is_pointed_out(gomemtui) -> None:
    r = gomemtui("run", "tour", "--against", GOGC_100)  # the tour's model runs with 4 Ps, the log with 1
    assert r.status == 0
    assert ("note: real Go ran with 1 P, the model with GOMAXPROCS=4: --gomaxprocs 1 compares like with like"
            in r.out.splitlines())
    r = gomemtui("run", "tour", "--against", GOGC_100, "--gomaxprocs", "1")
    assert "note:" not in r.out
