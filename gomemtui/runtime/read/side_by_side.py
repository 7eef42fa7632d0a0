"""Two runs side by side: the four figures `gomemtui compare` sets against each other.

`compare` plays two runs (two scenarios, or one with two sets of runtime settings) and
points at where they differ: the heap (HeapAlloc), the live heap the last cycle marked
(`/gc/heap/live:bytes`), GC cycles completed (NumGC) and heap objects (HeapObjects).
Each figure is one the runtime's views already carry; this module only reads them, from a
`RuntimeView` (the app) or from a `run --json` step object (`compare --json`), and pairs
them.

No import of the views at run time: the app loads this before the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal

if TYPE_CHECKING:
    from gomemtui.runtime.read.views import RuntimeView

FIGURE_NAMES: tuple[str, ...] = ("heap", "live", "cycles", "objects")
"""The compared figures, in the order the diff line and `compare --json` name them."""

Side = Literal["left", "right"]


@dataclass(frozen=True)
class SideFigures:
    """The four compared figures of one side at one position."""

    heap: int
    """HeapAlloc: bytes of allocated heap objects, garbage not yet swept included."""
    live: int
    """`/gc/heap/live:bytes`: what the last completed cycle marked (0 before the first)."""
    cycles: int
    """NumGC: GC cycles completed."""
    objects: int
    """HeapObjects: allocated heap objects (Mallocs − Frees)."""


def view_figures(view: RuntimeView) -> SideFigures:
    """The figures of a view (what the app draws)."""
    return SideFigures(
        heap=int(view.memstats.heap_alloc),
        live=int(view.gc.last_marked),
        cycles=int(view.memstats.num_gc),
        objects=int(view.memstats.heap_objects),
    )


def state_figures(state: dict[str, Any]) -> SideFigures:
    """The figures of a `run --json` step object (or `RuntimeReader.json_state()`)."""
    heap, gc, goal = state.get("heap", {}), state.get("gc", {}), state.get("goal", {})
    return SideFigures(
        heap=int(heap.get("alloc_bytes", 0)),
        live=int(goal.get("live_heap_bytes", 0) or 0),
        cycles=int(gc.get("cycles", 0)),
        objects=int(heap.get("objects", 0)),
    )


@dataclass(frozen=True)
class FigureDifference:
    """One figure on both sides."""

    name: str
    """One of `FIGURE_NAMES`."""
    left: int
    right: int

    @property
    def difference(self) -> int:
        """Right minus left."""
        return self.right - self.left

    @property
    def larger(self) -> Side | None:
        """The side whose figure is larger (None when they are equal)."""
        if self.left == self.right:
            return None
        return "left" if self.left > self.right else "right"

    def to_json(self) -> dict[str, Any]:
        return {"left": self.left, "right": self.right, "right_minus_left": self.difference,
                "larger": self.larger}


def differences(left: SideFigures, right: SideFigures) -> tuple[FigureDifference, ...]:
    """Each figure of `FIGURE_NAMES` on both sides."""
    return tuple(FigureDifference(name, int(getattr(left, name)), int(getattr(right, name)))
                 for name in FIGURE_NAMES)


def pair_steps(left: Iterable[dict[str, Any]], right: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Pair two runs' step objects (`run --json` lines) by index.

    Each pair is ``{"step", "left", "right", "ended", "differences"}``. When one run has
    fewer steps, its side is None past its end and named in ``ended``; its figures stay
    those of its last step (a program that has finished keeps its heap), so the
    differences go on against them. The runs are consumed one step at a time, in turn.
    """
    left_it, right_it = iter(left), iter(right)
    last: dict[Side, SideFigures] = {"left": SideFigures(0, 0, 0, 0), "right": SideFigures(0, 0, 0, 0)}
    ended: list[Side] = []
    index = 0
    while True:
        objects: dict[Side, dict[str, Any] | None] = {}
        sides: tuple[tuple[Side, Iterator[dict[str, Any]]], ...] = (("left", left_it), ("right", right_it))
        for side, it in sides:
            obj = None if side in ended else next(it, None)
            if obj is None and side not in ended:
                ended.append(side)
            if obj is not None:
                last[side] = state_figures(obj)
            objects[side] = obj
        if len(ended) == 2:
            return
        index += 1
        yield {
            "step": index,
            "left": objects["left"],
            "right": objects["right"],
            "ended": [side for side in ("left", "right") if side in ended],
            "differences": {d.name: d.to_json() for d in differences(last["left"], last["right"])},
        }
