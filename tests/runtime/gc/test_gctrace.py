"""gctrace lines: every `gc` line recorded from real Go 1.27.3 is reproduced exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomemtui.runtime.gc.gctrace import GCTraceRecord, fmt_ns_as_ms, format_gctrace, itoa_div
from tests.oracle_data import load_oracle, oracle_cases


def _gc_lines() -> list[dict]:
    return [g for case in oracle_cases("gctrace") for g in case["gcs"]]


def _ns(ms: float) -> int:
    """A duration printed as `ms` milliseconds, back in nanoseconds (exact for printed digits)."""
    return round(ms * 1_000_000)


def _record_from_parsed(g: dict) -> GCTraceRecord:
    """Build the raw record from the oracle's *parsed* fields (not from `raw`)."""
    procs = g["procs"]
    # All oracle runs are GOMAXPROCS=1, so stwprocs = 1 and cpu d/h equal clock a/c.
    assert g["cpu_ms_sweep_term"] == g["clock_ms_sweep_term_stw"]
    assert g["cpu_ms_mark_term"] == g["clock_ms_mark_term_stw"]
    return GCTraceRecord(
        cycle=g["gc"],
        start_ns=round(g["at_s"] * 1000) * 1_000_000,
        # Any fraction in [P%, P+1%) prints as P; the middle avoids float edge cases.
        cpu_fraction=(g["cpu_percent_since_start"] + 0.5) / 100,
        sweep_term_ns=_ns(g["clock_ms_sweep_term_stw"]),
        mark_ns=_ns(g["clock_ms_concurrent_mark"]),
        mark_term_ns=_ns(g["clock_ms_mark_term_stw"]),
        assist_ns=_ns(g["cpu_ms_assist"]),
        background_ns=_ns(g["cpu_ms_background_dedicated_fractional"]),
        idle_ns=_ns(g["cpu_ms_idle"]),
        heap0=g["heap_at_start_mb"] << 20,
        heap1=g["heap_at_mark_end_mb"] << 20,
        heap2=g["marked_live_mb"] << 20,
        goal=g["goal_mb"] << 20,
        stack_scan=g["stacks_mb"] << 20,
        globals_scan=g["globals_mb"] << 20,
        procs=procs,
        forced=g["forced"],
    )


@pytest.mark.parametrize("g", _gc_lines(), ids=lambda g: g["raw"][:40])
def test_every_oracle_gc_line_is_reproduced_exactly(g: dict) -> None:
    assert format_gctrace(_record_from_parsed(g)) == g["raw"]


def test_oracle_has_gc_lines() -> None:
    data = load_oracle("gctrace")
    assert sum(len(c["gcs"]) for c in data["cases"]) > 100


def test_sizes_are_truncated_mib_and_forced_suffix() -> None:
    rec = GCTraceRecord(
        cycle=2, start_ns=5_000_000, cpu_fraction=0.0, sweep_term_ns=6000, mark_ns=340_000,
        mark_term_ns=1000, assist_ns=0, background_ns=92_000, idle_ns=0,
        heap0=(64 << 20) + (1 << 20) - 1, heap1=64 << 20, heap2=0, goal=128 << 20,
        stack_scan=8528, globals_scan=165258, procs=4, stw_procs=2, forced=True,
    )
    assert format_gctrace(rec) == (
        "gc 2 @0.005s 0%: 0.006+0.34+0.001 ms clock, 0.012+0/0.092/0+0.002 ms cpu, "
        "64->64->0 MB, 128 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)"
    )


def _go_itoa_div(val: int, dec: int) -> str:
    """A literal port of Go's byte-buffer loop, as an independent reference."""
    buf = [""] * 24
    i = len(buf) - 1
    idec = i - dec
    while val >= 10 or i >= idec:
        buf[i] = chr(val % 10 + 48)
        i -= 1
        if i == idec:
            buf[i] = "."
            i -= 1
        val //= 10
    buf[i] = chr(val + 48)
    return "".join(buf[i:])


@given(st.integers(0, 10**12), st.integers(0, 3))
def test_itoa_div_matches_go_loop(val: int, dec: int) -> None:
    assert itoa_div(val, dec) == _go_itoa_div(val, dec)


@pytest.mark.parametrize(
    ("val", "dec", "out"),
    [(5, 3, "0.005"), (44, 3, "0.044"), (2343, 3, "2.343"), (34, 2, "0.34"), (12, 1, "1.2"), (12, 0, "12")],
)
def test_itoa_div_examples(val: int, dec: int, out: str) -> None:
    assert itoa_div(val, dec) == out


@given(st.integers(0, 10**11))
def test_fmt_ns_as_ms_has_two_significant_digits_below_10ms(ns: int) -> None:
    out = fmt_ns_as_ms(ns)
    if ns >= 10_000_000:
        assert out == str(ns // 1_000_000)
    elif ns < 1000:
        assert out == "0"
    else:
        digits = out.replace(".", "").lstrip("0")
        assert 1 <= len(digits) <= 2
        assert float(out) * 1e6 <= ns < (float(out) * 1e6) * 1.2 + 10_000
