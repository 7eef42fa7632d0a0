"""A one-line row of panel names, the active one highlighted (small terminals)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


SHORT_TITLES = {
    "source": "Src", "heap": "Heap", "gc": "GC", "slices": "Slices", "maps": "Maps",
    "pool": "Pool", "goroutines": "Gs", "explain": "Why", "log": "Log",
}
"""Labels used when the full titles do not fit the width."""


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

    def labels(self, width: int) -> list[tuple[str, str, bool]]:
        """(panel id, label, visible): full titles if they fit `width`, else short ones."""
        full = [(panel_id, title, visible) for panel_id, title, visible in self.tabs]
        if sum(len(title) + 3 for _, title, _ in full) <= width:
            return full
        return [(panel_id, SHORT_TITLES.get(panel_id, title), visible) for panel_id, title, visible in full]

    def _spans(self) -> list[tuple[int, int, str]]:
        spans, x = [], 0
        for panel_id, label, _visible in self.labels(self.size.width):
            spans.append((x, x + len(label) + 2, panel_id))
            x += len(label) + 3
        return spans

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        active = self.get_component_rich_style("panel-tabs--active", partial=True)
        hidden = self.get_component_rich_style("panel-tabs--hidden", partial=True)
        for panel_id, label, visible in self.labels(self.size.width):
            style = active if panel_id == self.active else (hidden if not visible else "")
            text.append(f" {label} ", style)
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, panel_id in self._spans():
            if start <= event.x < end:
                self.post_message(self.Selected(panel_id))
