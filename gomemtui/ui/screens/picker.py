"""The scenario picker (`gomemtui` with no argument): the bundled scenarios, one Enter away."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from gomemtui import gc_hold


@dataclass(frozen=True)
class ScenarioChoice:
    """A scenario the picker offers."""

    path: Path
    title: str
    summary: str
    name: str = ""
    """What names it on the command line (`gomemtui reslice`); shown after the title."""


def bundled_choices() -> list[ScenarioChoice]:
    """The bundled scenarios, via the scenario package's listing."""
    from gomemtui.scenario import list_bundled

    return [ScenarioChoice(b.path, b.title, b.summary, b.short_name) for b in list_bundled()]


class PickerScreen(Screen[None]):
    """A list of scenarios; Enter opens one."""

    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $accent; }
    PickerScreen #picker-intro { padding: 0 1; color: $text-muted; height: auto; }
    PickerScreen OptionList { height: 1fr; border: none; }
    """

    @dataclass
    class Chosen(Message):
        """A scenario was chosen."""

        path: Path

    def __init__(self, choices: list[ScenarioChoice] | None = None) -> None:
        super().__init__()
        self.choices = bundled_choices() if choices is None else choices

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = "gomemtui · choose a scenario"
        with box:
            yield Static("Each scenario plays a Go program's memory life on a simulated Go 1.27 runtime. "
                         "Enter opens it; q quits. The name after each title opens it from the command "
                         "line.", id="picker-intro")
            options = []
            for i, choice in enumerate(self.choices):
                name = ("  " + choice.name, "cyan") if choice.name else ""
                prompt = Text.assemble((choice.title, "bold"), name, "\n", (choice.summary, "dim"))
                options.append(Option(prompt, id=str(i)))
            if not options:
                options.append(Option("No bundled scenarios found.", id="none", disabled=True))
            yield OptionList(*options)
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(gc_hold.release)  # held by the command line since before textual

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.isdigit():
            self.post_message(self.Chosen(self.choices[int(event.option.id)].path))
