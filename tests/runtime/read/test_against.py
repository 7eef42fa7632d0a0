"""Pairing the model's cycles with real Go's, sizes compared as gctrace prints them."""

from __future__ import annotations

from gomemtui.runtime.read.against import ModelCycle, compare, model_cycles, to_mb
from gomemtui.runtime.read.gctrace_log import parse_gctrace_lines

MiB = 1 << 20
REAL = [
    "gc 1 @0.000s 24%: 0.004+0.10+0.003 ms clock, 0.004+0.094/0/0+0.003 ms cpu, 4->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 1 P",
    "gc 2 @0.001s 8%: 0.002+0.044+0 ms clock, 0.002+0.042/0/0+0 ms cpu, 5->5->3 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 1 P",
    "gc 3 @0.001s 9%: 0.002+0.072+0 ms clock, 0.002+0.037/0/0+0 ms cpu, 6->6->4 MB, 6 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)",
]  # the first three lines of tests/oracle/gctrace_logs/mixed.log, the third marked forced


def cycle(n: int, heap0: int, heap1: int, live: int, goal: int, forced: bool = False) -> ModelCycle:
    return ModelCycle(n, 0, heap0, heap1, live, goal, forced)


def test_bytes_are_cut_to_whole_mib_like_gctrace() -> None:
    assert [to_mb(b) for b in (0, MiB - 1, MiB, 5 * MiB - 1, 5 * MiB)] == [0, 0, 1, 4, 5]


def test_a_figure_agrees_when_the_model_falls_in_the_printed_mib() -> None:
    log = parse_gctrace_lines(REAL[:1], "r")
    # 4 MiB .. 5 MiB - 1 all print as 4: agree; 4 MiB - 1 prints as 3: one MB off
    inside = compare([cycle(1, 4 * MiB, 5 * MiB - 1, 2 * MiB + 12345, 4 * MiB)], log)
    below = compare([cycle(1, 4 * MiB - 1, 4 * MiB, 2 * MiB, 4 * MiB)], log)
    assert inside.pairs[0].agrees and inside.all_agree
    assert [below.pairs[0].difference(f) for f in ("heap0", "heap1", "live", "goal")] == [-1, 0, 0, 0]
    assert not below.pairs[0].agrees and below.within_one_mb == 1


def test_cycles_pair_by_number_and_the_extra_ones_stand_alone() -> None:
    log = parse_gctrace_lines(REAL, "r")
    model = [cycle(1, 4 * MiB, 4 * MiB, 2 * MiB, 4 * MiB), cycle(2, 5 * MiB, 7 * MiB, 3 * MiB, 5 * MiB)]
    c = compare(model, log)
    assert [(p.cycle, p.model is not None, p.real is not None) for p in c.pairs] == [
        (1, True, True), (2, True, True), (3, False, True)]
    assert (c.model_count, c.real_count, c.paired, c.agree_count) == (2, 3, 2, 1)
    assert c.pairs[1].difference("heap1") == 2  # 7 MB in the model, 5 real
    assert c.largest_difference() == ("heap1", 2, 2)
    assert c.agreeing == {"heap0": 2, "heap1": 1, "live": 2, "goal": 2, "forced": 2}
    assert not c.all_agree


def test_a_forced_cycle_only_agrees_with_a_forced_one() -> None:
    log = parse_gctrace_lines(REAL, "r")
    same = [cycle(1, 4 * MiB, 4 * MiB, 2 * MiB, 4 * MiB), cycle(2, 5 * MiB, 5 * MiB, 3 * MiB, 5 * MiB)]
    c = compare([*same, cycle(3, 6 * MiB, 6 * MiB, 4 * MiB, 6 * MiB, forced=False)], log)
    assert [p.agrees for p in c.pairs] == [True, True, False]
    assert c.agreeing["forced"] == 2 and c.within_one_mb == 2
    c = compare([*same, cycle(3, 6 * MiB, 6 * MiB, 4 * MiB, 6 * MiB, forced=True)], log)
    assert c.all_agree


def test_json_pairs_carry_both_sides() -> None:
    log = parse_gctrace_lines(REAL[:1], "r")
    pair = compare([cycle(1, 4 * MiB + 7, 4 * MiB, 3 * MiB, 4 * MiB)], log).pairs[0]
    assert pair.to_json() == {
        "gc": 1,
        "model": {"start_ms": 0, "heap0_bytes": 4 * MiB + 7, "heap1_bytes": 4 * MiB, "live_bytes": 3 * MiB,
                  "goal_bytes": 4 * MiB, "forced": False, "heap0_mb": 4, "heap1_mb": 4, "live_mb": 3, "goal_mb": 4},
        "real": {"start_ms": 0, "line": 1, "forced": False, "heap0_mb": 4, "heap1_mb": 4, "live_mb": 2, "goal_mb": 4},
        "difference": {"heap0_mb": 0, "heap1_mb": 0, "live_mb": 1, "goal_mb": 0},
        "agree": False,
    }


def test_model_cycles_come_from_gc_event_data_and_their_own_line() -> None:
    data = {"cycle": 2, "heap0": 3 * MiB + 5, "heap1": 3 * MiB + 9, "live": 2 * MiB, "goal": 4 * MiB,
            "forced": True, "line": REAL[1].replace("@0.001s", "@1.250s")}
    (c,) = model_cycles([data])
    assert c == ModelCycle(2, 1250, 3 * MiB + 5, 3 * MiB + 9, 2 * MiB, 4 * MiB, True)
