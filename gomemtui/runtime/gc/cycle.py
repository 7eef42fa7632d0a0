"""One GC cycle's own state: from `gcStart` to the end of mark termination.

A `Cycle` exists only while a cycle runs (sweep termination, mark, mark termination);
the collector drops it when sweeping starts. What it measured goes into the gctrace
line (`gctrace.GCTraceRecord`) and the pacer; what outlives it (NumGC, pauses, the
trace lines) is the collector's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gomemtui.runtime.gc.marking import MarkState
from gomemtui.runtime.memory.stacks import StackChange


@dataclass
class Cycle:
    """A running GC cycle: what it measures and its mark state."""

    number: int
    forced: bool
    t_start: int
    """`gcStart`'s `now` (before STW #1): the pacer's markStartTime."""
    heap0: int
    """heapLive when the cycle started (gctrace's first heap figure)."""
    goal: int
    stw1_ns: int = 0
    t_mark: int = 0
    t_mark_term: int = 0
    stw2_ns: int = 0
    assist_ns: int = 0
    background_ns: int = 0
    fractional_ns: int = 0
    """Time the fractional worker ran on the mutator's P (`gcFractionalMarkTime`)."""
    idle_ns: int = 0
    heap1: int = 0
    marked: int = 0
    stack_scan: int = 0
    scan_work: int = 0
    root_work: int = 0
    mark: MarkState | None = None
    """Grey/black state of the reachable objects; None until STW #1 ends."""
    assist_credit: int = 0
    """`g.gcAssistBytes` of the mutator: bytes it may allocate before assisting
    (`gcResetMarkState` zeroes it)."""
    bg_scan_credit: int = 0
    """`gcController.bgScanCredit`: work background workers did that assists may steal."""
    stack_shrinks: list[StackChange] = field(default_factory=list)
    """Stacks shrunk by this cycle's stack scans (reported at mark termination)."""

    @property
    def marking(self) -> MarkState:
        """The mark state (the cycle is past STW #1)."""
        assert self.mark is not None, "no mark state before STW #1 ends"
        return self.mark
