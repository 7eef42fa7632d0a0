"""The header line: title, step k/n, GC phase, heap in use / goal, playback, time, cycle.

The figures are spelled in three tiers (full for 200 columns, abbreviated for 100,
shortest for 80, see `gomemtui.ui.fit`); the title takes the room the figures leave and
is shortened at a word boundary with "…", never cut inside a word.

With what-if runs on the pacer chart, a second line compares the runs at the step shown:
cycles, peak heap and GC CPU of each, in the same three tiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from gomemtui.runtime.enums import GCPhase
from gomemtui.ui.fit import fit_words, join_fitting
from gomemtui.ui.frame import Frame
from gomemtui.units import NEVER_BYTES, format_bytes, format_goal, format_ns

if TYPE_CHECKING:
    from gomemtui.ui.preview import ScenarioPreview

SEPARATOR = " │ "
MIN_TITLE = 12
"""Narrowest title worth showing (with its "…"); below this the figures take the line."""

PHASE_WORDS: dict[GCPhase, tuple[str, str, str]] = {
    # "off" would read like GOGC=off: outside a cycle the header says no cycle runs.
    GCPhase.OFF: ("GC: no cycle running", "no GC cycle", "no cycle"),
    GCPhase.SWEEP_TERM: ("GC sweep termination (STW)", "GC sweep term (STW)", "sweep term"),
    GCPhase.MARK: ("GC mark", "GC mark", "GC mark"),
    GCPhase.MARK_TERM: ("GC mark termination (STW)", "GC mark term (STW)", "mark term"),
    GCPhase.SWEEP: ("GC sweep", "GC sweep", "GC sweep"),
}
"""The collector's phase in each tier (full, abbreviated, shortest)."""


def figure_tiers(frame: Frame, playing: bool, speed: float, busy: bool) -> list[list[str]]:
    """The header's figures in each tier, most important first.

    Args:
        frame: The frame shown.
        playing: Whether playback runs.
        speed: Actions per second.
        busy: The core is still working on an action.

    Returns:
        Three lists of parts: full (with the simulated time), abbreviated (without it),
        shortest (fewest words for the phase, and "paused" left unsaid: only playing
        shows).
    """
    view = frame.view
    gc = view.gc
    step = (f"in step {frame.next_step + 1}/{frame.total_steps}" if frame.where
            else f"step {frame.next_step}/{frame.total_steps}")
    heap = format_bytes(view.memstats.heap_inuse)
    never = gc.goal is None or gc.goal >= NEVER_BYTES
    goal_full = f"heap {heap} / goal {format_goal(gc.goal)}"
    goal_short = f"heap {heap} / goal never" if never else goal_full
    if busy and not playing:
        state = ("… working", "… working", "…")
    elif playing:
        state = (f"▶ playing {speed:g}/s", f"▶ {speed:g}/s", f"▶ {speed:g}/s")
    else:
        state = ("‖ paused", "‖ paused", "")  # the shortest tier leaves room for the title
    phase = PHASE_WORDS[gc.phase]
    time = f"t={format_ns(view.time_ns)}"
    cycle = f"cycle {gc.cycle}"
    tiers = [
        [step, phase[0], goal_full, state[0], cycle, time],
        [step, phase[1], goal_short, state[1], cycle],
        [step, phase[2], goal_short, state[2], cycle],
    ]
    return [[part for part in tier if part] for tier in tiers]


def header_text(frame: Frame | None, playing: bool, speed: float, width: int, busy: bool = False,
                preview: ScenarioPreview | None = None) -> Text:
    """The header's content, fitted to `width` without cutting a word.

    The longest tier of figures that leaves room for the whole title is used; if none
    does, the longest that leaves `MIN_TITLE` cells for it (the shortest tier if none
    does, leaving parts off its end if need be). The title gets what is left.

    Args:
        frame: The frame shown (None while loading).
        playing: Whether playback runs.
        speed: Actions per second.
        width: Columns available.
        busy: The core is still working on an action.
        preview: What the scenario file states (`gomemtui.ui.preview`), shown with no
            figures while the core loads and no frame is shown yet.

    Returns:
        One line of text, at most `width` cells.
    """
    if frame is not None:
        return fitted_header(frame.program.title or "gomemtui", figure_tiers(frame, playing, speed, busy), width)
    if preview is not None:
        step = f"step 0/{preview.total_steps}"
        return fitted_header(preview.title, [[step, "loading the runtime…"], [step, "loading…"], [step]], width)
    return Text(fit_words(" gomemtui · loading…", width))


def fitted_header(title: str, tiers: list[list[str]], width: int) -> Text:
    """The title and the longest tier of figures that fit `width` (see `header_text`)."""
    inner = max(0, width - 1)  # a space before the first part
    figures: list[str] = []
    for title_room in (cell_len(title), min(MIN_TITLE, cell_len(title))):
        # the whole title with the longest tier it leaves room for, else a shortened one
        figures = next((tier for tier in tiers
                        if cell_len(SEPARATOR.join(tier)) + cell_len(SEPARATOR) + title_room <= inner), [])
        if figures:
            break
    if not figures:
        figures = join_fitting([tiers[-1]], inner, SEPARATOR)
    room = inner - cell_len(SEPARATOR.join(figures)) - cell_len(SEPARATOR)
    shown_title = fit_words(title, room) if room >= min(MIN_TITLE, cell_len(title)) else ""
    parts = [shown_title, *figures] if shown_title else figures
    return Text(" " + SEPARATOR.join(parts))


@dataclass(frozen=True)
class RunFigures:
    """One run's figures for the header's second line (None: not known yet)."""

    label: str
    """"as written", or the what-if's setting ("GOGC=50")."""
    cycles: int | None = None
    peak_heap_bytes: int | None = None
    gc_cpu_fraction: float | None = None
    note: str = ""
    """Said instead of the figures: "running…", "failed"."""


def run_tiers(run: RunFigures) -> tuple[str, str, str]:
    """One run's part of the second line in each tier (full, abbreviated, shortest)."""
    if run.note or run.cycles is None or run.peak_heap_bytes is None or run.gc_cpu_fraction is None:
        note = run.note or "…"
        return (f"{run.label}: {note}", f"{run.label} {note}", f"{run.label} {note}")
    peak = format_bytes(run.peak_heap_bytes)
    cpu = f"{run.gc_cpu_fraction * 100:.1f} %"
    return (f"{run.label}: {run.cycles} cycles, peak {peak}, GC CPU {cpu}",
            f"{run.label} {run.cycles} cyc · {peak} · {cpu}",
            f"{run.label} {run.cycles}c {peak}")


def runs_text(runs: tuple[RunFigures, ...], width: int) -> Text:
    """The runs' figures on one line of at most `width` cells: the longest tier that fits,
    runs left off the end (whole) when even the shortest does not."""
    tiers = [[run_tiers(r)[t] for r in runs] for t in range(3)]
    parts = join_fitting(tiers, max(0, width - 1), SEPARATOR)
    return Text(" " + SEPARATOR.join(parts))


class StatusHeader(Widget):
    """One line of where we are: the essentials at any width."""

    DEFAULT_CSS = """
    StatusHeader { height: 1; background: $primary; color: $text; text-style: bold; }
    """

    frame: reactive[Frame | None] = reactive(None)
    """The frame shown."""
    playing: reactive[bool] = reactive(False)
    """Whether playback runs."""
    speed: reactive[float] = reactive(2.0)
    """Playback speed in actions per second."""
    busy: reactive[bool] = reactive(False)
    """An action is running in the core."""
    runs: reactive[tuple[RunFigures, ...]] = reactive(())
    """The runs compared on a second line (the run played and its what-ifs); none: one line."""

    def __init__(self, preview: ScenarioPreview | None = None) -> None:
        super().__init__()
        self.preview = preview
        """What the scenario file states, shown until the first frame (`gomemtui.ui.preview`)."""

    def watch_runs(self, runs: tuple[RunFigures, ...]) -> None:
        self.styles.height = 2 if runs else 1

    def render(self) -> Text:
        text = header_text(self.frame, self.playing, self.speed, self.size.width, self.busy, self.preview)
        if self.runs:
            text.append("\n")
            text.append_text(runs_text(self.runs, self.size.width))
        return text
