"""The explain panel: what the current step did and why, in plain words with numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.text import Text

from textual import events
from textual.reactive import reactive

from gomemtui.ui.fit import first_fitting
from gomemtui.ui.frame import Frame
from gomemtui.ui.widgets.lines_view import LinesView, wrap_lines

if TYPE_CHECKING:
    from gomemtui.ui.preview import ScenarioPreview

_WRAP_CONSOLE = Console(width=200, color_system=None, force_terminal=False)
MAX_EVENTS = 40


def wrap(text: Text, width: int, indent: str = "") -> list[Text]:
    """Wrap a Text to a width, indenting continuation lines."""
    if width <= len(indent) + 4:
        return [text]
    lines = list(text.wrap(_WRAP_CONSOLE, width - len(indent)))
    out = [lines[0]] if lines else [Text("")]
    out.extend(Text(indent) + line for line in lines[1:])
    return out


def source_line(frame: Frame, line: int) -> str:
    """The text of a line of the program's source ("" if out of range)."""
    lines = frame.program.source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def explain_lines(frame: Frame, width: int, styles: dict[str, Style] | None = None) -> list[Text]:
    """The explanation of the last action: step, its Go line, its note, its events.

    Args:
        frame: The frame to explain.
        width: Columns available (lines are wrapped).
        styles: Styles for "title", "code", "note", "message".

    Returns:
        Wrapped lines.
    """
    styles = styles or {}
    out: list[Text] = []
    step = frame.step
    if frame.position == 0:
        return before_first_step(frame.program.title, frame.program.summary, width, styles)
    if step is not None:
        title = f"step {step.index + 1}/{frame.total_steps} · line {step.line} · {step.do}"
        if frame.action not in ("step", "goto", "end", "refresh", "step back", "home"):
            title += f" · then {frame.action}"
        out.append(Text(title, styles.get("title", Style(bold=True))))
        if frame.where:
            out.append(Text(f"paused {frame.where} — n runs the rest of the step, ] to the next GC phase",
                            styles.get("message", Style(bold=True))))
        code = source_line(frame, step.line)
        if code:
            out.extend(wrap(Text(code, styles.get("code", Style())), width, "  "))
        if step.note:
            out.extend(wrap(Text(step.note, styles.get("note", Style(italic=True))), width))
    if frame.message:
        out.append(Text(frame.message, styles.get("message", Style(bold=True))))
    events = frame.events
    for event in events[:MAX_EVENTS]:
        out.extend(wrap(Text("• ") + Text(event.text), width, "  "))
    if len(events) > MAX_EVENTS:
        out.append(Text(f"… and {len(events) - MAX_EVENTS} more events (see the event log)"))
    return out


class ExplainView(LinesView):
    """What the last action did, with the step's note and the events' explanations."""

    COMPONENT_CLASSES = {
        "explain-view--title", "explain-view--code", "explain-view--note", "explain-view--message",
    }

    DEFAULT_CSS = """
    ExplainView > .explain-view--title { text-style: bold; color: $accent; }
    ExplainView > .explain-view--code { color: $text; text-style: bold; }
    ExplainView > .explain-view--note { text-style: italic; color: $text-muted; }
    ExplainView > .explain-view--message { color: $warning; }
    """

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return explain_lines(frame, width, self._styles())

    def build_preview_lines(self, preview: ScenarioPreview, width: int) -> list[Text]:
        return before_first_step(preview.title, preview.summary, width, self._styles())

    def _styles(self) -> dict[str, Style]:
        return self.styles_for("explain-view--title", "explain-view--code", "explain-view--note",
                               "explain-view--message")


def strip_lines(lines: list[Text], width: int, max_lines: int, key: str, style: Style | None = None) -> list[Text]:
    """The explanation strip's lines: all of `lines` if they fit `max_lines`, else the
    first ones and a last line that says how many more there are and which key shows
    them all.

    Args:
        lines: The explanation, wrapped to `width`.
        width: Columns available.
        max_lines: Lines the strip may take.
        key: The key that opens the whole explanation.
        style: Style of the ellipsis line.

    Returns:
        At most `max_lines` lines (at least one).
    """
    max_lines = max(1, max_lines)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines - 1]
    more = len(lines) - len(kept)
    what = "line" if more == 1 else "lines"
    ellipsis = first_fitting((
        f"… {more} more {what}: press {key} for the whole explanation",
        f"… {more} more {what}: press {key} to read all",
        f"… {key}: read all",
        "…",
    ), width)
    return [*kept, Text(ellipsis, style or Style(bold=True))]


def before_first_step(title: str, summary: str, width: int, styles: dict[str, Style]) -> list[Text]:
    """The explanation before the first step: the scenario's title and summary, and the keys
    that start it (drawn from the file alone until the core's first frame comes)."""
    out = [Text(f"{title or 'Scenario'}: before the first step", styles.get("title", Style(bold=True)))]
    if summary:
        out.extend(wrap(Text(summary, styles.get("note", Style(italic=True))), width))
    out.append(Text("Press n or → to run the first step, space to play, ? for help."))
    return out


class ExplainStrip(ExplainView):
    """The explanation under the active panel on small terminals: as many lines as the
    step needs, up to `max_lines`; past that an ellipsis line names the key (`x`) that
    opens the Explain panel with all of it. Clicking the strip does the same."""

    COMPONENT_CLASSES = ExplainView.COMPONENT_CLASSES | {"explain-strip--more"}

    DEFAULT_CSS = """
    ExplainStrip > .explain-strip--more { color: $accent; text-style: bold; }
    """

    KEY = "x"
    """The key bound to the screen's `explain` action."""

    max_lines: reactive[int] = reactive(3, init=False)
    """Lines of text the strip may take (the screen sets a third of its height, less
    the strip's top border)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.truncated = False
        """Whether the last frame's explanation did not fit (the ellipsis line shows)."""

    def build_lines(self, frame: Frame, width: int) -> list[Text]:
        return self._fit(super().build_lines(frame, width), width)

    def build_preview_lines(self, preview: ScenarioPreview, width: int) -> list[Text]:
        return self._fit(super().build_preview_lines(preview, width), width)

    def _fit(self, lines: list[Text], width: int) -> list[Text]:
        full = wrap_lines(lines, width)
        more = self.styles_for("explain-strip--more").get("more")
        lines = strip_lines(full, width, self.max_lines, self.KEY, more)
        self.truncated = len(lines) < len(full)
        return lines

    def after_rebuild(self) -> None:
        """Take the height the lines need (and a row for the top border)."""
        height = len(self.lines) + 1
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    def watch_max_lines(self) -> None:
        if self.frame is not None or self.preview is not None:
            self.rebuild()

    async def on_click(self, event: events.Click) -> None:
        """Open the whole explanation."""
        await self.run_action("screen.explain")
