"""The maps panel: totals, one summary line per map, then each map's Swiss tables, groups
and full / empty / deleted slots.

The summaries come first, all together, so that two maps can be compared at a glance
(after `delete` of every key a map keeps its tables and has tombstones; after `clear` it
keeps its tables and has none) before a thousand lines of control bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.runtime.read.totals import map_totals
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.facts import counted
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


def map_shape(m: MapView) -> str:
    """`2 tables, 256 groups`, or `small: 1 group` (no table yet)."""
    if m.small:
        return f"small: {counted(m.groups, 'group')}"
    return f"{counted(m.table_count, 'table')}, {counted(m.groups, 'group')}"


def map_summary(m: MapView, name_width: int = 0) -> str:
    """`a  len 0 · 2 tables, 256 groups · 36.1 KiB · 1,793 tombstones`."""
    return (f"{m.var:<{name_width}}  len {m.len:,} · {map_shape(m)} · {format_bytes(m.bytes)} · "
            f"{counted(m.tombstones, 'tombstone')}")


def totals_line(maps: tuple[MapView, ...]) -> str:
    """`2 maps · len 0 · 72.2 KiB · 4 tables, 512 groups · 1,793 tombstones`."""
    t = map_totals(maps)
    return (f"{counted(t.count, 'map')} · len {t.len:,} · {format_bytes(t.bytes)} · "
            f"{counted(t.tables, 'table')}, {counted(t.groups, 'group')} · {counted(t.tombstones, 'tombstone')}")


def maps_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The totals (of two maps or more), one summary per map, then every map in detail:
    its header, then each table's figures and slots.

    Args:
        frame: The frame (its view's maps).
        width: Columns available.
        styles: Styles for "title", "full", "empty", "deleted", "muted".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    out: list[Text] = []
    maps = frame.view.maps
    if len(maps) > 1:
        out.append(Text(totals_line(maps), styles.get("title", Style(bold=True))))
    name_width = max((len(m.var) for m in maps), default=0)
    out.extend(Text(map_summary(m, name_width)) for m in maps)
    for m in maps:
        out.append(Text(""))
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
        out.append(Text("■ full  · empty  × deleted: a tombstone (memory stays until the map is dropped)",
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
