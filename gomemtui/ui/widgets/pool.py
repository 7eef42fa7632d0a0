"""The sync.Pool panel: per-P private and shared slots, the victim cache, hits and misses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import PoolLocalView


def local_line(label: str, local: PoolLocalView) -> str:
    """`P0 private o3 · shared [o4 o5]`."""
    private = local.private or "—"
    shared = " ".join(local.shared) if local.shared else ""
    return f"  {label}P{local.p}  private {private:<6} shared [{shared}]"


def pool_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """Each pool: counters, the per-P locals, then the victim cache.

    Args:
        frame: The frame (its view's pools).
        width: Columns available (unused: lines are cropped).
        styles: Styles for "title", "victim", "muted".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    out: list[Text] = []
    for pool in frame.view.pools:
        new = "New set" if pool.has_new else "no New"
        out.append(Text(f"{pool.var} sync.Pool of {pool.type} · {new}", styles.get("title", Style(bold=True))))
        out.append(Text(f"  hits {pool.hits} · misses {pool.misses} · New calls {pool.news} · cached {pool.cached}"))
        if pool.bytes:
            out.append(Text(f"  own memory {format_bytes(pool.bytes)} (poolLocals, dequeues)",
                            styles.get("muted", Style(dim=True))))
        for local in pool.local:
            out.append(Text(local_line("", local)))
        if any(v.private or v.shared for v in pool.victim):
            for local in pool.victim:
                out.append(Text(local_line("victim ", local), styles.get("victim", Style(dim=True))))
        else:
            out.append(Text("  victim cache empty", styles.get("muted", Style(dim=True))))
    if not out:
        out.append(Text("no sync.Pool yet", styles.get("muted", Style(dim=True))))
    else:
        out.append(Text("A GC moves each pool's objects to its victim cache and drops the old victims.",
                        styles.get("muted", Style(dim=True))))
    return out


class PoolPanel(LinesView):
    """sync.Pool: private slots, shared chains, victim cache and their counters."""

    COMPONENT_CLASSES = {"pool-panel--title", "pool-panel--victim", "pool-panel--muted"}

    DEFAULT_CSS = """
    PoolPanel > .pool-panel--title { text-style: bold; }
    PoolPanel > .pool-panel--victim { color: $warning; }
    PoolPanel > .pool-panel--muted { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return pool_lines(frame, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))
