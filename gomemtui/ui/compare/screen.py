"""The compare screen: two runs side by side, stepped in lockstep.

Wide terminals (`WIDE_MIN_WIDTH` columns or more) show both sides next to each other;
smaller ones show one side at a time, with a tab row of the two sides (`s` switches).
The diff line is always shown. Both sides show the same panel (Tab changes it); `n`/`p`
move both by a step, `]`/`[` each to its own next or previous GC phase change (a side
with none left waits where it is).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from gomemtui import gc_hold
from gomemtui.ui.compare.diff_line import DiffLine
from gomemtui.ui.compare.lockstep import SIDES, Lockstep, PairFailed, PairReady, SideWorking
from gomemtui.ui.compare.pane import SidePane
from gomemtui.ui.compare.panels import COMPARE_PANELS, PANEL_TITLES
from gomemtui.ui.compare.sides import CompareSide
from gomemtui.ui.player import Action, Player, next_in
from gomemtui.ui.widgets.key_footer import KeyFooter
from gomemtui.ui.widgets.panel_tabs import PanelTabs
from gomemtui.ui.widgets.working import WorkingLine

__all__ = ["CompareScreen", "WIDE_MIN_WIDTH", "COMPARE_KEYS"]

WIDE_MIN_WIDTH = 120
"""Columns from which both sides are shown next to each other."""

PLAY_SPEED = 2.0
"""Steps per second while playing (the main screen's default speed)."""

COMPARE_KEYS: list[Binding] = [
    Binding("space", "toggle_play", "Play"),
    Binding("n,right", "lockstep_step", "Step", key_display="n/→"),
    Binding("p,left", "lockstep_back", "Back", key_display="p/←"),
    Binding("right_square_bracket", "lockstep_next_phase", "Phase▸", key_display="]"),
    Binding("left_square_bracket", "lockstep_prev_phase", "◂Phase", key_display="[", show=False),
    Binding("right_curly_bracket", "lockstep_next_cycle", "Cycle▸", key_display="}", show=False),
    Binding("left_curly_bracket", "lockstep_prev_cycle", "◂Cycle", key_display="{", show=False),
    Binding("home", "lockstep_home", "Start", show=False),
    Binding("end", "lockstep_end", "End", show=False),
    Binding("tab", "next_panel(1)", "Panel", key_display="tab"),
    Binding("shift+tab", "next_panel(-1)", "Prev panel", show=False),
    Binding("s", "switch_side", "Side"),
    Binding("escape", "interrupt", "Stop", show=False),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("q", "leave", "Quit"),
]
"""The compare screen's keys, in the order the footer and the help screen list them."""

FOOTER_PRIORITY: tuple[str, ...] = (
    "help", "leave", "lockstep_step", "lockstep_back", "lockstep_next_phase", "switch_side",
    "next_panel(1)", "toggle_play",
)
"""Actions in the order they keep their place in a short footer (80 columns show them all)."""


class CompareScreen(Screen[None]):
    """Two sides, one panel each, stepped together.

    Args:
        players: The left and the right side's players.
        sides: What each side plays (for the titles).
        panel: The panel both sides show first.
    """

    AUTO_FOCUS = ""
    """Nothing focused: the keys are the screen's (the heap map's cursor keys would take `←`/`→`)."""

    DEFAULT_CSS = """
    CompareScreen { layout: vertical; layers: default working; }
    CompareScreen #panel-tabs { height: 1; }
    CompareScreen #side-tabs { height: 1; display: none; }
    CompareScreen.-narrow #side-tabs { display: block; }
    CompareScreen #sides { height: 1fr; }
    CompareScreen.-narrow SidePane { display: none; }
    CompareScreen.-narrow SidePane.-current { display: block; border: round $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(COMPARE_KEYS)

    narrow: reactive[bool] = reactive(False)
    """One side at a time (fewer than `WIDE_MIN_WIDTH` columns)."""
    current: reactive[str] = reactive("left")
    """The side shown on small terminals (and outlined on wide ones)."""
    panel: reactive[str] = reactive("heap")
    """The panel both sides show."""

    def __init__(self, players: tuple[Player, Player], sides: tuple[CompareSide, CompareSide],
                 *, panel: str = "heap") -> None:
        super().__init__()
        from gomemtui.ui.screens.main import prepare_frame

        self.sides = sides
        self.lockstep = Lockstep(self, players, prepare=prepare_frame)
        """Runs each action on both sides, off the UI thread."""
        self.set_reactive(CompareScreen.panel, panel)
        self.pairs_shown = 0
        """Pairs of frames drawn (tests wait for them)."""
        self._timer: Timer | None = None
        """The playback clock while playing (space)."""
        self._told: dict[str, int] = {}
        """The serial of each side's frame whose message was last shown as a notice."""

    @property
    def busy(self) -> bool:
        """Whether an action is queued or running (what `wait_idle` waits for)."""
        return self.lockstep.busy

    def compose(self) -> ComposeResult:
        yield PanelTabs(id="panel-tabs")
        yield PanelTabs(id="side-tabs")
        yield DiffLine()
        with Horizontal(id="sides"):
            for side in self.sides:
                yield SidePane(side, panel=self.panel, id=f"pane-{side.side}")
        yield WorkingLine()
        yield KeyFooter(FOOTER_PRIORITY, [b.action for b in COMPARE_KEYS])

    def pane(self, side: str) -> SidePane:
        """The pane of one side."""
        return self.query_one(f"#pane-{side}", SidePane)

    def on_mount(self) -> None:
        self.query_one("#panel-tabs", PanelTabs).tabs = tuple(
            (name, PANEL_TITLES[name], True) for name in COMPARE_PANELS)
        self.query_one("#side-tabs", PanelTabs).tabs = tuple(
            (side.side, f"{side.side}: {side.label}", True) for side in self.sides)
        self._apply_size(self.app.size.width)
        self.watch_panel(self.panel)
        self.watch_current(self.current)
        self.lockstep.request(Action("refresh"))

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width)

    def _apply_size(self, width: int) -> None:
        self.narrow = width < WIDE_MIN_WIDTH

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")

    def watch_current(self, current: str) -> None:
        self.query_one("#side-tabs", PanelTabs).active = current
        for side in SIDES:
            self.pane(side).set_class(side == current, "-current")

    def watch_panel(self, panel: str) -> None:
        self.query_one("#panel-tabs", PanelTabs).active = panel
        for side in SIDES:
            self.pane(side).panel = panel

    def on_panel_tabs_selected(self, event: PanelTabs.Selected) -> None:
        """A click on a panel's tab or on a side's."""
        if event.panel_id in SIDES:
            self.current = event.panel_id
        else:
            self.panel = event.panel_id

    # -- frames ------------------------------------------------------------------------

    def on_pair_ready(self, message: PairReady) -> None:
        self.query_one(WorkingLine).progress = ""
        self.pane("left").frame = message.left
        self.pane("right").frame = message.right
        self.query_one(DiffLine).pair = (message.left, message.right)
        self.pairs_shown += 1
        if self.pairs_shown == 1:
            self.call_after_refresh(gc_hold.release)
        for side, frame in zip(SIDES, (message.left, message.right)):
            if frame.message and self._told.get(side) != frame.serial:
                self._told[side] = frame.serial
                self.notify(f"{side}: {frame.message}", timeout=3)
        if self.playing:
            ends = all(frame.at_end for frame in (message.left, message.right))
            marked = any(frame.action == "step" and frame.step is not None and frame.step.pause
                         for frame in (message.left, message.right))
            if ends or marked:
                self._pause()
        self.refresh_bindings()

    def on_side_working(self, message: SideWorking) -> None:
        if self.lockstep.busy:
            self.query_one(WorkingLine).progress = f"{message.side}: {message.progress}"

    def on_side_pane_grid_wanted(self, message: SidePane.GridWanted) -> None:
        player = self.lockstep.players[message.side]
        if player.grid_shape != (message.rows, message.cols):
            player.grid_shape = (message.rows, message.cols)
            self.lockstep.request(Action("refresh"), (message.side,))

    def on_pair_failed(self, message: PairFailed) -> None:
        self.notify(f"{message.action} failed on the {message.side} side in the simulated runtime: "
                    f"{message.error}", title="gomemtui bug", severity="error", timeout=10)

    def on_unmount(self) -> None:
        self._pause()
        self.lockstep.close()

    # -- actions -----------------------------------------------------------------------

    def action_leave(self) -> None:
        """`q`: back to the picker when the comparison was opened there, else quit."""
        from gomemtui.ui.screens.picker import back_to_picker

        self._pause()
        if not back_to_picker(self.app):
            self.app.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what makes no sense at these positions (None greys a key)."""
        frames = self.lockstep.frames
        left, right = frames["left"], frames["right"]
        if action == "switch_side":
            return True if self.narrow else None
        if left is None or right is None:
            return True
        if action == "toggle_play":
            return True if self.playing or not (left.at_end and right.at_end) else None
        if action in ("lockstep_step", "lockstep_end"):
            return True if not (left.at_end and right.at_end) else None
        if action in ("lockstep_back", "lockstep_home", "lockstep_prev_phase", "lockstep_prev_cycle"):
            return True if left.position > 0 or right.position > 0 else None
        return True

    @property
    def playing(self) -> bool:
        """Whether the clock steps both sides."""
        return self._timer is not None

    def action_toggle_play(self) -> None:
        """Play (both sides a step at a time, until both end or a side reaches a step
        marked `pause = true`) or pause."""
        if self.playing:
            self._pause()
        else:
            self._timer = self.set_interval(1 / PLAY_SPEED, self._tick, name="lockstep-play")
        self.refresh_bindings()

    def _pause(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        """A step on both sides, unless the last one is still running (ticks never pile up)."""
        if not self.lockstep.busy:
            self._both("step")

    def _both(self, name: str) -> None:
        self.lockstep.request(Action(name))

    def action_lockstep_step(self) -> None:
        """Run the next step on both sides (a side at its end stays there)."""
        self._both("step")

    def action_lockstep_back(self) -> None:
        """Both sides back to before their last step."""
        self._both("step_back")

    def action_lockstep_next_phase(self) -> None:
        """Each side to its next GC phase change (a side with none left waits)."""
        self._both("next_phase")

    def action_lockstep_prev_phase(self) -> None:
        """Each side back to where its GC phase last changed."""
        self._both("prev_phase")

    def action_lockstep_next_cycle(self) -> None:
        """Each side to the start of its next GC cycle (a side with none left waits)."""
        self._both("next_cycle")

    def action_lockstep_prev_cycle(self) -> None:
        """Each side back to where its last GC cycle started."""
        self._both("prev_cycle")

    def action_lockstep_home(self) -> None:
        """Both sides back to before the first step."""
        self._both("home")

    def action_lockstep_end(self) -> None:
        """Both sides to their last step."""
        self._both("end")

    def action_next_panel(self, delta: int) -> None:
        """Show the next (or previous) panel on both sides."""
        self.panel = str(next_in(COMPARE_PANELS, self.panel, delta))

    def action_switch_side(self) -> None:
        """Show the other side (small terminals)."""
        self.current = "right" if self.current == "left" else "left"

    def action_interrupt(self) -> None:
        """Stop a long step running on either side (the parts it finished stay), and playing."""
        self._pause()
        if not self.lockstep.interrupt():
            self.notify("Nothing is running.", timeout=1.5)

    def action_help(self) -> None:
        """Show the compare keys and what each panel shows."""
        from gomemtui.ui.compare.help import CompareHelpScreen

        self.app.push_screen(CompareHelpScreen(COMPARE_KEYS, tuple(PANEL_TITLES[p] for p in COMPARE_PANELS)))
