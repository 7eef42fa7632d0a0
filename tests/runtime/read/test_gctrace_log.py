"""Reading real GODEBUG=gctrace=1 logs (tests/oracle/gctrace_logs/, recorded from Go 1.27.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemtui.runtime.read.gctrace_log import (
    GCTraceLog, RealCycle, parse_gctrace, parse_gctrace_lines, real_cycle_points,
)
from tests.oracle_data import ORACLE_DIR, oracle_cases

LOGS = ORACLE_DIR / "gctrace_logs"


def read(name: str) -> GCTraceLog:
    return parse_gctrace((LOGS / name).read_bytes().decode("utf-8", errors="replace"), name)


def test_a_forced_cycle_line_gives_every_field() -> None:
    line = ("gc 5 @0.014s 4%: 0.079+0.041+0.002 ms clock, 0.15+0/0.026/0.031+0.004 ms cpu, "
            "8->8->8 MB, 16 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)")  # 03-reslice.log, line 5
    (cycle,) = parse_gctrace_lines([line], "x").cycles
    assert cycle == RealCycle(
        cycle=5, start_ms=14, cpu_percent=4, clock_ms=(0.079, 0.041, 0.002),
        cpu_ms=(0.15, 0.0, 0.026, 0.031, 0.004), heap0_mb=8, heap1_mb=8, live_mb=8, goal_mb=16,
        stacks_mb=0, globals_mb=0, procs=4, forced=True, leak_check=False, line_number=1,
    )


def test_whole_milliseconds_and_seconds_past_one() -> None:
    # fmtNSAsMS prints whole ms from 10 ms up; itoaDiv puts seconds before the point
    line = ("gc 40 @12.345s 9%: 0.010+15+0.003 ms clock, 0.010+3.4/12/0+0.003 ms cpu, "
            "102->119->74 MB, 120 MB goal, 1 MB stacks, 2 MB globals, 8 P")
    (cycle,) = parse_gctrace_lines([line], "x").cycles
    assert (cycle.start_ms, cycle.clock_ms[1], cycle.cpu_ms[2], cycle.forced) == (12345, 15.0, 12.0, False)
    assert (cycle.heap0_mb, cycle.heap1_mb, cycle.live_mb, cycle.goal_mb) == (102, 119, 74, 120)
    assert (cycle.stacks_mb, cycle.globals_mb, cycle.procs) == (1, 2, 8)


def test_leak_check_cycles_and_lines_from_before_go_1_18() -> None:
    leak = ("gc 7 @1.000s 1% (checking for goroutine leaks): 0.01+0.2+0.003 ms clock, "
            "0.01+0/0.1/0+0.003 ms cpu, 4->4->1 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)")
    old = "gc 1 @0.017s 0%: 0.004+0.31+0.003 ms clock, 0.016+0.12/0.18/0.29+0.012 ms cpu, 4->4->0 MB, 5 MB goal, 4 P"
    log = parse_gctrace_lines([leak, old.replace("gc 1 ", "gc 8 ")], "x")
    assert [(c.cycle, c.leak_check, c.forced, c.stacks_mb) for c in log.cycles] == [(7, True, True, 0), (8, False, False, None)]
    assert log.skipped == ()


@pytest.mark.parametrize("case", oracle_cases("gctrace"), ids=lambda c: c["name"])
def test_the_oracles_recorded_lines_read_as_recorded(case) -> None:
    """tests/oracle/gctrace.json holds real lines and the figures read from them when recorded."""
    log = parse_gctrace_lines([g["raw"] for g in case["gcs"]], case["name"])
    assert log.skipped == ()
    got = [(c.cycle, c.heap0_mb, c.heap1_mb, c.live_mb, c.goal_mb, c.procs, c.forced, c.cpu_percent)
           for c in log.cycles]
    want = [(g["gc"], g["heap_at_start_mb"], g["heap_at_mark_end_mb"], g["marked_live_mb"], g["goal_mb"],
             g["procs"], g["forced"], g["cpu_percent_since_start"]) for g in case["gcs"]]
    assert got == want


def test_the_gogc_100_log() -> None:
    log = read("gogc-100.log")
    assert (log.lines, len(log.cycles), log.skipped) == (19, 19, ())
    assert [c.cycle for c in log.cycles] == list(range(1, 20))
    first, last = log.cycles[0], log.cycles[-1]
    assert (first.heap0_mb, first.heap1_mb, first.live_mb, first.goal_mb) == (3, 3, 1, 4)
    assert (last.heap0_mb, last.heap1_mb, last.live_mb, last.goal_mb, last.start_ms) == (103, 118, 74, 121, 42)
    assert not any(c.forced for c in log.cycles)


def test_a_line_real_go_cut_short_is_reported_not_read() -> None:
    log = read("03-reslice.log")
    assert [c.cycle for c in log.cycles] == [1, 2, 3, 4, 5]
    assert [c.forced for c in log.cycles] == [True, True, True, False, True]
    (cut,) = log.skipped
    assert cut.line_number == 6
    assert log.problems() == [
        "03-reslice.log:6: not a gctrace line: gc 6 @0.015s 4%: 0.12+0.13+0.002 ms clock, 0.24+0/0.095/0.009+0.004"]


def test_program_output_and_scavenger_lines_are_skipped_with_their_line_numbers() -> None:
    log = read("mixed.log")
    # 37 lines: 10 gctrace, 12 "iteration", 11 "scav", "done", 3 blank
    assert (log.lines, len(log.cycles), len(log.skipped)) == (37, 10, 24)
    assert [c.cycle for c in log.cycles if c.forced] == [4, 7, 9, 10]
    assert log.problems()[:2] == [
        "mixed.log:1: not a gctrace line: iteration 0: kept 1 MiB",
        "mixed.log:3: not a gctrace line: scav 0 KiB work (bg), 0 KiB work (eager), 3528 KiB now, 81% util",
    ]
    # "progress: " was printed without a newline; real gctrace lines never follow on it, scav lines do
    assert "mixed.log:10: not a gctrace line: progress: scav 0 KiB work (bg), 0 KiB work (eager), 5384 KiB now, 95% util" \
        in log.problems()


def test_garbage_lines_are_skipped_and_a_repeated_cycle_is_refused() -> None:
    log = read("garbage.log")
    assert (log.lines, len(log.cycles), len(log.skipped)) == (45, 11, 31)
    last = log.cycles[-1]
    assert (last.cycle, last.line_number, last.heap0_mb, last.goal_mb) == (11, 45, 1, 4)  # its "\r\n" dropped
    tail = log.problems()[-7:]
    assert tail == [
        "garbage.log:38: not a gctrace line: scvg: 0 MB released",
        "garbage.log:39: not a gctrace line: scvg0: inuse: 3, idle: 0, sys: 3, released: 0, consumed: 3 (MB)",
        "garbage.log:40: not a gctrace line: GC forced",
        "garbage.log:41: not a gctrace line: \\x00\\x01\ufffd\ufffd garbage \\x1b[31mred\\x1b[0m",
        "garbage.log:42: not a gctrace line: gc 11 @0.013s 3%: 0.002+0.034+0 ms clock, 0.002+0/0.0",
        "garbage.log:43: not a gctrace line: progc 11 @0.013s 3%: 0.002+0.034+0 ms clock, "
        "0.002+0/0.007/0.025+0 ms cpu, 12->…",
        "garbage.log:44: gc 3 after gc 10 (a second run in the same log?), skipped: gc 3 @0.001s 9%: "
        "0.002+0.072+0 ms clock, 0.002+0.037/0/0+0 ms cpu, 6->6->4 MB, …",
    ]


def test_program_output_before_a_gctrace_line_on_the_same_line_is_ignored() -> None:
    line = ("progress: gc 4 @0.002s 9%: 0.002+0.042+0 ms clock, 0.002+0/0.007/0.030+0 ms cpu, "
            "6->6->4 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)")
    (cycle,) = parse_gctrace_lines([line], "x").cycles
    assert (cycle.cycle, cycle.live_mb, cycle.forced) == (4, 4, True)


def test_an_empty_log_has_no_lines_and_blank_lines_are_not_reported() -> None:
    assert parse_gctrace("", "e") == GCTraceLog("e", (), (), 0)
    log = parse_gctrace("\n  \n\r\n", "b")
    assert (log.lines, log.cycles, log.skipped) == (3, (), ())


def test_figures_too_long_for_a_go_integer_are_not_a_gctrace_line() -> None:
    line = ("gc 1 @0.000s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, " + "9" * 5000
            + "->1->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P")
    log = parse_gctrace_lines([line], "x")
    assert (log.cycles, len(log.skipped)) == ((), 1)
    assert len(log.problems()[0]) < 200


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_without_raising(text: str) -> None:
    log = parse_gctrace(text, "fuzz")
    assert len(log.cycles) + len(log.skipped) <= log.lines
    for message in log.problems():
        assert message.startswith("fuzz:") and "\n" not in message


GCTRACE_LIKE = st.lists(st.sampled_from([
    "gc ", "1", "17", " @", "0.012", "s ", "2%", ": ", "0.011+0.25+0.003", " ms clock, ",
    "0.011+0/0.1/0+0.003", " ms cpu, ", "4->4->0", " MB, ", "4 MB goal, ", "0 MB stacks, ",
    "0 MB globals, ", "8 P", " (forced)", "\n", "\r", "+", "/", "->", "\x00", "é",
]), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(GCTRACE_LIKE)
def test_near_gctrace_text_reads_without_raising(text: str) -> None:
    log = parse_gctrace(text, "fuzz")
    numbers = [c.cycle for c in log.cycles]
    assert numbers == sorted(set(numbers))  # each cycle number stands for one cycle


def test_chart_points_are_the_printed_mib_in_bytes_and_seconds() -> None:
    points = real_cycle_points(read("mixed.log"))
    assert len(points) == 10
    p = points[6]  # "gc 7 @0.010s 2%: ... 10->10->8 MB, 17 MB goal, ... (forced)"
    assert (p.cycle, p.start_s, p.heap_start, p.goal, p.live_end, p.forced) == (
        7, 0.010, 10 * 1048576, 17 * 1048576, 8 * 1048576, True)


def test_the_recorded_logs_are_there() -> None:
    names = sorted(p.name for p in Path(LOGS).glob("*.log"))
    assert names == ["03-reslice.log", "garbage.log", "gogc-100.log", "gogc-200.log", "gogc-50.log",
                     "map-and-pool.log", "mixed.log", "tour.log"]
