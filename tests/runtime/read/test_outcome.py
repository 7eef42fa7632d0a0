"""A run's figures step by step (`play_trace`): the two-buffer scenario worked out by hand,
and the last step's figures being the run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomemtui.runtime.read.outcome import PeakHeap, play_trace
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program

TWO_BUFFERS = Path(__file__).parents[2] / "cli" / "data" / "two-buffers.toml"
MiB = 1 << 20


def test_two_buffers_step_by_step() -> None:
    """keep (1 MiB) then tmp (2 MiB) are allocated, tmp is dropped, runtime.GC() frees it:
    HeapAlloc 1, 3, 3, 1 MiB; the peak 1, 3, 3, 3 MiB; one cycle, at the last step, which
    marks keep live."""
    trace = play_trace(Timeline(load_program(str(TWO_BUFFERS)), rewind=False))
    assert [s.heap_bytes for s in trace.steps] == [MiB, 3 * MiB, 3 * MiB, MiB]
    assert [s.peak_heap_bytes for s in trace.steps] == [MiB, 3 * MiB, 3 * MiB, 3 * MiB]
    assert [s.cycles for s in trace.steps] == [0, 0, 0, 1]
    assert [s.live_bytes for s in trace.steps] == [0, 0, 0, MiB]
    assert trace.steps[2].pause_total_ns == 0 < trace.steps[3].pause_total_ns
    assert trace.at_step(0).cycles == 0 and trace.at_step(0).time_ns == 0
    assert trace.at_step(99) == trace.steps[-1]
    f = trace.figures
    assert (f.steps, f.cycles, f.forced_cycles, f.peak_heap_bytes, f.peak_step) == (4, 1, 1, 3 * MiB, 2)


@pytest.mark.parametrize("scenario", ["gogc-100", "tour"])
def test_the_last_steps_figures_are_the_runs(scenario: str) -> None:
    trace = play_trace(Timeline(load_program(scenario), rewind=False))
    last = trace.steps[-1]
    f = trace.figures
    assert (last.cycles, last.peak_heap_bytes, last.pause_total_ns, last.gc_cpu_fraction, last.heap_bytes,
            last.live_bytes, last.time_ns) == (f.cycles, f.peak_heap_bytes, f.pause_total_ns,
                                               f.gc_cpu_fraction, f.heap_bytes, f.live_bytes, f.time_ns)
    peaks = [s.peak_heap_bytes for s in trace.steps]
    assert peaks == sorted(peaks)
    assert all(s.peak_heap_bytes >= s.heap_bytes for s in trace.steps)
    assert trace.history_until(last.time_ns) == trace.history


def test_a_check_that_raises_stops_the_run() -> None:
    class Stop(Exception):
        pass

    seen: list[str] = []

    def check(where: str) -> None:
        seen.append(where)
        if where == "after step 2":
            raise Stop

    with pytest.raises(Stop):
        play_trace(Timeline(load_program(str(TWO_BUFFERS)), rewind=False), check)
    assert seen[-1] == "after step 2" and "after step 1" in seen and "after step 3" not in seen


def test_peak_heap_counts_gc_heaps_less_the_start_up_heap() -> None:
    from gomemtui.runtime.events import Event

    peak = PeakHeap()
    peak.see_step(1, 1000, ())
    gc = Event("gc", "", {"heap0": 5000, "heap1": 6000, "startup_heap": 2000})
    peak.see_step(2, 1500, (gc,))
    assert (peak.bytes, peak.step) == (4000, 2)  # 6000 - 2000
