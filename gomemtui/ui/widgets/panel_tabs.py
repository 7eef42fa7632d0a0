"""A one-line row of panel names, the active one highlighted (small terminals)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


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

    def _spans(self) -> list[tuple[int, int, str]]:
        spans, x = [], 0
        for panel_id, title, _visible in self.tabs:
            label = f" {title} "
            spans.append((x, x + len(label), panel_id))
            x += len(label) + 1
        return spans

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        active = self.get_component_rich_style("panel-tabs--active", partial=True)
        hidden = self.get_component_rich_style("panel-tabs--hidden", partial=True)
        for panel_id, title, visible in self.tabs:
            style = active if panel_id == self.active else (hidden if not visible else "")
            text.append(f" {title} ", style)
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, panel_id in self._spans():
            if start <= event.x < end:
                self.post_message(self.Selected(panel_id))
