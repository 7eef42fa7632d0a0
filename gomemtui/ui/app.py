"""The gomemtui Textual app: wires a timeline to the main screen. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from gomemtui.ui.frame import TimelineSource
from gomemtui.ui.player import Player
from gomemtui.ui.follow import RemoteSync
from gomemtui.ui.screens.main import MainScreen
from gomemtui.units import printable

if TYPE_CHECKING:  # annotations only: the core's views load with the core; the picker when shown
    from gomemtui.runtime.program import Program
    from gomemtui.runtime.read.gctrace_log import RealCyclePoint
    from gomemtui.scenario.errors import ScenarioError
    from gomemtui.ui.first_frame import FirstFrameCache
    from gomemtui.ui.preview import ScenarioPreview
    from gomemtui.ui.screens.picker import PickerScreen


def gomem_commands() -> type:
    """The command palette's provider, imported when the palette first opens (textual.command is slow to import)."""
    from gomemtui.ui.commands import GoMemCommands

    return GoMemCommands


class GoMemApp(RemoteSync, App[None]):
    """Plays a Go program's memory life step by step.

    Args:
        timeline: The timeline to drive (`gomemtui.runtime.timeline.Timeline`, or a fake),
            or a function that makes it (called by the playback worker, after the first
            frame), or None to open the scenario picker.
        path: The scenario file, shown in the title.
        start_step: Open just after this many steps (None: at the start).
        autoplay: Start playing at once.
        first_frame: Where the scenario's first frame is kept between runs: drawn while
            the core loads, kept again once the core has drawn it (None: no cache).
        real_cycles: Real Go's cycles from a gctrace log, for the pacer chart (`--against`).
    """

    CSS_PATH = "gomemtui.tcss"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]
    """ctrl+c quits at once, as in any terminal program (a long step stops within a slice)."""
    COMMANDS = App.COMMANDS | {gomem_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        timeline: TimelineSource | Callable[[], TimelineSource] | None,
        *,
        path: str = "",
        start_step: int | None = None,
        autoplay: bool = False,
        first_frame: FirstFrameCache | None = None,
        real_cycles: tuple[RealCyclePoint, ...] | None = None,
        preview: ScenarioPreview | None = None,
    ) -> None:
        super().__init__()
        self.player: Player | None = guarded(Player(timeline)) if timeline is not None else None
        """The only owner of the timeline (None while the picker shows)."""
        self._start_step = start_step
        self._autoplay = autoplay
        self._first_frame = first_frame if self.remote is None else None
        """Kept first frames: not for a presenter or follower (it opens where the presenter is)."""
        self._preview = preview if self.remote is None else None
        """The scenario file's own words, drawn until the core's first frame (nor for them)."""
        self.real_cycles = real_cycles
        """Real Go's cycles from a gctrace log, drawn on the pacer chart (`--against`)."""
        self.crash: BaseException | None = None
        """The unhandled exception that stopped the app, if one did."""
        program = getattr(timeline, "program", None)
        if program is not None:
            self.title = program.title or "gomemtui"
        self.sub_title = Path(path).name if path else ""

    def _handle_exception(self, error: Exception) -> None:
        """Remember the exception (the app exits with status 1, as Textual's App does)."""
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """After a crash, one line on stderr instead of Textual's traceback (which shows the
        install's paths, to a served viewer too); GOMEMTUI_TRACEBACK=1 shows the traceback."""
        if self.crash is None or os.environ.get("GOMEMTUI_TRACEBACK"):
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        error = self.crash
        print(printable(f"gomemtui: the app stopped on an error: {type(error).__name__}: {error} "
                        "(this is a gomemtui bug; rerun with GOMEMTUI_TRACEBACK=1 and report it)",
                        multiline=False), file=sys.stderr)

    def action_command_palette(self) -> None:
        """Show the command palette: Textual's, with its crashes on page keys guarded."""
        from textual.command import CommandPalette

        from gomemtui.ui.commands import GoMemPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(GoMemPalette(id="--command-palette"))

    def get_default_screen(self) -> Screen:
        if self.player is None:
            from gomemtui.ui.screens.picker import PickerScreen

            return PickerScreen()
        return MainScreen(self.player, start_step=self._start_step, autoplay=self._autoplay,
                          first_frame=self._first_frame, preview=self._preview)

    def on_picker_screen_chosen(self, message: PickerScreen.Chosen) -> None:
        """Load the chosen scenario and open it."""
        from gomemtui.runtime.timeline import Timeline
        from gomemtui.scenario import ScenarioError, load_program

        try:
            program = load_program(message.path)
        except ScenarioError as error:
            self._tell_problems(error)
            return
        self.player = guarded(Player(Timeline(program)))
        self.title = program.title or "gomemtui"
        self.sub_title = message.path.name
        self.push_screen(MainScreen(self.player))

    def _tell_problems(self, error: ScenarioError) -> None:
        """A scenario picked in the picker cannot be loaded: its problems, in a notice."""
        self.notify("\n".join(str(p) for p in error.problems)[:500], title="Scenario error", severity="error")

    def on_picker_screen_compare_chosen(self, message: PickerScreen.CompareChosen) -> None:
        """Load both sides of the comparison chosen in the picker and open the split view
        (`gomemtui compare A B`, or `compare A --right SETTINGS`)."""
        from gomemtui.scenario import ScenarioError
        from gomemtui.scenario.settings import Overrides
        from gomemtui.ui.compare.screen import CompareScreen
        from gomemtui.ui.compare.sides import compare_title, load_side, resolve_sides

        same = message.right == message.left
        sides = resolve_sides(str(message.left), None if same else str(message.right), None,
                              message.right_settings, Overrides())
        try:
            left, right = (load_side(side) for side in sides)
        except ScenarioError as error:
            self._tell_problems(error)
            return
        self.title = compare_title(sides)
        self.sub_title = ""
        self.push_screen(CompareScreen(side_players(left, right), sides))


def guarded(player: Player) -> Player:
    """Arm the player's real-cost ceilings (`gomemtui.ceiling`): memory from
    GOMEMTUI_MAX_MEMORY or three quarters of the machine's; time per action only if
    GOMEMTUI_MAX_SECONDS says (the user can interrupt a step with Esc)."""
    from gomemtui.ceiling import RealCeiling

    try:
        ceiling = RealCeiling.from_env()
    except ValueError:  # the command line reports a bad variable before the app starts
        ceiling = RealCeiling()
    player.ceiling = ceiling.check
    player.ceiling_start = ceiling.start
    return player


def side_players(left: Program, right: Program) -> tuple[Player, Player]:
    """A player over a fresh timeline of each side's program of a comparison, its real-cost
    ceilings armed (the compare app's, and the comparison the picker opens)."""
    from gomemtui.ui.compare.lockstep import SidePlayer

    return guarded(SidePlayer(timeline_factory(left))), guarded(SidePlayer(timeline_factory(right)))


def timeline_factory(program: Program) -> Callable[[], TimelineSource]:
    """A function that imports the core and makes a Timeline of `program` (run off the UI thread)."""

    def make() -> TimelineSource:
        from gomemtui.runtime.timeline import Timeline

        return Timeline(program)

    return make


def make_app(program: Program, path: str = "", *, start_step: int | None = None,
             autoplay: bool = False) -> GoMemApp:
    """An app over a fresh Timeline of `program`; the core is imported after the first frame.
    `path`, `start_step` and `autoplay` are `GoMemApp`'s."""
    app = GoMemApp(timeline_factory(program), path=path, start_step=start_step, autoplay=autoplay)
    app.title = program.title or "gomemtui"
    return app


def run_deferred(load: Callable[[], Program], path: str, first_frame: FirstFrameCache | None = None,
                 real_cycles: tuple[RealCyclePoint, ...] | None = None,
                 preview: ScenarioPreview | None = None) -> int:
    """Open the app at once and load the scenario behind its first frame.

    `load` (e.g. `lambda: load_program(path)`) runs in the playback worker, so neither
    the scenario package nor the runtime core is imported before the first frame. If it
    raises, the app closes and the exception is raised here, for the caller to report as
    it reports a load error. With `first_frame`, the frame kept from the last run of the
    same file and settings is drawn while they load (`gomemtui.ui.first_frame`); else, with
    `preview`, what the file states of itself (`gomemtui.ui.preview`).

    Returns:
        The app's exit status: 0 when the user quit, non-zero when it stopped on an
        error (an exception in the app, or a core that failed before its first frame).
    """
    failure: list[BaseException] = []

    def make() -> TimelineSource:
        try:
            program = load()
        except BaseException as error:
            failure.append(error)
            raise
        return timeline_factory(program)()

    app = GoMemApp(make, path=path, first_frame=first_frame, real_cycles=real_cycles, preview=preview)
    app.run()
    if failure:
        raise failure[0]
    return app.return_code or 0


def run_picker() -> int:
    """Choose one of the bundled scenarios, then open it (`gomemtui` without arguments).

    Returns:
        The app's exit status, as `run_deferred`'s.
    """
    app = GoMemApp(None)
    app.run()
    return app.return_code or 0
