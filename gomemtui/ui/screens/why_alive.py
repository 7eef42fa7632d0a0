""""Why is this alive?": pick a variable, array, map or object; see the path from a root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gomemtui.ui.frame import Frame
from gomemtui.ui.player import Player
from gomemtui.units import format_bytes

if TYPE_CHECKING:  # annotations only: the core's views load with the core
    from gomemtui.runtime.read.views import RetentionPath, RuntimeView


def candidates(view: RuntimeView) -> list[tuple[str, str]]:
    """(name, description) of everything that can be asked about, variables first."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for v in view.vars:
        where = "global" if v.is_global else (v.goroutine or "")
        out.append((v.name, f"{v.name}  {v.type} · {v.kind} · {format_bytes(v.bytes)} · {where}"))
        seen.add(v.name)
    for a in view.arrays:
        if a.name not in seen:
            state = "garbage" if a.garbage else "held by " + ", ".join(a.slices)
            out.append((a.name, f"{a.name}  [{a.elems}]{a.elem} array · {format_bytes(a.bytes)} · {state}"))
            seen.add(a.name)
    return out


def path_text(path: RetentionPath) -> Text:
    """The retention path as lines: root, arrows, target, retained bytes, explanation."""
    text = Text()
    if not path.alive:
        text.append(f"{path.target} is not alive.\n", "bold red")
        text.append(path.explanation)
        return text
    text.append(f"{path.target} is alive\n\n", "bold green")
    text.append("root  ", "bold")
    text.append(f"{path.root}\n")
    for i, name in enumerate(path.path):
        text.append("  " * i + "  └─▶ ")
        text.append(name + "\n", "bold" if name == path.target else "")
    text.append(f"\nretains {format_bytes(path.retained_bytes)} that nothing else keeps alive\n", "bold")
    text.append(path.explanation)
    return text


class WhyAliveScreen(ModalScreen[None]):
    """Choose something on the left; its retention path appears on the right."""

    BINDINGS = [Binding("escape,q,w", "app.pop_screen", "Close")]

    DEFAULT_CSS = """
    WhyAliveScreen { align: center middle; }
    WhyAliveScreen > Vertical {
        width: 92%; height: 90%; border: round $accent; background: $surface;
        border-title-color: $accent;
    }
    WhyAliveScreen OptionList { height: 1fr; min-height: 3; border: none; }
    WhyAliveScreen #why-path { height: 2fr; padding: 0 1; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, player: Player, frame: Frame) -> None:
        super().__init__()
        self.player = player
        self.frame = frame

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = "Why is this alive? · Enter to ask · Esc to close"
        with box:
            items = candidates(self.frame.view)
            # Text, not a str: a str prompt is Rich markup, which eats `[int]` in map[int]int.
            options = [Option(Text(desc), id=name) for name, desc in items]
            yield OptionList(*options, id="why-list")
            yield Static("Nothing is alive yet." if not items else "Choose a variable or array.", id="why-path")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.ask(event.option.id)

    @work(thread=True, exclusive=True, group="why")
    def ask(self, name: str) -> None:
        """Ask the core for the path (off the UI thread: it may wait for a step)."""
        try:
            path = self.player.why_alive(name)
        except (KeyError, ValueError) as error:
            self.app.call_from_thread(self._show, Text(f"Cannot tell: {error}"))
            return
        self.app.call_from_thread(self._show, path_text(path))

    def _show(self, text: Text) -> None:
        self.query_one("#why-path", Static).update(text)
