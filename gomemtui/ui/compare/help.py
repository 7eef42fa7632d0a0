"""The compare screen's `?`: its keys, the diff line, and what each panel shows."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from gomemtui.ui.compare.diff_line import LARGER
from gomemtui.ui.screens.help import LONG_HELP, PANELS_HELP, HelpScreen, legend_text

__all__ = ["CompareHelpScreen"]

DIFF_HELP = (
    "The line under the tabs: each side's step (left│right), then the heap (HeapAlloc), the live "
    "heap the last GC cycle marked, GC cycles completed and heap objects, the left side's value "
    f"first; the larger value of each figure is highlighted and marked {LARGER}. Each side's title "
    "names its scenario and its own settings (\"as written\": the file's)."
)


class CompareHelpScreen(HelpScreen):
    """Keys of the compare screen, the diff line, the panels and the heap map's legend."""

    def __init__(self, bindings: list[Binding], panels: tuple[str, ...]) -> None:
        super().__init__(bindings)
        self._panels = panels

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = "gomemtui compare help · Esc to close"
        with scroll:
            yield Static(Text("Keys", style="bold"))
            keys = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
            keys.add_column(style="bold")
            keys.add_column()
            for b in self._key_bindings:
                shown = b.key_display or " / ".join(k.replace("_", " ") for k in b.key.split(","))
                keys.add_row(shown, LONG_HELP.get(b.action, b.description or b.action))
            yield Static(keys)
            yield Static(Text.assemble(("\nDiff line\n", "bold"), DIFF_HELP))
            yield Static(Text("\nPanels (both sides show the same one)", style="bold"))
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
            table.add_column(style="bold")
            table.add_column()
            for name, text in PANELS_HELP:
                if name in self._panels:
                    table.add_row(name, text)
            yield Static(table)
            yield Static(Text("\n") + legend_text())
