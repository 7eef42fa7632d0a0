"""`gomemtui verify X`: the bundled scenarios' sources built and run by real Go with gctrace,
their cycles beside the model's. Skipped, with the reason, where no Go 1.27 is found."""

from __future__ import annotations

import re

import pytest

from gomemtui.cli import main
from gomemtui.scenario import list_bundled

NEVER_ENDS = "memory-limit"  # its program allocates in an endless loop, as the scenario explains
BUNDLED = [b.short_name for b in list_bundled() if b.short_name != NEVER_ENDS]
ONLY_FORCED = ("tour", "map-and-pool")
"""Programs whose every cycle is a runtime.GC() on a small heap: no timing in them, so real Go
prints the same lines on every run, and the model's agree (checked by hand against the
recorded tests/oracle/gctrace_logs/tour.log and map-and-pool.log)."""


SAME_CYCLES = ("10-gogc-100", "10-gogc-200", "01-returned-slice")
"""Programs whose heap-triggered cycles real Go runs as many times as the steps (19, 9 and
3 in every run seen), though a trigger's exact MB moves with measured timings
(docs/real-go.md, "Where the bundled scenarios and real Go differ")."""


@pytest.fixture
def verify(go_tool, monkeypatch, capsys):
    monkeypatch.setenv("GOMEMTUI_GO", str(go_tool.go))
    monkeypatch.setenv("GOCACHE", str(go_tool.cache / "gocache"))  # one standard-library build for all
    for name in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["verify", *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.mark.parametrize("name", BUNDLED)
def test_verify_compares_the_real_program_with_the_steps(verify, tmp_path, name: str) -> None:
    kept = tmp_path / "real.log"
    status, out, err = verify(name, "--keep-log", str(kept))
    assert status in (0, 4), err
    assert "Traceback" not in err
    real_lines = [line for line in kept.read_text().splitlines()  # whole lines: a program that exits
                  if line.startswith("gc ") and line.endswith((" P", " P (forced)"))]  # may cut the last one
    assert "real Go: go1.27" in out and "GODEBUG=gctrace=1" in out
    assert f", {len(real_lines)} cycle(s)" in out
    assert f"real Go {len(real_lines)}" in out
    verdict = [line for line in out.splitlines() if line.startswith("verdict: ")]
    said = "agree: " if status == 0 else "disagree: "
    assert len(verdict) == 1 and verdict[0].startswith("verdict: the program and the steps " + said)


@pytest.mark.parametrize("name", ONLY_FORCED)
def test_forced_cycles_on_a_small_heap_agree(verify, name: str) -> None:
    status, out, err = verify(name)
    assert status == 0, out + err
    assert "verdict: the program and the steps agree" in out


@pytest.mark.parametrize("name", SAME_CYCLES)
def test_heap_triggered_cycles_are_as_many_as_real_gos(verify, name: str) -> None:
    status, out, err = verify(name)
    assert status in (0, 4), out + err
    counts = [line for line in out.splitlines() if line.startswith("  cycles: model ")]
    assert len(counts) == 1, out
    model, real = (int(x) for x in re.findall(r"\d+", counts[0]))
    assert abs(model - real) <= 1, counts[0]


def test_the_scenario_settings_reach_the_program(verify) -> None:
    status, out, _ = verify("tour", "--gomaxprocs", "2", "--gogc", "50")
    assert "GODEBUG=gctrace=1 GOGC=50 GOMEMLIMIT=off GOMAXPROCS=2" in out
    rows = [line for line in out.splitlines() if line.strip().startswith(("1 |", "2 |"))]
    assert len(rows) == 2 and status in (0, 4)


def test_a_program_that_never_ends_is_stopped_at_the_run_timeout(verify) -> None:
    status, out, err = verify(NEVER_ENDS, "--run-timeout", "2")
    assert (status, out) == (1, "")
    assert err.endswith("11-memory-limit.toml: the program did not finish within 2 s (does it loop for ever? "
                        "--run-timeout gives it longer)\n")


def test_json_adds_the_go_version_and_environment(verify) -> None:
    import json

    status, out, _ = verify("map-and-pool", "--json")
    objects = [json.loads(line) for line in out.splitlines()]
    summary = objects[-1]
    assert status == 0 and summary["all_agree"] is True
    assert summary["go_version"].startswith("go1.27")
    assert summary["env"] == {"GODEBUG": "gctrace=1", "GOGC": "100", "GOMEMLIMIT": "off", "GOMAXPROCS": "1"}
    assert [o["gc"] for o in objects[:-1]] == [1, 2, 3, 4, 5]
