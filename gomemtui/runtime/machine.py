"""The simulated Go runtime: the facade that executes operations and exposes views.

(Work in progress: the signatures below are the contract the scenario runner, the CLI
and the UI are written against.)
"""

from __future__ import annotations

import numpy as np

from gomemtui.runtime.events import Event
from gomemtui.runtime.ops import Op, RuntimeSettings
from gomemtui.runtime.views import GCPhase, GridMode, RetentionPath, RuntimeView, SpanView


class Runtime:
    """A deterministic, steppable simulation of the Go 1.27 runtime's memory management."""

    def __init__(self, settings: RuntimeSettings, goroutines: tuple[str, ...] = ("main",)) -> None:
        raise NotImplementedError

    def apply(self, op: Op) -> list[Event]:
        """Execute one operation (including its repeats/loop body) and return its events."""
        raise NotImplementedError

    def mark_unit(self) -> list[Event]:
        """Do one unit of mark work (a root, a span or an object scanned); no-op unless marking."""
        raise NotImplementedError

    def advance_phase(self) -> list[Event]:
        """Move the collector to its next phase (starting a cycle if none runs)."""
        raise NotImplementedError

    def gc(self) -> list[Event]:
        """`runtime.GC()` now: a full forced cycle, sweeping included."""
        raise NotImplementedError

    @property
    def phase(self) -> GCPhase:
        raise NotImplementedError

    def view(self) -> RuntimeView:
        raise NotImplementedError

    def heap_grid(self, rows: int, cols: int, mode: GridMode) -> np.ndarray:
        """A rows×cols uint8 array of cell codes (see views.GRID_* and GridMode)."""
        raise NotImplementedError

    def span_at(self, row: int, col: int, rows: int, cols: int) -> int | None:
        """The id of the span drawn in a grid cell, for zooming."""
        raise NotImplementedError

    def span_view(self, span_id: int) -> SpanView:
        raise NotImplementedError

    def why_alive(self, name: str) -> RetentionPath:
        """The path from a root to the named variable's, array's or object's heap object."""
        raise NotImplementedError

    def json_state(self) -> dict:
        """`vars`, `heap`, `gc` and `pools` as `run --json` prints them (DESIGN.md)."""
        raise NotImplementedError

    def snapshot(self) -> object:
        """An opaque copy of the whole state, for rewinding."""
        raise NotImplementedError

    def restore(self, snapshot: object) -> None:
        raise NotImplementedError

    def digest(self) -> str:
        """A hash of the whole state, for determinism tests."""
        raise NotImplementedError
