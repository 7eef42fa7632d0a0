"""The GC panel's text: phase (with the two STW pauses), pacer figures, mark progress, and
the gctrace lines, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from gomemtui.runtime.enums import GCPhase
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView
from gomemtui.units import NEVER_BYTES, format_bytes, format_count, format_goal, format_ns

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import GCView
PHASE_STRIP: tuple[tuple[GCPhase, str], ...] = (
    (GCPhase.OFF, "no cycle running"),
    (GCPhase.SWEEP_TERM, "STW sweep term"),
    (GCPhase.MARK, "mark"),
    (GCPhase.MARK_TERM, "STW mark term"),
    (GCPhase.SWEEP, "sweep"),
)
"""The phases in a row; the first is _GCoff with every span swept (the runtime's "GC off",
which is not GOGC=off)."""
MAX_GCTRACE = 50
"""gctrace lines shown: the newest ones."""


def phase_text(phase: GCPhase, styles: dict[str, Style]) -> Text:
    """The five phases in a row, the current one highlighted."""
    text = Text()
    for i, (p, label) in enumerate(PHASE_STRIP):
        if i:
            text.append(" ▸ ", styles.get("muted", Style(dim=True)))
        if p == phase:
            key = "stw" if p in (GCPhase.SWEEP_TERM, GCPhase.MARK_TERM) else "phase"
            text.append(f" {label} ", styles.get(key, Style(reverse=True)))
        else:
            text.append(label, styles.get("muted", Style(dim=True)))
    return text


def progress_bar(done: int, total: int, width: int = 16) -> str:
    """A gauge of done over total."""
    if total <= 0:
        return "▕" + " " * width + "▏"
    filled = max(0, min(width, round(done * width / total)))
    return "▕" + "█" * filled + "░" * (width - filled) + "▏"


def gc_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """Phase, settings, pacer figures, marking state, CPU and the gctrace lines (newest first).

    Args:
        frame: The frame (its view's GC and MemStats).
        width: Columns available (unused: lines are cropped).
        styles: Styles for "phase", "stw", "muted", "trace", "on".

    Returns:
        The panel's lines.
    """
    styles = styles or {}
    gc: GCView = frame.view.gc
    mem = frame.view.memstats
    gogc = "off" if gc.gogc is None else str(gc.gogc)
    limit = "off" if gc.memory_limit is None else format_bytes(gc.memory_limit)
    marker = "Green Tea (span-wise)" if gc.green_tea else "classic (object-wise)"
    wb = "write barrier ON" if gc.write_barrier else "write barrier off"
    out = [
        phase_text(gc.phase, styles),
        Text(f"cycle {gc.cycle} · GOGC {gogc} · limit {limit} · {marker} · {wb}"),
        Text(f"in use {format_bytes(mem.heap_inuse)} · alloc {format_bytes(mem.heap_alloc)} · "
             f"trigger {format_goal(None if gc.goal >= NEVER_BYTES else gc.trigger)} · goal {format_goal(gc.goal)} · "
             f"last marked {format_bytes(gc.last_marked)}"),
    ]
    if gc.phase in (GCPhase.SWEEP_TERM, GCPhase.MARK, GCPhase.MARK_TERM):
        out.append(Text(f"mark {progress_bar(gc.mark_work_done, gc.mark_work_total)} "
                        f"{format_bytes(gc.mark_work_done)} of ~{format_bytes(gc.mark_work_total)} scanned"))
        out.append(Text(f"objects ○ {format_count(gc.white_objects)} white · "
                        f"◐ {format_count(gc.grey_objects)} grey · "
                        f"● {format_count(gc.black_objects)} black · {gc.queued_spans} span(s) queued"))
    out.extend(specials_lines(frame, styles))
    limiter = "limiter ACTIVE" if gc.limiter_active else "limiter idle"
    last_pause = format_ns(gc.pauses_ns[-1]) if gc.pauses_ns else "—"
    out.append(Text(f"GC CPU {gc.cpu_fraction * 100:.1f} % · workers {gc.background_workers} · {limiter} · "
                    f"last STW {last_pause} · total {format_ns(mem.pause_total_ns)}"))
    if gc.gctrace:
        for line in reversed(gc.gctrace[-MAX_GCTRACE:]):  # the newest cycle first
            out.append(Text(line, styles.get("trace", Style(dim=True))))
    else:
        out.append(Text("no GC cycle yet (gctrace lines appear here)", styles.get("muted", Style(dim=True))))
    return out


MAX_LISTED = 6
"""Objects named per line of the specials; more are counted."""


def _names(names: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" … +{len(names) - MAX_LISTED}" if len(names) > MAX_LISTED else "")


def specials_lines(frame: Frame, styles: dict[str, Style]) -> list[Text]:
    """Finalizers, cleanups and weak pointers, what waits for its goroutine, and what
    debug.FreeOSMemory returned; nothing for a program that uses none of them."""
    view = frame.view
    out: list[Text] = []
    sp = view.specials
    if sp is not None:
        parts = []
        if sp.finalizers:
            parts.append(f"finalizer on {_names(sp.finalizers)}")
        if sp.cleanups:
            parts.append(_names(sp.cleanups))
        if sp.weak:
            parts.append("weak " + _names([f"{w} → {t or 'nil'}" for w, t in sp.weak]))
        if parts:
            out.append(Text("specials: " + " · ".join(parts)))
        waiting = [f"finalizer of {o}" for o in sp.queued_finalizers] + list(sp.queued_cleanups)
        if waiting:
            out.append(Text(f"queued to run: {_names(waiting)} (kept alive until then)", styles.get("on", Style(bold=True))))
    if view.free_os_memory_calls:
        mem = view.memstats
        out.append(Text(f"FreeOSMemory returned {format_bytes(view.os_released_forced)} to the OS · idle "
                        f"{format_bytes(mem.heap_idle)}, released {format_bytes(mem.heap_released)}"))
    return out


class GCStatus(LinesView):
    """The collector's phase, pacer figures, marking progress and gctrace lines."""

    COMPONENT_CLASSES = {"gc-status--phase", "gc-status--stw", "gc-status--muted", "gc-status--trace"}

    DEFAULT_CSS = """
    GCStatus > .gc-status--phase { background: $success; color: $background; text-style: bold; }
    GCStatus > .gc-status--stw { background: $error; color: $background; text-style: bold; }
    GCStatus > .gc-status--muted { color: $text-muted; }
    GCStatus > .gc-status--trace { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return gc_lines(frame, width, self.styles_for(*sorted(self.COMPONENT_CLASSES)))
