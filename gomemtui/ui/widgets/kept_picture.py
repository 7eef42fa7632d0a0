"""The screen as it looked before the first step, kept from the last run, drawn over the
main screen while its panels and the core load.

The main screen keeps a picture of itself once the core has drawn the scenario before its
first step (`picture_runs`: each line as runs of text and a style, as plain data). The next
start at the same terminal size draws that picture in its very first paint, above the
panels, which are still empty; the picture is removed once the panels draw the same
thing themselves, or as soon as the user presses a key or the terminal changes size.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

Runs = list[list[tuple[str, str]]]
"""A picture as plain data: per line, (text, style as `str(Style)`) runs."""


def picture_runs(strips: list[Strip]) -> Runs:
    """The screen's lines (`Compositor.render_strips`) as runs of text and style, without
    the click and hover metadata a picture cannot act on."""
    lines: Runs = []
    for strip in strips:
        runs: list[tuple[str, str]] = []
        for text, style, control in strip.discard_meta().simplify():
            if control:
                continue
            key = str(style) if style is not None else "none"
            if runs and runs[-1][1] == key:
                runs[-1] = (runs[-1][0] + text, key)
            else:
                runs.append((text, key))
        lines.append(runs)
    return lines


def picture_strips(lines: Runs, width: int) -> list[Strip]:
    """Strips to draw `picture_runs`' lines, each `width` cells long."""
    styles: dict[str, Style] = {}
    strips = []
    for runs in lines:
        segments = []
        for text, key in runs:
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style.parse(key)
            segments.append(Segment(text, style))
        strips.append(Strip(segments).adjust_cell_length(width))
    return strips


class KeptPicture(Widget):
    """The kept picture, over the whole screen, in front of everything on it.

    Args:
        lines: The picture (`picture_runs`).
        size: The (width, height) it was taken at.
    """

    DEFAULT_CSS = """
    KeptPicture {
        overlay: screen;
        position: absolute;
        offset: 0 0;
        width: 100vw;
        height: 100vh;
    }
    """

    can_focus = False

    def __init__(self, lines: Runs, size: tuple[int, int]) -> None:
        super().__init__(id="kept-picture")
        self.taken_at = size
        """(width, height) of the terminal the picture was taken in."""
        self._strips = picture_strips(lines, size[0])

    def render_line(self, y: int) -> Strip:
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width)

    def on_click(self, event: events.Click) -> None:
        """A click meant for a panel: show the panels themselves."""
        self.remove()
