"""The small enums shared by the core's views and the UI.

Kept apart from `views` (a module of many frozen dataclasses, slow to import) so the app
can draw its first frame before the core is imported.
"""

from __future__ import annotations

from enum import Enum


class GCPhase(str, Enum):
    """The collector's phase as gomemtui shows it (`runtime/mgc.go` gcphase plus sweeping)."""

    OFF = "off"
    """_GCoff with every span swept: no collection in progress."""
    SWEEP_TERM = "sweep termination"
    """STW #1: finish sweeping, clear sync.Pools, prepare roots."""
    MARK = "mark"
    """_GCmark: concurrent marking, write barrier on, allocate black."""
    MARK_TERM = "mark termination"
    """STW #2: _GCmarktermination, the pacer commits the next goal."""
    SWEEP = "sweep"
    """_GCoff while spans remain unswept (lazy and background sweeping)."""


class MarkColor(int, Enum):
    """Tri-color state of a heap object (`mgc.go` header)."""

    WHITE = 0
    GREY = 1
    BLACK = 2


class GridMode(str, Enum):
    """What the heap map colors each cell by."""

    SIZE_CLASS = "class"
    FILL = "fill"
    MARK = "mark"


# Codes in a heap grid (uint8). FILL mode: 0 = not mapped, 1 = idle page,
# 2..10 = fill level of the span(s) in the cell, 0 % .. 100 % in eighths (2 = empty
# span, 10 = full). SIZE_CLASS mode: 0 = not mapped, 1 = idle, 2..69 = size class + 2
# (class 0 = large object gets 2). MARK mode: 0 = not mapped, 1 = idle, 2 = only white
# (unmarked) objects, 3 = some grey, 4 = all marked objects black, 5 = span queued by
# Green Tea, 6 = only free slots. Goroutine stacks have spans of their own, never drawn
# in the heap map.
GRID_UNMAPPED = 0
GRID_IDLE = 1
