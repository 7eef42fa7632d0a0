"""Command palette (ctrl+p): jump to a step, hide/show and zoom panels, heap-map colors;
the palette itself, with Textual's page-key and closing races guarded."""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches

from gomemtui.ui.player import GRID_MODES

MAX_STEP_HITS = 30


class GoMemCommands(Provider):
    """Commands of the main screen (none while another screen is on top)."""

    def _main(self):
        from gomemtui.ui.screens.main import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        main = self._main()
        if main is None:
            return []
        cmds: list[tuple[str, Callable[[], object], str]] = []
        for panel_id in ("source", "heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "log",
                         "pprof"):
            panel = main.panel(panel_id)
            verb = "Hide" if panel.display else "Show"
            cmds.append((f"{verb} panel: {panel.title}", partial(main.toggle_panel, panel_id),
                         f"{verb} the {panel.title} panel"))
            cmds.append((f"Focus panel: {panel.title}", partial(main.focus_panel, panel_id),
                         f"Make {panel.title} the active panel"))
        for mode in GRID_MODES:
            cmds.append((f"Heap map colors: {mode}", partial(main.set_grid_mode, mode),
                         "auto = size class, or mark colors while the GC marks"))
        mono = main.mono
        cmds.append((f"Heap map glyphs only: {'off' if mono else 'on'}", partial(main.set_mono, not mono),
                     "Glyphs instead of colors (NO_COLOR, monochrome terminals)"))
        cmds.append(("Zoom active panel", main.action_zoom, "Zoom the active panel to the whole screen (z)"))
        cmds.append(("Why is this alive?", main.action_why_alive, "Retention path from a root (w)"))
        cmds.append(("Go to start", main.action_home, "Before the first step (Home)"))
        cmds.append(("Go to end", main.action_end, "After the last step (End)"))
        frame = main.frame
        if frame is not None:
            for step in frame.program.steps:
                title = f"Jump to step {step.index + 1}: line {step.line} {step.do}"
                help_text = step.note or f"{step.do} at line {step.line}"
                cmds.append((title, partial(main.goto_step, step.index), help_text))
        # -- what-if overlays (issue 14) --
        if frame is not None:
            from gomemtui.scenario.whatif import PRESETS, parse_what_if

            cmds.append(("What if…? (another setting)", main.action_what_if,
                         "Re-run the scenario with another GOGC, GOMEMLIMIT, GOMAXPROCS or green_tea "
                         "and draw it over the pacer chart (o)"))
            for preset in PRESETS:
                cmds.append((f"What if {preset}", partial(main.add_what_if, parse_what_if(preset)),
                             f"Re-run with {preset} and draw it over the pacer chart"))
            if main.what_ifs is not None and main.what_ifs.runs:
                cmds.append(("Remove what-if overlays", main.remove_what_if, "Take every what-if off the chart"))
        return cmds

    async def discover(self) -> Hits:
        """The panel and color commands (not the steps: there may be thousands)."""
        for name, callback, help_text in self._commands():
            if not name.startswith("Jump to step"):
                yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match every command; a bare number jumps to that step."""
        main = self._main()
        if main is None:
            return
        text = query.strip()
        if text.isdigit() and main.frame is not None:
            number = int(text)
            total = main.frame.total_steps
            if 0 <= number <= total:
                yield Hit(1.0, f"Go to step {number} of {total}", partial(main.goto_step, number - 1),
                          help="Position just after that step (0 is the start)")
        matcher = self.matcher(query)
        steps_shown = 0
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score <= 0:
                continue
            if name.startswith("Jump to step"):
                if steps_shown >= MAX_STEP_HITS:
                    continue
                steps_shown += 1
            yield Hit(score, matcher.highlight(name), callback, help=help_text)


class GoMemPalette(CommandPalette):
    """Textual 8.2's command palette with two of its crashes guarded (issue #15).

    PageDown/PageUp: `OptionList._move_page` looks up the line of the highlighted option,
    and the list lays its lines out only once it has rows on screen; in a terminal a few
    rows high the palette leaves it none and Textual raises `KeyError: 0`. With no rows
    the page keys move one option instead.

    `NoMatches: CommandList`: the palette's timers, watchers and gathering worker look the
    list up by type, and one that fires while the palette is being closed finds no list.
    Those do nothing once the list is gone.
    """

    def _command_list(self) -> CommandList | None:
        """The palette's option list, or None when the palette is closing."""
        try:
            return self.query_one(CommandList)
        except NoMatches:
            return None

    def _action_command_list(self, action: str) -> None:
        commands = self._command_list()
        if commands is None:
            return
        if action in ("page_up", "page_down") and not commands.scrollable_content_region:
            action = "cursor_up" if action == "page_up" else "cursor_down"
        super()._action_command_list(action)

    def _action_cursor_down(self) -> None:
        if self._command_list() is not None:
            super()._action_cursor_down()

    def _action_escape(self) -> None:
        self._stop_no_matches_countdown()  # its timer would look for the list after closing
        super()._action_escape()

    def _watch__list_visible(self) -> None:
        if self._command_list() is not None:
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if self._command_list() is not None:
            await super()._watch__show_busy()

    def _gather_commands(self, search_value: str) -> None:  # type: ignore[override]
        if self._command_list() is not None:
            super()._gather_commands(search_value)
