"""The compare app: the split view over two runs. Nothing else lives here."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from gomemtui.runtime.program import Program
from gomemtui.ui.compare.screen import CompareScreen
from gomemtui.ui.compare.sides import CompareSide, compare_title

__all__ = ["CompareApp", "run_compare_app"]


class CompareApp(App[None]):
    """Two runs side by side.

    Args:
        left: The left side's program.
        right: The right side's program.
        sides: What each side plays (for the titles).
        panel: The panel both sides show first.
    """

    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, left: Program, right: Program, sides: tuple[CompareSide, CompareSide],
                 *, panel: str = "heap") -> None:
        super().__init__()
        from gomemtui.ui.app import side_players

        self.players = side_players(left, right)
        """Each side's player (each the only owner of its timeline)."""
        self.sides = sides
        self.panel = panel
        self.title = compare_title(sides)

    def get_default_screen(self) -> Screen:
        return CompareScreen(self.players, self.sides, panel=self.panel)


def run_compare_app(left: Program, right: Program, sides: tuple[CompareSide, CompareSide],
                    *, panel: str = "heap") -> int:
    """Open the split view; the app's exit status."""
    app = CompareApp(left, right, sides, panel=panel)
    app.run()
    return app.return_code or 0
