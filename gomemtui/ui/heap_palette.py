"""Glyphs and styles for the heap map's cell codes (see `views.GRID_*` and `GridMode`).

Every code gets a glyph *and* a color, so the map still reads in 16 colors, in 256,
and under NO_COLOR (the "mono" palette leans on glyphs alone). Palettes are built once
per (mode, mono, base style) and reused for every line: the heap map never builds a
Style while drawing.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

from rich.style import Style

from gomemtui.runtime.enums import GridMode

IDLE_GLYPH = "·"
FILL_GLYPHS = " ▁▂▃▄▅▆▇█"
"""Fill level of a span in eighths: codes 2 (empty) .. 10 (full) in FILL mode."""
CLASS_GLYPHS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""Mono glyph of size class c (class 62 and up share '+')."""
MARK_GLYPHS = {2: "○", 3: "◐", 4: "●", 5: "◆", 6: "□"}
"""MARK mode: white, some grey, all black, queued by Green Tea, free only."""

IDLE_COLOR = "#5c6370"
LARGE_COLOR = "#d16ba5"

Cell = tuple[str, Style]


def class_color(size_class: int) -> str:
    """A color per size class: neighbours differ in hue, small classes are cool."""
    hue = (0.55 + size_class * 0.382) % 1.0
    light = 0.45 + 0.15 * ((size_class % 3) / 2)
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _fill_color(level: int) -> str:
    """Green to amber as a span fills (level 0..8)."""
    r, g, b = colorsys.hls_to_rgb(0.33 - 0.22 * level / 8, 0.55, 0.7)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _raw_cells(mode: GridMode, mono: bool) -> list[tuple[str, str | None, str | None]]:
    """(glyph, fg, bg) for every code 0..255."""
    cells: list[tuple[str, str | None, str | None]] = [("?", None, None)] * 256
    cells[0] = (" ", None, None)
    cells[1] = (IDLE_GLYPH, IDLE_COLOR, None)
    if mode is GridMode.SIZE_CLASS:
        cells[2] = ("@" if mono else " ", "#000000", LARGE_COLOR)
        for c in range(1, 68):
            glyph = CLASS_GLYPHS[c] if c < len(CLASS_GLYPHS) else "+"
            cells[c + 2] = (glyph if mono else " ", "#000000", class_color(c))
    elif mode is GridMode.FILL:
        for level in range(9):
            cells[2 + level] = (FILL_GLYPHS[level] if level else "_", _fill_color(level), "#2b313b")
    else:
        cells[2] = (MARK_GLYPHS[2], "#3a3a3a", "#e8e8e8")
        cells[3] = (MARK_GLYPHS[3], "#1a1a1a", "#9e9e9e")
        cells[4] = (MARK_GLYPHS[4], "#d0d0d0", "#262626")
        cells[5] = (MARK_GLYPHS[5], "#ffffff", "#2e7d32")
        cells[6] = (MARK_GLYPHS[6], IDLE_COLOR, None)
    return cells


@lru_cache(maxsize=32)
def palette(mode: GridMode, mono: bool, base: Style = Style()) -> tuple[Cell, ...]:
    """Glyph and Style for each of the 256 codes, on top of the widget's base style.

    Args:
        mode: What the grid's codes mean.
        mono: Draw for NO_COLOR: glyphs only, no colors.
        base: The widget's own style (background, foreground).

    Returns:
        A tuple indexed by code.
    """
    out: list[Cell] = []
    for glyph, fg, bg in _raw_cells(mode, mono):
        if mono:
            style = base
        else:
            style = base + Style(color=fg, bgcolor=bg)
        out.append((glyph, style))
    return tuple(out)


def legend(mode: GridMode) -> list[tuple[int, str]]:
    """Codes worth a legend entry for a mode, with their labels."""
    if mode is GridMode.SIZE_CLASS:
        return [(3, "small class"), (20, "medium"), (50, "big"), (2, "large obj"), (1, "idle")]
    if mode is GridMode.FILL:
        return [(2, "empty"), (6, "half"), (10, "full"), (1, "idle")]
    return [(2, "white"), (3, "grey"), (4, "black"), (5, "queued"), (6, "free")]
