"""The pacer chart's samples, kept in numpy arrays so checkpoints copy them cheaply."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gomemtui.runtime.enums import GCPhase

_PHASES = list(GCPhase)
_FIELDS = ("time_ns", "heap_live", "heap_inuse", "heap_marked", "trigger", "goal")
MAX_POINTS = 4096
"""When full, every other sample is dropped: the chart keeps its shape, memory stays bounded."""


@dataclass(frozen=True)
class PacerPoint:
    """One sample of the pacer chart."""

    time_ns: int
    heap_live: int
    heap_inuse: int
    heap_marked: int
    trigger: int
    goal: int
    phase: GCPhase


class PacerHistory:
    """Samples of (time, HeapAlloc, HeapInuse, marked, trigger, goal, phase)."""

    def __init__(self) -> None:
        self.values = np.zeros((MAX_POINTS, len(_FIELDS)), dtype=np.int64)
        self.phase = np.zeros(MAX_POINTS, dtype=np.int8)
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def last(self) -> tuple[np.ndarray, int] | None:
        if self.n == 0:
            return None
        return self.values[self.n - 1], int(self.phase[self.n - 1])

    def append(self, time_ns: int, live: int, inuse: int, marked: int, trigger: int, goal: int,
               phase: GCPhase) -> None:
        if self.n == MAX_POINTS:
            keep = np.arange(0, MAX_POINTS, 2)
            half = len(keep)
            self.values[:half] = self.values[keep]
            self.phase[:half] = self.phase[keep]
            self.n = half
        self.values[self.n] = (time_ns, live, inuse, marked, trigger, goal)
        self.phase[self.n] = _PHASES.index(phase)
        self.n += 1

    def points(self) -> tuple[PacerPoint, ...]:
        return tuple(
            PacerPoint(int(t), int(live), int(inuse), int(marked), int(trigger), int(goal), _PHASES[int(p)])
            for (t, live, inuse, marked, trigger, goal), p in zip(self.values[: self.n], self.phase[: self.n])
        )

    def __deepcopy__(self, memo: dict[int, object]) -> PacerHistory:
        copy = PacerHistory.__new__(PacerHistory)
        copy.values = self.values.copy()
        copy.phase = self.phase.copy()
        copy.n = self.n
        return copy
