"""The what-if dialog: type a setting, or pick a preset, to re-run the scenario with it;
or remove an overlay shown."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gomemtui.scenario.settings import SettingsError
from gomemtui.scenario.whatif import MAX_WHAT_IFS, PRESETS, WhatIf, parse_what_if

REMOVE = "remove:"
"""Option id prefix of "remove this overlay"; the label follows (empty: remove all)."""


@dataclass(frozen=True)
class WhatIfChoice:
    """What the dialog was closed with: a what-if to add, or overlays to remove."""

    add: WhatIf | None = None
    remove: str | None = None
    """The label of the overlay to remove ("" for all of them)."""


class WhatIfScreen(ModalScreen[WhatIfChoice | None]):
    """A setting to type (Enter runs it), presets and the overlays shown to remove.

    Args:
        shown: The labels of the what-ifs on the chart now.
    """

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    DEFAULT_CSS = """
    WhatIfScreen { align: center middle; }
    WhatIfScreen > Vertical {
        width: 60; max-width: 96%; height: auto; max-height: 90%; border: round $accent;
        background: $surface; border-title-color: $accent; padding: 0 1;
    }
    WhatIfScreen Input { margin: 0; }
    WhatIfScreen OptionList { height: auto; max-height: 12; border: none; }
    WhatIfScreen #what-if-error { color: $error; height: auto; }
    """

    def __init__(self, shown: tuple[str, ...] = (), *, title: str = "What if…? · Enter to run · Esc to close",
                 verb: str = "Run with") -> None:
        super().__init__()
        self.shown = shown
        """The what-ifs shown now (they can be removed here)."""
        self.title_text = title
        """The dialog's border title (the picker asks for a compared side's settings with it)."""
        self.verb = verb
        """What a preset does, before its setting ("Run with GOGC=50")."""

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = self.title_text
        with box:
            full = len(self.shown) >= MAX_WHAT_IFS
            yield Input(placeholder="e.g. GOGC=50 or GOMEMLIMIT=64MiB,GOGC=off",
                        id="what-if-input", disabled=full)
            yield Static(f"{MAX_WHAT_IFS} what-ifs are shown: remove one to add another." if full else "",
                         id="what-if-error")
            options: list[Option] = []
            if not full:
                options += [Option(Text(f"{self.verb} {p}"), id=p) for p in PRESETS if p not in self.shown]
            options += [Option(Text(f"Remove {label}"), id=REMOVE + label) for label in self.shown]
            if len(self.shown) > 1:
                options.append(Option(Text("Remove all what-ifs"), id=REMOVE))
            yield OptionList(*options, id="what-if-options")

    def on_mount(self) -> None:
        target = self.query_one("#what-if-options", OptionList) if len(self.shown) >= MAX_WHAT_IFS \
            else self.query_one("#what-if-input", Input)
        target.focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        try:
            what_if = parse_what_if(event.value)
        except SettingsError as error:
            self.query_one("#what-if-error", Static).update(Text(str(error)))
            return
        self.dismiss(WhatIfChoice(add=what_if))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith(REMOVE):
            self.dismiss(WhatIfChoice(remove=option_id.removeprefix(REMOVE)))
        else:
            self.dismiss(WhatIfChoice(add=parse_what_if(option_id)))
