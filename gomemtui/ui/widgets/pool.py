"""The sync.Pool panel: totals, one summary line per pool, then each pool's per-P private
and shared slots and its victim cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.runtime.read.totals import pool_totals
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.facts import counted
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import PoolLocalView, PoolView


def local_line(label: str, local: PoolLocalView) -> str:
    """`P0 private o3 · shared [o4 o5]`."""
    private = local.private or "—"
    shared = " ".join(local.shared) if local.shared else ""
    return f"  {label}P{local.p}  private {private:<6} shared [{shared}]"


def pool_figures(cached: int, local: int, victim: int, hits: int, misses: int, news: int, own: int) -> str:
    """`cached 1 (0 local + 1 victim) · hits 1 · misses 1 · New 1 · 304 B own`."""
    return (f"cached {cached:,} ({local:,} local + {victim:,} victim) · hits {hits:,} · misses {misses:,} · "
            f"New {news:,} · {format_bytes(own)} own")


def pool_summary(pool: PoolView, name_width: int = 0) -> str:
    """One pool's counters, what it caches and its own memory, after its name."""
    return f"{pool.var:<{name_width}}  " + pool_figures(
        pool.cached, pool.local_cached, pool.victim_cached, pool.hits, pool.misses, pool.news, pool.bytes)


def totals_line(pools: tuple[PoolView, ...]) -> str:
    """`2 pools · cached 3 (1 local + 2 victim) · ...`: the sums of the summaries."""
    t = pool_totals(pools)
    return f"{counted(t.count, 'pool')} · " + pool_figures(
        t.cached, t.local, t.victim, t.hits, t.misses, t.news, t.bytes)


def pool_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The totals (of two pools or more), one summary per pool (its counters, what it
    caches, its own memory), then each pool's per-P locals and victim cache.

    Args:
        frame: The frame (its view's pools).
        width: Columns available (unused: lines are cropped).
        styles: Styles for "title", "victim", "muted".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    out: list[Text] = []
    pools = frame.view.pools
    if len(pools) > 1:
        out.append(Text(totals_line(pools), styles.get("title", Style(bold=True))))
    name_width = max((len(p.var) for p in pools), default=0)
    out.extend(Text(pool_summary(pool, name_width)) for pool in pools)
    for pool in pools:
        new = "New set" if pool.has_new else "no New"
        out.append(Text(""))
        out.append(Text(f"{pool.var} sync.Pool of {pool.type} · {new}", styles.get("title", Style(bold=True))))
        if pool.bytes:
            out.append(Text(f"  own memory {format_bytes(pool.bytes)}: its poolLocal arrays and chain dequeues",
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
