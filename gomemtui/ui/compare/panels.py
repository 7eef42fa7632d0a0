"""The panels a comparison can show on both sides, in Tab order, with their names."""

from __future__ import annotations

__all__ = ["COMPARE_PANELS", "PANEL_TITLES"]

COMPARE_PANELS: tuple[str, ...] = ("heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "source")
"""The panel ids (`compare --panel`, Tab)."""

PANEL_TITLES: dict[str, str] = {
    "heap": "Heap map", "gc": "GC & pacer", "slices": "Slices", "maps": "Maps", "pool": "sync.Pool",
    "goroutines": "Goroutines", "explain": "Explain", "source": "Source",
}
"""The panels' names, as the main screen's panels are titled."""
