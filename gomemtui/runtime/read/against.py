"""The model's GC cycles beside real Go's, cycle by cycle.

The model knows its heap figures to the byte; a real gctrace line prints them as
`bytes >> 20` (`runtime/mgc.go gcMarkTermination`: whole MiB, truncated, labelled "MB").
So the model's bytes are truncated the same way before comparing, and a figure *agrees*
when both print the same number: the model's value falls in the MiB the real one did.
A difference of 1 MB may therefore be a few bytes on either side of a MiB boundary; a
difference of 2 MB or more is a real disagreement.

Cycles are paired by their number (`gc N`): the model's first cycle beside real Go's
first, and so on; the longer run's extra cycles stand alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from gomemtui.runtime.read.gctrace_log import MIB, GCTraceLog, RealCycle, parse_gctrace_lines

__all__ = ["FIGURES", "FIGURE_LABELS", "ModelCycle", "CyclePair", "Comparison", "compare",
           "model_cycles", "to_mb"]

FIGURES = ("heap0", "heap1", "live", "goal")
"""The compared sizes: heap at the start, heap at the end of marking, live heap, goal."""
FIGURE_LABELS = {"heap0": "heap at start", "heap1": "heap at end", "live": "live heap", "goal": "goal"}


def to_mb(n_bytes: int) -> int:
    """Bytes as gctrace prints them: `n >> 20` (truncated MiB)."""
    return n_bytes >> 20


@dataclass(frozen=True)
class ModelCycle:
    """One cycle of the model, from its "gc" event, in bytes."""

    cycle: int
    start_ms: int
    """The `@T s` of the model's own gctrace line, in milliseconds."""
    heap0: int
    heap1: int
    live: int
    goal: int
    forced: bool

    def mb(self, figure: str) -> int:
        return to_mb(int(getattr(self, figure)))


def _real_mb(real: RealCycle, figure: str) -> int:
    return {"heap0": real.heap0_mb, "heap1": real.heap1_mb, "live": real.live_mb, "goal": real.goal_mb}[figure]


def model_cycles(gc_events: Iterable[Mapping[str, Any]]) -> tuple[ModelCycle, ...]:
    """The model's cycles from the data of its "gc" events (as `Event.data` holds them)."""
    cycles = []
    for data in gc_events:
        own = parse_gctrace_lines([str(data.get("line", ""))], "model").cycles
        cycles.append(ModelCycle(
            cycle=int(data["cycle"]), start_ms=own[0].start_ms if own else 0,
            heap0=int(data["heap0"]), heap1=int(data["heap1"]), live=int(data["live"]),
            goal=int(data["goal"]), forced=bool(data.get("forced", False)),
        ))
    return tuple(cycles)


@dataclass(frozen=True)
class CyclePair:
    """Cycle N of the model beside cycle N of real Go (either may be missing)."""

    cycle: int
    model: ModelCycle | None
    real: RealCycle | None

    @property
    def paired(self) -> bool:
        return self.model is not None and self.real is not None

    def model_mb(self, figure: str) -> int | None:
        return None if self.model is None else self.model.mb(figure)

    def real_mb(self, figure: str) -> int | None:
        return None if self.real is None else _real_mb(self.real, figure)

    def difference(self, figure: str) -> int | None:
        """Model minus real, in printed MB (None unless both are there)."""
        if self.model is None or self.real is None:
            return None
        return self.model.mb(figure) - _real_mb(self.real, figure)

    @property
    def forced_agrees(self) -> bool:
        return self.model is not None and self.real is not None and self.model.forced == self.real.forced

    @property
    def agrees(self) -> bool:
        """Both ran this cycle, every figure prints the same, and both or neither were forced."""
        return self.paired and self.forced_agrees and all(self.difference(f) == 0 for f in FIGURES)

    def to_json(self) -> dict[str, Any]:
        """The pair as `run --against --json` prints it (sizes in bytes for the model, MB for both)."""
        model = None if self.model is None else {
            "start_ms": self.model.start_ms, "heap0_bytes": self.model.heap0, "heap1_bytes": self.model.heap1,
            "live_bytes": self.model.live, "goal_bytes": self.model.goal, "forced": self.model.forced,
            **{f"{f}_mb": self.model.mb(f) for f in FIGURES},
        }
        real = None if self.real is None else {
            "start_ms": self.real.start_ms, "line": self.real.line_number, "forced": self.real.forced,
            **{f"{f}_mb": _real_mb(self.real, f) for f in FIGURES},
        }
        diff = None if not self.paired else {f"{f}_mb": self.difference(f) for f in FIGURES}
        return {"gc": self.cycle, "model": model, "real": real, "difference": diff, "agree": self.agrees}


@dataclass(frozen=True)
class Comparison:
    """All pairs and what they add up to."""

    pairs: tuple[CyclePair, ...]
    model_count: int
    real_count: int
    agreeing: dict[str, int] = field(default_factory=dict)
    """Per figure (and "forced"), in how many paired cycles it agrees."""

    @property
    def paired(self) -> int:
        return sum(1 for p in self.pairs if p.paired)

    @property
    def agree_count(self) -> int:
        return sum(1 for p in self.pairs if p.agrees)

    @property
    def within_one_mb(self) -> int:
        """Paired cycles (forced alike) whose every figure is at most 1 MB apart."""
        return sum(1 for p in self.pairs if p.paired and p.forced_agrees
                   and all(abs(p.difference(f) or 0) <= 1 for f in FIGURES))

    def largest_difference(self) -> tuple[str, int, int] | None:
        """(figure, model − real in MB, cycle) of the largest difference, or None."""
        best: tuple[str, int, int] | None = None
        for p in self.pairs:
            for f in FIGURES:
                d = p.difference(f)
                if d and (best is None or abs(d) > abs(best[1])):
                    best = (f, d, p.cycle)
        return best

    @property
    def all_agree(self) -> bool:
        """The same number of cycles, and every pair agrees."""
        return self.model_count == self.real_count and self.agree_count == self.model_count

    def to_json(self) -> dict[str, Any]:
        largest = self.largest_difference()
        return {
            "summary": True, "model_cycles": self.model_count, "real_cycles": self.real_count,
            "paired": self.paired, "agree": self.agree_count, "within_1_mb": self.within_one_mb,
            "agreeing_by_figure": dict(self.agreeing), "all_agree": self.all_agree,
            "largest_difference": None if largest is None else
            {"figure": largest[0], "mb": largest[1], "gc": largest[2]},
            "mb": f"bytes >> 20 ({MIB} bytes), as gctrace prints sizes",
        }


def compare(model: Iterable[ModelCycle], log: GCTraceLog) -> Comparison:
    """Pair the model's cycles with the log's by cycle number."""
    by_number_model = {c.cycle: c for c in model}
    by_number_real = {c.cycle: c for c in log.cycles}
    numbers = sorted(set(by_number_model) | set(by_number_real))
    pairs = tuple(CyclePair(n, by_number_model.get(n), by_number_real.get(n)) for n in numbers)
    agreeing = {f: sum(1 for p in pairs if p.difference(f) == 0) for f in FIGURES}
    agreeing["forced"] = sum(1 for p in pairs if p.forced_agrees)
    return Comparison(pairs, len(by_number_model), len(by_number_real), agreeing)
