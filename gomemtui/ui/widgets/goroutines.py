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
    for g in frame.view.goroutines:
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
