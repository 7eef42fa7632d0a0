"""The read side of one Runtime, as the app and the headless run read it.

`RuntimeReader` gathers the view builders of `build` and the heap map behind the
methods the UI's `RuntimeSource` protocol names, so a panel never reaches into the core.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gomemtui.runtime.core import Runtime
from gomemtui.runtime.enums import GCPhase, GridMode
from gomemtui.runtime.program import Program
from gomemtui.runtime.read import build, heap_map
from gomemtui.runtime.read.profile import HeapProfile, heap_profile
from gomemtui.runtime.read.views import RetentionPath, RuntimeView, SpanView


class RuntimeReader:
    """Read-only access to a Runtime: views, heap map, why-alive, JSON state.

    Args:
        runtime: The core to read; the reader holds no state of its own, so it stays
            valid when the runtime is rewound.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        """The core read."""

    @property
    def phase(self) -> GCPhase:
        return self.runtime.phase

    def view(self) -> RuntimeView:
        """Every panel's figures (cached per generation)."""
        return build.build_view(self.runtime)

    def heap_grid(self, rows: int, cols: int, mode: GridMode) -> np.ndarray:
        """A rows×cols uint8 array of cell codes (enums.GRID_* and GridMode)."""
        return build.heap_grid(self.runtime, rows, cols, mode)

    def span_at(self, row: int, col: int, rows: int, cols: int) -> int | None:
        """The span drawn in a cell of a rows×cols heap grid."""
        return heap_map.span_at(self.runtime.heap, row, col, rows, cols)

    def span_view(self, span_id: int) -> SpanView:
        """One span slot by slot, with mark colours while marking."""
        return build.span_view(self.runtime, span_id)

    def why_alive(self, name: str) -> RetentionPath:
        """The path from a root to the named variable's, array's or object's heap object."""
        return build.why_alive(self.runtime, name)

    def json_state(self) -> dict[str, Any]:
        """`vars`, `heap`, `gc` and `pools` as `run --json` prints them."""
        return build.json_state(self.runtime)

    def heap_profile(self, program: Program) -> HeapProfile:
        """Go's published heap profile by source line (what `gomemtui profile` writes)."""
        return heap_profile(self.runtime, program)
