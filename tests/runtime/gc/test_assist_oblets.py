"""Mark-assist credit for large pointerful objects.

Go's rules (`runtime/mgcmark.go`):
* `gcAssistAlloc` asks `gcDrainN` for `debt × assistWorkPerByte` of scan work, at least
  `gcOverAssistWork` = 64 KiB, and `gcAssistAlloc1` credits the goroutine
  `1 + assistBytesPerWork × workDone`.
* `gcDrainN` stops as soon as the work done reaches its budget, after a whole root job
  (a data/BSS block, a stack) or a whole scan unit; `scanobject` scans an object bigger
  than `maxObletBytes` = 128 KiB one oblet at a time, queueing the other oblets.

So an assist owed 64 KiB of work that meets a 1 MiB pointer array scans one 128 KiB oblet
of it and is credited for that oblet only; the rest of the array is scanned (and
credited) by later assists, at the assist ratio of their time. The simulator scans the
whole array at once; the work beyond the oblet goes to the background credit pool
(`bgScanCredit`), which later assists steal at their own ratio.
"""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.gc.marking import OBJECT_MARK_COST
from gomemtui.runtime.types import parse_type
from gomemtui.runtime.read.views import GCPhase

KiB = 1 << 10
MiB = 1 << 20
GC_OVER_ASSIST_WORK = 64 * KiB
"""`gcOverAssistWork` (`mgcmark.go`)."""
MAX_OBLET_BYTES = 128 * KiB
"""`maxObletBytes` (`mgcmark.go`)."""
POINTER_ARRAY = parse_type("[131072]*int")
"""1 MiB, every word a pointer slot (scenario 11's `[128 << 10]*Node`)."""


def marking_runtime() -> Runtime:
    """Four 1 MiB pointer arrays live on main's stack, and a cycle in its mark phase."""
    r = Runtime(ops.RuntimeSettings(gogc=100, gomaxprocs=1))
    for i in range(4):
        r.apply(ops.New(f"a{i}", POINTER_ARRAY))
    r.collector.start_cycle(forced=False)
    r.collector.advance_phase()  # STW #1 ends: concurrent mark
    assert r.collector.phase is GCPhase.MARK
    return r


def test_an_assist_is_credited_for_root_jobs_whole() -> None:
    """The first assist (64 KiB owed) scans the globals' data/BSS root job whole (165,258 B,
    more than it owed) and is credited for all of it: gcDrainN counts markroot's work."""
    r = marking_runtime()
    globals_bytes = r.settings.globals_bytes
    assert globals_bytes > GC_OVER_ASSIST_WORK
    r.collector._assist(GC_OVER_ASSIST_WORK)
    per_work = r.pacer.assist_bytes_per_work
    assert r.collector.mark.work_done == globals_bytes
    assert r.collector.cycle.assist_credit == -GC_OVER_ASSIST_WORK + 1 + int(per_work * globals_bytes)
    assert r.collector.cycle.bg_scan_credit == 0


def test_an_assist_that_meets_a_large_object_is_credited_for_one_oblet() -> None:
    r = marking_runtime()
    r.collector._assist(GC_OVER_ASSIST_WORK)  # the globals
    r.collector.cycle.assist_credit = 0
    before = r.collector.mark.work_done
    roots_before = sum(job.work for job in r.collector.mark.roots if job.done)
    r.collector._assist(1)  # owes 1 byte: gcOverAssistWork applies
    per_work = r.pacer.assist_bytes_per_work
    roots = sum(job.work for job in r.collector.mark.roots if job.done) - roots_before  # main's stack
    array_work = MiB + OBJECT_MARK_COST
    assert r.collector.mark.work_done - before == roots + array_work  # the simulator scanned one whole array
    # ... but the assist is paid for the stack and one 128 KiB oblet, as gcDrainN would have
    # scanned; the other seven oblets' work waits in bgScanCredit.
    assert r.collector.cycle.assist_credit == -1 + 1 + int(per_work * (roots + MAX_OBLET_BYTES))
    assert r.collector.cycle.bg_scan_credit == array_work - MAX_OBLET_BYTES


def test_later_assists_claim_the_leftover_oblets_at_their_own_ratio() -> None:
    r = marking_runtime()
    r.collector._assist(GC_OVER_ASSIST_WORK)
    r.collector.cycle.assist_credit = 0
    r.collector._assist(1)
    left = r.collector.cycle.bg_scan_credit
    r.collector.cycle.assist_credit = 0
    done = r.collector.mark.work_done
    r.collector._assist(1)  # gcAssistAlloc steals bgScanCredit before scanning anything itself
    stolen = left - r.collector.cycle.bg_scan_credit
    assert 0 < stolen <= left
    assert r.collector.mark.work_done == done  # the leftover covered the whole assist: nothing scanned
    assert r.collector.cycle.assist_credit > 0
