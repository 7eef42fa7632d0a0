"""The `?` screen: every key, what each panel shows, and how to read the heap map."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gomemtui.ui.heap_palette import FILL_GLYPHS, MARK_GLYPHS

PANELS_HELP: tuple[tuple[str, str], ...] = (
    ("Source", "the Go program; ▶ marks the line of the last step run, · lines that have steps"),
    ("Heap map", "pages and spans; c changes the colors (auto: size class, or mark colors while the GC marks). "
                 "j/k/h/l or ↑/↓ show and move the cursor ┼ (or click a cell), Enter zooms into the span "
                 "under it, Esc goes back"),
    ("GC & pacer", "the phase (the two STW pauses in red), trigger, goal, mark progress, GC CPU, "
                   "finalizers, cleanups and weak pointers, what debug.FreeOSMemory returned, "
                   "gctrace lines (newest first), and the pacer chart of live heap / in use / trigger / goal "
                   "over simulated time, each in its own line style, with GOMEMLIMIT as ╌ when set; what-if runs (o) "
                   "and real Go's cycles (gomemtui SCENARIO --against LOG) drawn over it"),
    ("Slices", "each backing array with the slice headers over it: █ len, ▒ capacity beyond len "
               "(kept alive), ░ the rest of the array; struck-out arrays are garbage. Strings are "
               "drawn the same way over the bytes they point into: a substring keeps them all"),
    ("Maps", "totals, one line per map (len, tables, groups, bytes, tombstones), then the Swiss tables: "
             "■ full, · empty, × deleted slots, in groups of 8; the keys the scenario names and what "
             "their values point at"),
    ("sync.Pool", "totals, one line per pool (cached, hits / misses / New calls, its own memory), then the "
                  "per-P private slot and shared chain and the victim cache"),
    ("Goroutines", "totals (by state, stacks, heap retained), then each one's state, stack size and use, what it "
                   "keeps alive; LEAK marks a goroutine blocked for ever, 'parked in ch <- v' one waiting on a "
                   "channel; then each channel: buffered/cap, its bytes, what its buffer holds, who waits"),
    ("Explain", "what the last step changed (heap, live heap, objects, spans, goroutines), then what it did "
                "and why, with the numbers; on small terminals its first lines sit under the panel shown, "
                "and x opens all of it"),
    ("Event log", "everything the runtime did so far; stepping back trims it"),
    ("Top (pprof)", "t opens it: Go's heap profile by source line, as go tool pprof -top -lines reads "
                    "it (gomemtui profile writes the file): inuse and alloc space, their % of the total "
                    "and objects, sorted by one of them (s: the next). As in Go it is as of a completed "
                    "GC, so it lags the heap; every allocation counts (MemProfileRate=1)"),
)


LONG_HELP: dict[str, str] = {
    "toggle_play": "play / pause (stops at the end and at steps marked pause = true)",
    "step": "run the next step of the scenario (or the rest of a step ] stopped inside)",
    "step_back": "back to before the last step or GC command (instant: the core rewinds and replays)",
    "next_phase": "run the program until the GC phase changes (a cycle starts, its mark or sweep "
                  "ends), stopping inside a long step where that happens; never starts a cycle (g does)",
    "prev_phase": "back to where the GC phase last changed",
    "next_cycle": "run the program until the next GC cycle starts",
    "prev_cycle": "back to where the last GC cycle started",
    "mark_unit": "one unit of mark work (a root, a span or an object scanned)",
    "run_gc": "runtime.GC() now",
    "speed(1)": "play faster",
    "speed(-1)": "play slower",
    "home": "back to before the first step",
    "end": "run to the last step",
    "next_panel(1)": "next panel",
    "next_panel(-1)": "previous panel",
    "zoom": "zoom the active panel to the whole screen (again: back)",
    "color_mode": "heap map colors: auto / size class / fill / mark color",
    "why_alive": "why is this alive? the path from a root and the bytes it retains",
    "explain": "the whole explanation of the step (the Explain panel, zoomed); again, or Esc: back",
    "unzoom": "interrupt a long step that is running (the parts it finished stay), else leave the zoomed "
              "panel (after x: back to the panel before)",
    "help": "this screen",
    "app.quit": "quit",
    "leave": "quit (a scenario opened from the picker: back to the picker; ctrl+q quits)",
    # -- what-if overlays (issue 14) --
    "what_if": "what if…? re-run the scenario with another setting (GOGC=50, GOMEMLIMIT=64MiB, "
               "GOMAXPROCS=2, green_tea=false) in the background and draw its heap and goal over the "
               "pacer chart, each run in its own line style, with every run's cycles, peak heap and "
               "GC CPU at this step on a second header line; up to 3; again: remove one",
    # -- gomemtui compare: both sides at once --
    "lockstep_step": "both sides: run the next step (a side at its end stays there)",
    "lockstep_back": "both sides: back to before the last step",
    "lockstep_next_phase": "each side to its own next GC phase change; a side with none left before "
                           "its end waits where it is",
    "lockstep_prev_phase": "each side back to where its GC phase last changed",
    "lockstep_next_cycle": "each side to the start of its next GC cycle (a side with none left waits)",
    "lockstep_prev_cycle": "each side back to where its last GC cycle started",
    "lockstep_home": "both sides back to before the first step",
    "lockstep_end": "both sides to their last step",
    "switch_side": "small terminals: show the other side (the tab row under the panels says which)",
    "interrupt": "interrupt a long step running on either side (the parts it finished stay)",
    "top_panel": "open the Top panel (pprof's top by source line) and make it active; again: close it",
}
"""What each main-screen action does, in a sentence."""


def keys_table(bindings: list[Binding]) -> Table:
    """A two-column table of keys and what they do."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column()
    for b in bindings:
        keys = b.key_display or " / ".join(k.replace("_", " ") for k in b.key.split(","))
        table.add_row(keys, LONG_HELP.get(b.action, b.description or b.action))
    table.add_row("ctrl+p", "command palette: jump to a step, hide/show panels, colors, theme")
    table.add_row("Enter / Esc", "heap map: zoom into the span under the cursor / back")
    return table


def legend_text() -> Text:
    """How to read the heap map's glyphs."""
    fill = " ".join(FILL_GLYPHS[1:])
    return Text.assemble(
        ("Heap map glyphs\n", "bold"),
        f"  fill mode: {fill}  a span from nearly empty to full · idle page\n",
        f"  mark mode: {MARK_GLYPHS[2]} white (not reached)  {MARK_GLYPHS[3]} grey (queued)  "
        f"{MARK_GLYPHS[4]} black (marked)  {MARK_GLYPHS[5]} span queued by Green Tea  {MARK_GLYPHS[6]} free slots only\n",
        "  class mode: one color per size class (letters and digits under NO_COLOR)",
    )


class HelpScreen(ModalScreen[None]):
    """Keys, panels and legends."""

    BINDINGS = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; border-title-color: $accent;
        background: $surface; padding: 0 1;
    }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._key_bindings = bindings

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = "gomemtui help · Esc to close"
        with scroll:
            yield Static(Text("Keys", style="bold"))
            yield Static(keys_table(self._key_bindings))
            yield Static(Text("\nPanels", style="bold"))
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
            table.add_column(style="bold")
            table.add_column()
            for name, text in PANELS_HELP:
                table.add_row(name, text)
            yield Static(table)
            yield Static(Text("\n") + legend_text())
            yield Static(Text("\nEvery number shown is computed by the simulated Go 1.27 runtime; "
                              "where the simulation simplifies, the explain panel says so.", style="italic"))
