"""The Top panel: Go's heap profile by source line, as `go tool pprof -top -lines` lists it.

Each row is a line of `[source]` with its inuse and alloc figures (space, share of the
total, objects), sorted by one of them (`s` picks which). The figures are the profile
`gomemtui profile` writes (`runtime/read/profile.py`), so the panel and the file agree;
like Go's, the profile is as of a completed GC and lags the heap the other panels show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only
    from gomemtui.runtime.read.profile import HeapProfile, TopRow

SORT_ORDER: tuple[str, ...] = ("inuse_space", "alloc_space", "inuse_objects", "alloc_objects")
"""What `s` cycles through; inuse_space first, pprof's default for a heap profile."""

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("inuse_space", "inuse", 9), ("inuse_share", "%", 6), ("inuse_objects", "objs", 7),
    ("alloc_space", "alloc", 9), ("alloc_share", "%", 6), ("alloc_objects", "objs", 7),
)
"""(figure, heading, width) of each number column, left to right."""
WIDE_COLUMNS = 96
"""Narrower than this, the object columns are left out (but the one sorted by)."""
NARROW_COLUMNS = 70
"""Narrower than this, only the figure sorted by (and its %) is shown."""


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "-"


def row_cells(row: TopRow, profile: HeapProfile) -> dict[str, str]:
    """The number columns of one row, formatted."""
    return {
        "inuse_space": format_bytes(row.inuse_space),
        "inuse_share": _share(row.inuse_space, profile.total("inuse_space")),
        "inuse_objects": f"{row.inuse_objects:,}",
        "alloc_space": format_bytes(row.alloc_space),
        "alloc_share": _share(row.alloc_space, profile.total("alloc_space")),
        "alloc_objects": f"{row.alloc_objects:,}",
    }


def summary_line(profile: HeapProfile) -> str:
    """`as of gc 6 · inuse 1.0 MiB in 65 objects · alloc 17.0 MiB in 135`."""
    inuse = profile.total("inuse_objects")
    return (f"as of gc {profile.as_of_gc} · inuse {format_bytes(profile.total('inuse_space'))} in "
            f"{inuse:,} object{'' if inuse == 1 else 's'} · alloc {format_bytes(profile.total('alloc_space'))} "
            f"in {profile.total('alloc_objects'):,}")


def top_panel_lines(frame: Frame, sort: str, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The panel's lines: what the profile is as of, the column headings, a row per line.

    Args:
        frame: The frame (its heap profile).
        sort: One of `SORT_ORDER`: the figure the rows are sorted by (its heading is marked).
        width: Columns available (the source text is cut to fit).
        styles: Styles for "title", "sorted", "muted".
    """
    styles = styles or {}
    muted = styles.get("muted", Style(dim=True))
    profile = frame.profile
    if profile is None:
        return [Text("no heap profile for this runtime", muted)]
    if not profile.as_of_gc:
        return [
            Text("no heap profile yet", styles.get("title", Style(bold=True))),
            Text("Go publishes a GC's allocations and frees after the GC that follows it "
                 "(runtime.GC() publishes its own): g runs one now.", muted),
        ]
    out = [Text(summary_line(profile), styles.get("title", Style(bold=True)))]
    from gomemtui.runtime.read.profile import top_lines  # the core's module: loaded by now

    rows = top_lines(profile, sort)
    columns = _columns(sort, width)
    heading = Text()
    for figure, title, w in columns:
        label = ("▼" + title) if figure == sort else title
        heading.append(f"{label:>{w}} ", styles.get("sorted", Style(bold=True)) if figure == sort else muted)
    heading.append(" line", muted)
    out.append(heading)
    for row in rows:
        cells = row_cells(row, profile)
        text = Text()
        for figure, _title, w in columns:
            text.append(f"{cells[figure]:>{w}} ", styles.get("sorted", Style(bold=True)) if figure == sort else "")
        site = row.site
        text.append(f" {profile.source_name}:{site.line} {site.function}")
        if site.code:
            text.append(f"  {site.code}", muted)
        text.truncate(max(width, 1), overflow="ellipsis")
        out.append(text)
    if not rows:
        out.append(Text(f"nothing by {sort} in this profile (s: sort by another figure)", muted))
    out.append(Text(f"sorted by {sort} · s: sort by {_next_sort(sort)}", muted))
    return out


def _columns(sort: str, width: int) -> list[tuple[str, str, int]]:
    """The number columns that fit `width` (the location needs the rest of the line)."""
    if width >= WIDE_COLUMNS:
        return list(COLUMNS)
    if width >= NARROW_COLUMNS:
        return [c for c in COLUMNS if not c[0].endswith("_objects") or c[0] == sort]
    share = sort.replace("_space", "_share")
    return [c for c in COLUMNS if c[0] in (sort, share)]


def _next_sort(sort: str) -> str:
    return SORT_ORDER[(SORT_ORDER.index(sort) + 1) % len(SORT_ORDER)]


class TopView(LinesView):
    """Go's heap profile by source line (pprof's `top`), sorted by one figure."""

    COMPONENT_CLASSES = {"top-view--title", "top-view--sorted", "top-view--muted"}

    DEFAULT_CSS = """
    TopView > .top-view--title { text-style: bold; }
    TopView > .top-view--sorted { text-style: bold; color: $accent; }
    TopView > .top-view--muted { color: $text-muted; }
    """

    BINDINGS = [Binding("s", "next_sort", "Sort", show=False)]

    sort: reactive[str] = reactive(SORT_ORDER[0], repaint=False)
    """The figure the rows are sorted by (one of `SORT_ORDER`)."""

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return top_panel_lines(frame, self.sort, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))

    def watch_sort(self, sort: str) -> None:
        self.rebuild()

    def action_next_sort(self) -> None:
        """Sort by the next figure: inuse space, alloc space, inuse objects, alloc objects."""
        self.sort = _next_sort(self.sort)

