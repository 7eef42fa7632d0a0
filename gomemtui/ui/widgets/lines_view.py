"""A Line-API base for the text panels: a frame in, a list of rich Text lines out.

Subclasses implement `build_lines(frame, width)`, a pure function of the frame (every
figure comes from the core's views); this class caches the lines, turns each into a
Strip only when it is drawn, and scrolls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gomemtui.ui.frame import Frame
from gomemtui.ui.redraw import changed_lines

if TYPE_CHECKING:
    from gomemtui.ui.preview import ScenarioPreview


_CONSOLE = Console(width=400, color_system=None, force_terminal=False)
MAX_WRAP_CACHE = 4000
"""Wrapped lines remembered per panel (beyond this the cache starts afresh)."""


def wrap_line(line: Text, width: int, indent: int = 2) -> list[Text]:
    """`line` cut into lines of at most `width` cells, continuation lines indented."""
    if line.cell_len <= width or width <= indent + 8:
        return [line]
    first, *rest = line.wrap(_CONSOLE, width - indent, no_wrap=False)
    return [first, *(Text(" " * indent) + part for part in rest)]


def wrap_lines(lines: list[Text], width: int, indent: int = 2,
               cache: dict[str, tuple[Text, list[Text]]] | None = None) -> list[Text]:
    """Wrap each line longer than `width`, indenting its continuation lines.

    Args:
        lines: The lines to wrap.
        width: Columns available.
        indent: Indentation of continuation lines.
        cache: Earlier results for this width, keyed by plain text (rich's wrapping is
            slow, and most lines of a panel are the same from one frame to the next);
            updated in place.
    """
    out: list[Text] = []
    for line in lines:
        if line.cell_len <= width or width <= indent + 8:
            out.append(line)
            continue
        hit = cache.get(line.plain) if cache is not None else None
        if hit is not None and (hit[0] is line or hit[0] == line):
            out.extend(hit[1])
            continue
        wrapped = wrap_line(line, width, indent)
        if cache is not None:
            cache[line.plain] = (line, wrapped)
        out.extend(wrapped)
    return out


class LinesView(ScrollView, can_focus=True):
    """Draws the lines that `build_lines` makes from the current frame."""

    DEFAULT_CSS = """
    LinesView {
        height: 1fr;
        background: $surface;
        scrollbar-size: 1 1;
        scrollbar-size-horizontal: 0;
        scrollbar-gutter: stable;
    }
    """

    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """The frame drawn (compared by identity)."""

    FOLLOW_END = False
    """Keep the view scrolled to the last line when new lines arrive (logs)."""
    VIRTUAL_STEP = 32
    """Granularity of the virtual height of a FOLLOW_END view."""
    WRAP = True
    """Wrap lines longer than the width (with a 2-space indent); False crops them."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}
        self._built_for: tuple[int, int] | None = None
        self._dirty = False
        self._style_cache: dict[tuple[str, ...], dict[str, Style]] = {}
        self._base_style: Style | None = None
        self._wrap_cache: dict[str, tuple[Text, list[Text]]] = {}
        self._wrap_width = 0
        self.preview: ScenarioPreview | None = None
        """What the scenario file states of itself, drawn until the first frame comes
        (`gomemtui.ui.preview`); None: nothing is drawn before it."""

    def build_preview_lines(self, preview: ScenarioPreview, width: int) -> list[Text]:
        """The panel's lines before the first frame, from the scenario file alone (the
        panels that show figures have none)."""
        return []

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        """The panel's lines for a frame and a width.

        Args:
            frame: The frame to show.
            width: Columns available.

        Returns:
            One Text per line (longer lines are cropped).
        """
        raise NotImplementedError

    def styles_for(self, *names: str) -> dict[str, Style]:
        """Rich styles of component classes, keyed by the part after `--` (cached per theme)."""
        cached = self._style_cache.get(names)
        if cached is None:
            cached = {
                name.split("--", 1)[-1]: self.get_component_rich_style(name, partial=True, default=Style())
                for name in names
            }
            self._style_cache[names] = cached
        return cached

    @property
    def lines(self) -> list[Text]:
        """The lines built for the current frame and width."""
        return self._lines

    def rebuild(self) -> None:
        """Build the lines again (frame, width or theme changed)."""
        frame = self.frame
        width = max(1, self.scrollable_content_region.width or self.size.width)
        if frame is None:
            lines = self.build_preview_lines(self.preview, width) if self.preview is not None else []
        else:
            lines = self.build_lines(frame, width)
        if lines and self.WRAP:
            if self._wrap_width != width or len(self._wrap_cache) > MAX_WRAP_CACHE:
                self._wrap_cache, self._wrap_width = {}, width
            lines = wrap_lines(lines, width, cache=self._wrap_cache)
        self._dirty = False
        same_width = self._built_for is not None and self._built_for[1] == width
        self._built_for = (frame.serial if frame else -1, width)
        if same_width and lines == self._lines:
            return  # most panels do not change on most steps: no repaint
        runs = changed_lines(self._lines, lines) if same_width else None
        self._lines = lines
        count = len(self._lines)
        if self.FOLLOW_END:
            # A log grows on every step, and a new virtual size costs a layout of the
            # whole screen: its virtual height moves in steps of VIRTUAL_STEP lines
            # (a function of the line count alone, so a rewind draws the same screen).
            count = -(-count // self.VIRTUAL_STEP) * self.VIRTUAL_STEP
        resized = self.virtual_size != Size(width, count)
        if resized:
            self.virtual_size = Size(width, count)
            if self.styles.height is not None and self.styles.height.is_auto:
                # A panel sized to its content: a new size set while the screen is being
                # laid out (as when a narrow layout widens and hidden panels catch up) can
                # be missed by that layout pass; ask for another once it is done.
                self.call_after_refresh(self.refresh, layout=True)
        if self.FOLLOW_END:
            self.call_after_refresh(self._show_last_line)
        self.after_rebuild()
        if runs is None or resized:
            self._strips.clear()
            self.refresh()
            return
        for start, length in runs:  # only the lines that differ are drawn again
            for index in range(start, start + length):
                self._strips.pop(index, None)
            self.refresh_lines(start, length)

    def _show_last_line(self) -> None:
        self.scroll_to(y=max(0, len(self._lines) - self.scrollable_content_region.height), animate=False)

    def after_rebuild(self) -> None:
        """Hook: scroll somewhere after the lines change."""

    def watch_frame(self, frame: Frame | None) -> None:
        """Rebuild now if shown; a panel out of sight rebuilds when it is shown again."""
        if self.is_mounted and self._out_of_sight():
            self._dirty = True
            return
        self.rebuild()

    def _out_of_sight(self) -> bool:
        """Whether the panel is not drawn: it or a container of it is hidden, or another
        panel is maximized.

        Direct children of the screen are the ones a screen may keep in a maximized
        view (ALLOW_IN_MAXIMIZED_VIEW), so maximizing never hides them.
        """
        screen = self.screen
        if any(not node.display for node in self.ancestors_with_self if node is not screen):
            return True
        return screen.maximized is not None and not self.is_in_maximized_view and self.parent is not screen

    def catch_up(self) -> None:
        """Rebuild if frames arrived while the panel was out of sight."""
        if self._dirty:
            self.rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if self._dirty or self._built_for is None or self._built_for[1] != event.size.width:
            self.rebuild()
        else:
            self.after_rebuild()  # the same lines, but where to scroll depends on the height

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._style_cache = {}
        self._base_style = None
        if self.is_mounted and (self.frame is not None or self.preview is not None):
            self.call_later(self.rebuild)

    def render_line(self, y: int) -> Strip:
        """Draw one visible line."""
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.size.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            text = self._lines[index].copy()
            text.stylize_before(base)
            text.no_wrap = True
            # An empty Text renders one unstyled segment, which NO_COLOR's filter cannot take.
            segments = list(text.render(self.app.console)) if text.plain else []
            strip = Strip(segments, cell_len(text.plain))
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)
