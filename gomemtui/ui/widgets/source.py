"""The source panel: the scenario's Go program, highlighted, with the current line marked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Span, Text

from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView

if TYPE_CHECKING:
    from gomemtui.ui.preview import ScenarioPreview


@lru_cache(maxsize=8)
def highlighted_lines(code: str, theme: str = "ansi_dark") -> tuple[Text, ...]:
    """The Go source as one highlighted Text per line (cached per program)."""
    from rich.syntax import Syntax  # pygments: imported with the first frame, not before the first paint

    syntax = Syntax(code, "go", theme=theme)
    text = syntax.highlight(code)
    # Keep the token colors only: the panel's own background shows through.
    spans = []
    for span in text.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if style.color is not None:
            spans.append(Span(span.start, span.end, Style(color=style.color, bold=style.bold, italic=style.italic)))
    text.spans = spans
    text.style = ""
    lines = list(text.split("\n", allow_blank=True))
    if code.endswith("\n") and lines and not lines[-1].plain:
        lines = lines[:-1]
    return tuple(lines)


def source_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """Numbered source lines; the current step's line carries a marker.

    Args:
        frame: The frame (its program's source and current step).
        width: Columns available (unused: long lines are cropped).
        styles: Styles for "current", "gutter" and "step-line".

    Returns:
        One Text per source line.
    """
    code = frame.program.source
    current = frame.step.line if frame.step is not None else None
    lines = highlighted_lines(code) if code else ()
    return numbered_lines(lines, current, {s.line for s in frame.program.steps}, width, styles)


def preview_source_lines(preview: ScenarioPreview, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The source as the file states it, drawn before the core loads: numbered and marked
    as `source_lines` draws it before the first step, not yet highlighted (pygments loads
    with the core, off the UI thread)."""
    code = preview.source
    lines = [Text(line) for line in code.splitlines()] if code else []
    return numbered_lines(lines, None, preview.step_lines, width, styles)


def numbered_lines(lines: Sequence[Text], current: int | None, step_lines: Collection[int], width: int,
                   styles: dict[str, Style] | None) -> list[Text]:
    """Source lines with a gutter: the line number and a marker ("▶" the current step's
    line, "·" a line a step runs)."""
    styles = styles or {}
    if not lines:
        return [Text("(this scenario has no [source])", style=styles.get("gutter", Style()))]
    digits = len(str(len(lines)))
    out: list[Text] = []
    for number, body in enumerate(lines, start=1):
        if number == current:
            marker = "▶"
        elif number in step_lines:
            marker = "·"
        else:
            marker = " "
        code_text = body.copy()
        code_text.expand_tabs(4)
        line = Text.assemble((f"{marker}{number:>{digits}} ", styles.get("gutter", Style())), code_text)
        if number == current:
            line.stylize(styles.get("current", Style(reverse=True)))
            line.pad_right(max(0, width - line.cell_len))
            line.stylize(styles.get("current", Style(reverse=True)))
        out.append(line)
    return out


class SourceView(LinesView):
    """The Go program, with the line of the last step run marked."""

    WRAP = False
    COMPONENT_CLASSES = {"source-view--current", "source-view--gutter"}

    DEFAULT_CSS = """
    SourceView > .source-view--current { background: $accent 30%; text-style: bold; }
    SourceView > .source-view--gutter { color: $text-muted; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return source_lines(frame, width, self.styles_for("source-view--current", "source-view--gutter"))

    def build_preview_lines(self, preview: ScenarioPreview, width: int) -> list[Text]:
        return preview_source_lines(preview, width, self.styles_for("source-view--current", "source-view--gutter"))

    def after_rebuild(self) -> None:
        """Keep the current line in the middle of the view (once the layout knows the size)."""
        self.call_after_refresh(self._center_current_line)

    def _center_current_line(self) -> None:
        frame = self.frame
        if frame is not None and frame.step is not None:
            target = max(0, frame.step.line - 1 - self.size.height // 2)
            self.scroll_to(y=target, animate=False, immediate=True)
