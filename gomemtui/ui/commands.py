"""Command palette (ctrl+p): jump to a step, hide/show and zoom panels, heap-map colors."""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
        for panel_id in ("source", "heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "log"):
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
