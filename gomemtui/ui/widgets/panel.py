"""A panel: a titled, focusable-within box that can be zoomed (maximized) or hidden."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.containers import Vertical
from textual.widget import Widget

from gomemtui.ui.widgets.panel_tabs import SHORT_TITLES


class Panel(Vertical):
    """A bordered box around one panel's widgets.

    Args:
        *children: The panel's widgets (the first focusable one gets the focus).
        title: The border title, also used by the tabs and the palette.
        id: The panel's id ("source", "heap", ...).
    """

    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    Panel {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        height: 1fr;
        padding: 0;
    }
    Panel:focus-within {
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
    }
    """

    def __init__(self, *children: Widget, title: str, id: str) -> None:
        super().__init__(*children, id=id)
        self.title = title
        """The panel's name."""
        self.border_title = title

    def on_resize(self, event: events.Resize) -> None:
        """The full title if it fits on the border (with its corners and spaces), else
        the short one the tabs use."""
        full = cell_len(self.title) + 6 <= event.size.width
        self.border_title = self.title if full else SHORT_TITLES.get(self.id or "", self.title)

    @property
    def target(self) -> Widget | None:
        """The widget to focus when the panel is activated."""
        for child in self.query("*"):
            if child.focusable or child.can_focus:
                return child
        return None
