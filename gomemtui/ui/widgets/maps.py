"""The maps panel: each map's Swiss tables, groups and full / empty / deleted slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import MapView
CTRL_GLYPHS = {"F": "■", ".": "·", "x": "×"}
"""Slot glyphs: full, empty, deleted (tombstone)."""
MAX_TABLES = 12
MAX_ENTRIES = 8
"""Named keys listed under a map; more are counted."""


def ctrl_text(ctrl: str, width: int, styles: dict[str, Style]) -> list[Text]:
    """A table's control bytes as glyphs, a space between groups of 8, wrapped."""
    keys = {"F": "full", ".": "empty", "x": "deleted"}
    groups = [ctrl[i:i + 8] for i in range(0, len(ctrl), 8)]
    per_line = max(1, (width - 4) // 9)
    lines: list[Text] = []
    for i in range(0, len(groups), per_line):
        text = Text("    ")
        for group in groups[i:i + per_line]:
            for ch in group:
                text.append(CTRL_GLYPHS.get(ch, "?"), styles.get(keys.get(ch, "empty"), Style()))
            text.append(" ")
        lines.append(text)
    return lines


def map_header(m: MapView) -> str:
    """`m map[string]int · len 5 · 1.2 KiB` and its shape."""
    owner = "global" if m.goroutine is None else m.goroutine
    shape = "small map: one group of 8 slots" if m.small else (
        f"{len(m.tables)} table(s) · directory {m.dir_len} (global depth {m.global_depth})")
    return f"{m.var} map[{m.key}]{m.value} · len {m.len} · {format_bytes(m.bytes)} ({owner}) · {shape}"


def maps_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """Every map: its header, then each table's figures and slots.

    Args:
        frame: The frame (its view's maps).
        width: Columns available.
        styles: Styles for "title", "full", "empty", "deleted", "muted".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    out: list[Text] = []
    for m in frame.view.maps:
        out.append(Text(map_header(m), styles.get("title", Style(bold=True))))
        for i, t in enumerate(m.tables[:MAX_TABLES]):
            out.append(Text(
                f"  table {i}: {t.used}/{t.capacity} used · {t.tombstones} deleted · "
                f"growth left {t.growth_left} · depth {t.local_depth}"))
            out.extend(ctrl_text(t.ctrl, width, styles))
        if len(m.tables) > MAX_TABLES:
            out.append(Text(f"  … {len(m.tables) - MAX_TABLES} more tables", styles.get("muted", Style(dim=True))))
        entries = m.entries
        if entries:
            shown = ", ".join(k if target is None else f"{k} → {target}" for k, target in entries[:MAX_ENTRIES])
            more = f" … +{len(entries) - MAX_ENTRIES}" if len(entries) > MAX_ENTRIES else ""
            out.append(Text(f"  keys: {shown}{more}"))
    if not out:
        out.append(Text("no maps yet", styles.get("muted", Style(dim=True))))
    else:
        out.append(Text("■ full  · empty  × deleted (memory stays until the map is dropped)",
                        styles.get("muted", Style(dim=True))))
    return out


class MapsView(LinesView):
    """Swiss-table maps: groups, tables, tombstones and growth."""

    COMPONENT_CLASSES = {
        "maps-view--title", "maps-view--full", "maps-view--empty", "maps-view--deleted", "maps-view--muted",
    }

    DEFAULT_CSS = """
    MapsView > .maps-view--title { text-style: bold; }
    MapsView > .maps-view--full { color: $success; }
    MapsView > .maps-view--empty { color: $text-muted; }
    MapsView > .maps-view--deleted { color: $error; }
    MapsView > .maps-view--muted { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return maps_lines(frame, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))
