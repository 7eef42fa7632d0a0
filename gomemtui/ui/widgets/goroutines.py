"""The goroutines panel: the totals, then each goroutine's state, stack size and use and
what it keeps alive; leaks stand out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.runtime.read.totals import GoroutineTotals, goroutine_totals
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.facts import counted
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import ChanView, GoroutineView
STATE_GLYPHS = {"running": "▶", "runnable": "◇", "blocked": "■", "dead": "✝"}


def stack_bar(g: GoroutineView, width: int = 10) -> str:
    """The stack as a small gauge of used over size."""
    if g.stack_size <= 0:
        return "▕" + " " * width + "▏"
    used = min(width, round(g.stack_used * width / g.stack_size))
    return "▕" + "█" * used + "░" * (width - used) + "▏"


def totals_line(t: GoroutineTotals) -> str:
    """`101 goroutines · 1 running · 100 blocked · stacks 202 KiB · retain 6.2 MiB heap`: the
    sums of the lines below (retain: the heap each one alone keeps alive)."""
    states = " · ".join(f"{n:,} {state}" for state, n in t.by_state)
    return (f"{counted(t.count, 'goroutine')} · {states} · stacks {format_bytes(t.stack_bytes)} · "
            f"retain {format_bytes(t.retained_bytes)} heap")


def goroutine_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The totals, then three lines per goroutine.

    Args:
        frame: The frame (its view's goroutines).
        width: Columns available.
        styles: Styles for "leak", "dead", "muted", "title".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    out: list[Text] = []
    if frame.view.goroutines:
        totals = goroutine_totals(frame.view.goroutines)
        style = styles.get("leak", Style(bold=True, color="red")) if totals.leaked else styles.get("title", Style(bold=True))
        out.append(Text(totals_line(totals), style))
    for g, hidden in _grouped(frame.view.goroutines):
        if hidden:
            out.append(Text(hidden_line(hidden), styles.get("muted", Style(dim=True))))
            continue
        glyph = STATE_GLYPHS.get(g.state, "?")
        style = Style()
        if g.leaked:
            style = styles.get("leak", Style(bold=True, color="red"))
        elif g.state == "dead":
            style = styles.get("dead", Style(dim=True))
        line = Text(f"{glyph} {g.name} · {g.state}", style)
        if g.waiting_on:
            line.append(f"  parked in {g.waiting_on}: a leak if nothing wakes it", style)
        elif g.leaked:
            line.append("  LEAK: blocked for ever", style)
        out.append(line)
        out.append(Text(f"    stack {stack_bar(g)} {format_bytes(g.stack_used)} used of {format_bytes(g.stack_size)}"))
        vars_ = ", ".join(g.vars) if g.vars else "no variables"
        retains = format_bytes(g.retained_bytes) + " heap"
        if g.state != "dead":
            retains += f" + {format_bytes(g.stack_size)} stack"
        out.append(Text(f"    holds {vars_} · retains {retains}",
                        styles.get("muted", Style(dim=True)) if not g.leaked else style))
    out.extend(channel_lines(frame.view.chans, styles))
    if not out:
        out.append(Text("no goroutines", styles.get("muted", Style(dim=True))))
    return out


# -- go count (issue 13) --

GROUP_OVER = 6
"""A `go` step's goroutines (`worker#0` …) are listed one by one up to this many; more
show the first two and the last one, and one line that sums the others."""


def _family(name: str) -> str | None:
    head, mark, tail = name.rpartition("#")
    return head if mark and tail.isdigit() else None


def _grouped(goroutines: tuple[GoroutineView, ...]) -> list[tuple[GoroutineView, tuple[GoroutineView, ...]]]:
    """Each goroutine as (g, ()), a long run of one `go` step's cut to its first two and
    last one with (first, hidden) in between."""
    out: list[tuple[GoroutineView, tuple[GoroutineView, ...]]] = []
    i = 0
    while i < len(goroutines):
        fam = _family(goroutines[i].name)
        j = i + 1
        while fam is not None and j < len(goroutines) and _family(goroutines[j].name) == fam:
            j += 1
        run = goroutines[i:j]
        if len(run) <= GROUP_OVER:
            out.extend((g, ()) for g in run)
        else:
            out.extend((g, ()) for g in run[:2])
            out.append((run[2], tuple(run[2:-1])))
            out.append((run[-1], ()))
        i = j
    return out


def hidden_line(hidden: tuple[GoroutineView, ...]) -> str:
    """`⋯ 9,997 more, worker#2 … worker#9998: 9,997 blocked · stacks 19.5 MiB · retain 627 MiB heap`."""
    t = goroutine_totals(hidden)
    states = " · ".join(f"{n:,} {state}" for state, n in t.by_state)
    return (f"⋯ {t.count:,} more, {hidden[0].name} … {hidden[-1].name}: {states} · "
            f"stacks {format_bytes(t.stack_bytes)} · retain {format_bytes(t.retained_bytes)} heap")


def channel_lines(chans: tuple[ChanView, ...], styles: dict[str, Style]) -> list[Text]:
    """Two lines per channel: its buffer's use and bytes, then what the buffer holds and
    which goroutines wait to send or receive."""
    out: list[Text] = []
    for ch in chans:
        where = "apart" if ch.buffer_apart else "in hchan"
        head = (f"⇄ {ch.var} chan {ch.elem} · {ch.len}/{ch.cap} buffered · {format_bytes(ch.bytes)}"
                + (f" (buffer {format_bytes(ch.buffer_bytes)} {where})" if ch.cap else " (unbuffered)")
                + (" · closed" if ch.closed else ""))
        out.append(Text(head, styles.get("title", Style(bold=True))))
        buffered = ", ".join(ch.buffered) if ch.buffered else "empty"
        waits = []
        if ch.senders:
            waits.append("senders " + ", ".join(ch.senders))
        if ch.receivers:
            waits.append("receivers " + ", ".join(ch.receivers))
        tail = " · ".join(waits) if waits else "nobody waiting"
        out.append(Text(f"    holds {buffered} · {tail}", styles.get("muted", Style(dim=True))))
    return out


class GoroutinesView(LinesView):
    """Goroutines and their stacks; a goroutine blocked for ever with memory is a leak."""

    COMPONENT_CLASSES = {
        "goroutines-view--leak", "goroutines-view--dead", "goroutines-view--muted", "goroutines-view--title",
    }

    DEFAULT_CSS = """
    GoroutinesView > .goroutines-view--title { text-style: bold; }
    GoroutinesView > .goroutines-view--leak { color: $error; text-style: bold; }
    GoroutinesView > .goroutines-view--dead { color: $text-muted; }
    GoroutinesView > .goroutines-view--muted { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return goroutine_lines(frame, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))
