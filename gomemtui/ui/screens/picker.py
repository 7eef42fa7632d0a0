"""The scenario picker (`gomemtui` with no argument): the bundled scenarios, one Enter away,
and any two of them side by side (`c` marks the left one, Enter picks the right one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from gomemtui import gc_hold
from gomemtui.scenario.settings import Overrides


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
    """A list of scenarios; Enter opens one, `c` then Enter compares two."""

    BINDINGS = [
        Binding("c", "compare", "Compare"),
        Binding("escape", "unmark", "Unmark", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: round $accent; }
    PickerScreen #picker-intro { padding: 0 1; color: $text-muted; height: auto; }
    PickerScreen #picker-compare { padding: 0 1; color: $accent; text-style: bold; height: auto; display: none; }
    PickerScreen OptionList { height: 1fr; border: none; }
    """

    @dataclass
    class Chosen(Message):
        """A scenario was chosen."""

        path: Path

    @dataclass
    class CompareChosen(Message):
        """Two sides were chosen: two scenarios, or one with other settings on the right."""

        left: Path
        right: Path
        right_settings: Overrides | None = None

    def __init__(self, choices: list[ScenarioChoice] | None = None) -> None:
        super().__init__()
        self.choices = bundled_choices() if choices is None else choices
        self.left: int | None = None
        """The scenario `c` marked as the left side of a comparison (its index), if any."""

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = "gomemtui · choose a scenario"
        with box:
            yield Static("Each scenario plays a Go program's memory life on a simulated Go 1.27 runtime. "
                         "Enter opens it; c marks it to compare side by side with the next one you "
                         "pick (the same one: with other settings); q quits. The name after each "
                         "title opens it from the command line.", id="picker-intro")
            yield Static("", id="picker-compare")
            options = [Option(self._prompt(i), id=str(i)) for i in range(len(self.choices))]
            if not options:
                options.append(Option("No bundled scenarios found.", id="none", disabled=True))
            yield OptionList(*options)
        yield Footer()

    def _prompt(self, index: int) -> Text:
        choice = self.choices[index]
        name = ("  " + choice.name, "cyan") if choice.name else ""
        mark = ("  ◧ left side", "bold reverse") if index == self.left else ""
        return Text.assemble((choice.title, "bold"), name, mark, "\n", (choice.summary, "dim"))

    def on_mount(self) -> None:
        self.call_after_refresh(gc_hold.release)  # held by the command line since before textual

    def _mark(self, index: int | None) -> None:
        """Make `index` the left side (None: no comparison under way)."""
        before, self.left = self.left, index
        options = self.query_one(OptionList)
        for changed in (before, index):
            if changed is not None:
                options.replace_option_prompt(str(changed), self._prompt(changed))
        said = "" if index is None else (
            f"Comparing {self.choices[index].title} (left) with: Enter on the right side's scenario "
            "(on the same one: give it other settings); Esc: no comparison")
        line = self.query_one("#picker-compare", Static)
        line.update(said)
        line.display = bool(said)

    def action_compare(self) -> None:
        """`c`: the highlighted scenario is the left side of a comparison (again: unmarked)."""
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is None or not self.choices:
            return
        self._mark(None if highlighted == self.left else highlighted)

    def action_unmark(self) -> None:
        """Esc: no comparison; with none under way, quit (as q does)."""
        if self.left is None:
            self.app.exit()
        else:
            self._mark(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if not (event.option.id and event.option.id.isdigit()):
            return
        index, left = int(event.option.id), self.left
        if left is None:
            self.post_message(self.Chosen(self.choices[index].path))
        elif index != left:
            self._mark(None)
            self.post_message(self.CompareChosen(self.choices[left].path, self.choices[index].path))
        else:
            from gomemtui.ui.screens.what_if import WhatIfChoice, WhatIfScreen

            def chosen(choice: WhatIfChoice | None) -> None:
                if choice is not None and choice.add is not None:
                    self._mark(None)
                    path = self.choices[left].path
                    self.post_message(self.CompareChosen(path, path, choice.add.overrides))

            self.app.push_screen(WhatIfScreen(title="The right side's settings · Esc: back",
                                              verb="Compare with"), chosen)


def back_to_picker(app: App) -> bool:
    """Leave the screen shown for the picker under it, if the scenario was opened from the
    picker (`gomemtui` without a scenario, or a served picker); False: there is none."""
    if any(isinstance(screen, PickerScreen) for screen in app.screen_stack):
        app.pop_screen()
        return True
    return False
