"""A one-line row of panel names, the active one highlighted (small terminals)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


SHORT_TITLES = {
    "source": "Src", "heap": "Heap", "gc": "GC", "slices": "Slices", "maps": "Maps",
    "pool": "Pool", "goroutines": "Gs", "explain": "Explain", "log": "Log",
    "pprof": "Top",
}
"""Labels used when the full titles do not fit the width ("Explain", not "Why": `w` is
why-is-this-alive)."""


class PanelTabs(Widget):
    """Names of the panels; clicking one activates it."""

    COMPONENT_CLASSES = {"panel-tabs--active", "panel-tabs--hidden"}

    DEFAULT_CSS = """
    PanelTabs { height: 1; background: $panel; color: $text-muted; }
    PanelTabs > .panel-tabs--active { background: $accent; color: $text; text-style: bold; }
    PanelTabs > .panel-tabs--hidden { text-style: strike; }
    """

    tabs: reactive[tuple[tuple[str, str, bool], ...]] = reactive(())
    """(panel id, title, visible) for each panel in order."""
    active: reactive[str] = reactive("")
    """Id of the active panel."""

    @dataclass
    class Selected(Message):
        """A tab was clicked."""

        panel_id: str

    def placed_tabs(self, width: int) -> list[tuple[int, str, str, bool]]:
        """Where each tab goes at `width`: (x, panel id, text, visible).

        Full titles if they fit, else the short ones; then the short ones without the
        space either side; past that, whole tabs are left off (those after the active
        one first), never half of one.
        """
        full = [(panel_id, title, visible) for panel_id, title, visible in self.tabs]
        short = [(panel_id, SHORT_TITLES.get(panel_id, title), visible) for panel_id, title, visible in full]
        for labels, pad in ((full, " "), (short, " "), (short, "")):
            placed = self._place(labels, pad)
            if not placed or placed[-1][0] + cell_len(placed[-1][2]) <= width:
                return placed
        kept = list(short)
        active = next((i for i, (panel_id, _, _) in enumerate(kept) if panel_id == self.active), 0)
        while len(kept) > 1 and self._end(self._place(kept, "")) > width:
            kept.pop(-1 if len(kept) - 1 > active else 0)
            active = next((i for i, (panel_id, _, _) in enumerate(kept) if panel_id == self.active), 0)
        return self._place(kept, "")

    @staticmethod
    def _place(labels: list[tuple[str, str, bool]], pad: str) -> list[tuple[int, str, str, bool]]:
        placed, x = [], 0
        for panel_id, label, visible in labels:
            text = f"{pad}{label}{pad}"
            placed.append((x, panel_id, text, visible))
            x += cell_len(text) + 1
        return placed

    @staticmethod
    def _end(placed: list[tuple[int, str, str, bool]]) -> int:
        return placed[-1][0] + cell_len(placed[-1][2]) if placed else 0

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        active = self.get_component_rich_style("panel-tabs--active", partial=True)
        hidden = self.get_component_rich_style("panel-tabs--hidden", partial=True)
        for x, panel_id, label, visible in self.placed_tabs(self.size.width):
            style = active if panel_id == self.active else (hidden if not visible else "")
            text.append(" " * (x - text.cell_len))
            text.append(label, style)
        return text

    def on_click(self, event: events.Click) -> None:
        for x, panel_id, label, _visible in self.placed_tabs(self.size.width):
            if x <= event.x < x + cell_len(label):
                self.post_message(self.Selected(panel_id))
