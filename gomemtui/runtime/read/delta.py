"""What one action changed: five figures before and after it, and a memory of positions.

The delta line above the explanation says what the last action (a scenario step, a unit
of mark work, a GC phase, `runtime.GC()`) did to the figures a teacher points at: the
heap, the live heap, objects, spans and goroutines. Each is a figure the views already
carry and the tests check against real Go (HeapAlloc, HeapObjects, `/gc/heap/live:bytes`
and `runtime.NumGoroutine()` in `tests/realgo/test_memstats_json.py`; spans per size
class in `tests/oracle/sizeclass_roundup.json`).

The figures before an action are those of the timeline position before it. `FigureTrail`
remembers them for the positions the player has been at, so stepping forward, jumping
forward (the player notes the position before a jump's last step) and stepping back over
positions already seen cost nothing; a position whose predecessor was never seen (a step
back past positions a jump skipped, a GC phase walk that ran steps) has it read once by
rewinding, which costs about one more replay of that step.

No import of the views at run time: the player creates a trail before the core loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from gomemtui.runtime.read.views import RuntimeView


@dataclass(frozen=True)
class StepFigures:
    """The five figures of one timeline position."""

    heap: int
    """HeapAlloc: bytes of allocated heap objects, garbage not yet swept included."""
    live: int
    """`/gc/heap/live:bytes`: what the last completed cycle marked (0 before the first)."""
    objects: int
    """HeapObjects: allocated heap objects (Mallocs − Frees)."""
    spans: int
    """Heap spans in use (the heap map's legend)."""
    goroutines: int
    """`runtime.NumGoroutine()`: goroutines that have not returned, main included."""


def step_figures(view: RuntimeView) -> StepFigures:
    """The five figures of a view."""
    return StepFigures(
        heap=view.memstats.heap_alloc,
        live=view.gc.last_marked,
        objects=view.memstats.heap_objects,
        spans=view.spans_in_use,
        goroutines=sum(1 for g in view.goroutines if g.state != "dead"),
    )


FIGURE_NAMES: tuple[str, ...] = ("heap", "live", "objects", "spans", "goroutines")
"""The figures in the order the delta line names them."""


@dataclass(frozen=True)
class StepDelta:
    """The figures before and after one action, and their differences."""

    before: StepFigures
    after: StepFigures

    def change(self, name: str) -> int:
        """After minus before for one of `FIGURE_NAMES`."""
        return int(getattr(self.after, name)) - int(getattr(self.before, name))

    @property
    def changes(self) -> tuple[tuple[str, int], ...]:
        """(name, after − before) for every figure, in `FIGURE_NAMES` order."""
        return tuple((name, self.change(name)) for name in FIGURE_NAMES)


class FigureTrail:
    """The figures at the timeline positions seen, to compare a position with the one before.

    The player calls `start` before each action, `note` where it passes on the way (before
    the last step of a jump), and `delta` when it builds the frame after the action. An
    action that moves forward may give the timeline a new future (a step taken after
    stepping back instead of the recorded one), so it drops what was remembered past its
    start, but for what it noted itself; moving back never changes the timeline.
    """

    def __init__(self) -> None:
        self._figures: dict[int, StepFigures] = {}
        self._start: int | None = None
        self._noted: set[int] = set()

    def __len__(self) -> int:
        return len(self._figures)

    def at(self, position: int) -> StepFigures | None:
        """The figures remembered for a position, if any."""
        return self._figures.get(position)

    def start(self, position: int, view: RuntimeView) -> None:
        """An action is about to run from `position`, whose view is `view`."""
        self._start = position
        self._noted = {position}
        self._figures[position] = step_figures(view)

    def note(self, position: int, view: RuntimeView) -> None:
        """The action passes `position` on its way (its view is `view`)."""
        self._noted.add(position)
        self._figures[position] = step_figures(view)

    def delta(self, position: int, view: RuntimeView,
              view_at: Callable[[int], RuntimeView], before: int | None = None) -> StepDelta | None:
        """What the action that led to `position` changed (None at position 0).

        Args:
            position: The timeline position now.
            view: Its view.
            view_at: Reads the view at an earlier position (by rewinding), for a position
                never seen.
            before: Where that move began (`Timeline.previous_stop`: before the first part
                of a step run in parts); default `position - 1`.

        Returns:
            The figures at `before` and at `position`.
        """
        start, self._start = self._start, None
        if start is not None and position > start:
            for stale in [p for p in self._figures if p > start and p not in self._noted]:
                del self._figures[stale]
        self._noted = set()
        after = step_figures(view)
        self._figures[position] = after
        if position <= 0:
            return None
        at = position - 1 if before is None else before
        figures = self._figures.get(at)
        if figures is None:
            figures = step_figures(view_at(at))
            self._figures[at] = figures
        return StepDelta(figures, after)
