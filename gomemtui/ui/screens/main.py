"""The main screen: every panel, the keys that move through the program, the layout rules.

Wide terminals show all panels at once; small ones (under 110×30) show one panel at a
time (Tab switches, a tab row shows which) above an explanation strip that takes the
lines the step needs, up to a third of the screen (`x` opens all of it). `z` zooms the
active panel to the full screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from gomemtui import gc_hold
from gomemtui.runtime.enums import GCPhase
from gomemtui.ui.frame import Frame
from gomemtui.ui.playback import ActionFailed, FrameReady, Playback, Tick, Working
from gomemtui.ui.player import GRID_MODES, Action, Player, next_in
from gomemtui.ui.widgets.header import StatusHeader
from gomemtui.ui.widgets.key_footer import KeyFooter
from gomemtui.ui.widgets.panel import Panel
from gomemtui.ui.widgets.panel_tabs import PanelTabs

if TYPE_CHECKING:  # mounted, and so imported, after the first paint
    from gomemtui.scenario.whatif import WhatIf
    from gomemtui.ui.what_if import WhatIfOverlays, WhatIfUpdated
    from gomemtui.ui.screens.what_if import WhatIfChoice
    from gomemtui.ui.first_frame import FirstFrameCache
    from gomemtui.ui.preview import ScenarioPreview
    from gomemtui.ui.widgets.heap_map import HeapMap
    from gomemtui.ui.widgets.working import WorkingLine

PANEL_ORDER: tuple[str, ...] = (
    "source", "heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "log",
    "pprof",
)
"""Panel ids in Tab order."""

OPTIONAL_PANELS: frozenset[str] = frozenset({"pprof"})
"""Panels that start hidden and are in the layout and the tab row only while shown (the
Top panel: `t` opens it)."""

WIDE_MIN = (110, 30)
"""Smallest (width, height) that shows every panel at once."""

FOOTER_PRIORITY: tuple[str, ...] = (
    "help", "leave", "next_phase", "run_gc", "why_alive",
    "explore_alone", "follow_presenter", "close_span", "unzoom",
    "step", "toggle_play", "next_panel(1)", "mark_unit", "step_back", "zoom", "explain",
    "inspect", "command_palette",
)
"""Actions in the order they keep their place in the footer when it is short of room
(80 columns show at least `? q ] g w`; keys greyed out at the moment go last, so `m`
takes back's place while the collector marks); the footer shows them in `KEYS` order."""


PREVIEW_PANELS = frozenset({"source", "explain", "strip"})
"""Panels whose widgets draw the scenario file's preview in the first paint."""

PICTURE_SETTLE = 0.5
"""Seconds after the core's frame before the first step that the screen is pictured for
the next start (`_keep_picture`): the footer and the panels settle in the meantime."""


def prepare_frame(frame: Frame) -> None:
    """Worker-side preparation of a frame: highlight its Go source (pygments is slow to
    import and to run; the result is cached per program)."""
    from gomemtui.ui.widgets.source import highlighted_lines

    source = getattr(frame.program, "source", "")
    if source:
        highlighted_lines(source)


class MainScreen(Screen[None]):
    """All panels over one timeline, driven by the keyboard."""

    ESCAPE_TO_MINIMIZE = False
    AUTO_FOCUS = None
    ALLOW_IN_MAXIMIZED_VIEW = "#top, #strip-delta, #strip, WorkingLine, Footer, #kept-picture"

    KEYS: ClassVar[list[Binding]] = [
        Binding("space", "toggle_play", "Play"),
        Binding("n,right", "step", "Step", key_display="n/→"),
        Binding("p,left", "step_back", "Back", key_display="p/←"),
        Binding("right_square_bracket", "next_phase", "Phase▸", key_display="]"),
        Binding("left_square_bracket", "prev_phase", "◂Phase", key_display="[", show=False),
        Binding("right_curly_bracket", "next_cycle", "Cycle▸", key_display="}", show=False),
        Binding("left_curly_bracket", "prev_cycle", "◂Cycle", key_display="{", show=False),
        Binding("m", "mark_unit", "Mark"),
        Binding("g", "run_gc", "GC"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", show=False),
        Binding("minus", "speed(-1)", "Slower", key_display="-", show=False),
        Binding("home", "home", "Start", show=False),
        Binding("end", "end", "End", show=False),
        Binding("tab", "next_panel(1)", "Panel", key_display="tab"),
        Binding("shift+tab", "next_panel(-1)", "Prev panel", show=False),
        Binding("z", "zoom", "Zoom"),
        Binding("c", "color_mode", "Colors", show=False),
        Binding("w", "why_alive", "Why alive?"),
        Binding("x", "explain", "Explain"),
        Binding("escape", "unzoom", "Unzoom"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "leave", "Quit"),
        Binding("o", "what_if", "What if…", show=False),  # issue 14: what-if overlays
        Binding("t", "top_panel", "Top", show=False),
    ]
    """The screen's keys, in the order the footer and the help screen list them."""
    BINDINGS: ClassVar[list[BindingType]] = list(KEYS)

    # repaint=False: the panels bound to these repaint themselves; repainting the
    # screen would redraw every line of the terminal on every frame.
    frame: reactive[Frame | None] = reactive(None, repaint=False)
    """The frame every panel draws."""
    active: reactive[str] = reactive("heap", repaint=False)
    """Id of the active (focused) panel."""
    narrow: reactive[bool] = reactive(False, repaint=False)
    """Small terminal: one panel at a time."""
    zoomed: reactive[bool] = reactive(False, repaint=False)
    """The active panel fills the screen."""
    mono: reactive[bool] = reactive(False, repaint=False)
    """The heap map draws glyphs only (NO_COLOR, or chosen in the palette)."""

    def __init__(self, player: Player, *, start_step: int | None = None, autoplay: bool = False,
                 first_frame: FirstFrameCache | None = None, preview: ScenarioPreview | None = None) -> None:
        super().__init__()
        self.player = player
        """Owns the timeline (touched only from the playback worker)."""
        self.playback = Playback(self, player, prepare=prepare_frame)
        """The action queue and the clock."""
        self._start_step = start_step
        self._autoplay = autoplay
        self._pending_span = False
        self._binding_state: tuple[bool | None, ...] = ()
        self.frames_shown = 0
        """Frames received and drawn (for the playback benchmark)."""
        self.filled = False
        """Whether the panels' widgets are mounted (just after the first paint)."""
        self._explain_return: tuple[str, bool] | None = None
        """(active panel, zoomed) to go back to when `x` opened the Explain panel."""
        self.what_ifs: WhatIfOverlays | None = None
        """The what-if runs over the pacer chart (made when the first is asked for)."""
        self._first_frame = first_frame if start_step is None else None
        self._preview = preview if start_step is None else None
        """What the scenario file states of itself, drawn in the first paint when no picture
        of the screen is kept (`gomemtui.ui.preview`)."""
        self._early: dict[str, tuple[Widget, ...]] = {}
        """The panels' widgets mounted in the first paint to draw the preview (by panel id)."""
        self._made: dict[str, tuple[Widget, ...]] = {}
        """Every panel's widgets, when made for the preview before `_fill_panels` mounts them."""
        self.early = False
        """Whether the frame shown is the first frame kept from the last run, drawn while
        the core loads (`gomemtui.ui.first_frame`); the core's own frame replaces it."""
        self._why_alive_waiting = False
        """`w` was pressed on the kept first frame: open "why alive" when the core is ready."""
        self._touched = False
        """Whether the user has pressed a key or clicked (the screen then no longer shows
        what every start shows, and no picture of it is kept)."""
        self._picture_kept = False
        self._picture_candidate: list[list[tuple[str, str]]] | None = None
        """The last picture taken of the screen: kept once the next one is the same."""

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The panels start empty: their widgets are mounted by `_fill_panels` once this
        # first frame is on screen (they would draw nothing before the scenario loads,
        # and styling and laying out a dozen widgets more costs a third of the time to
        # the first frame).
        # With no picture kept, the scenario file's own words (title, source, summary) are
        # drawn at once by the few panels that show them (`gomemtui.ui.preview`).
        picture = self._kept_picture()
        preview = self._preview if picture is None else None
        self._early = self._preview_widgets(preview) if preview is not None else {}
        with Vertical(id="top"):
            yield StatusHeader(preview).data_bind(MainScreen.frame)
            yield PanelTabs(id="tabs")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                with Panel(title="Source", id="source"):
                    yield from self._early.get("source", ())
                with Panel(title="Explain", id="explain"):
                    yield from self._early.get("explain", ())
            with Vertical(id="center"):
                yield Panel(title="Heap map", id="heap")
                yield Panel(title="GC & pacer", id="gc")
            with Vertical(id="right"):
                yield Panel(title="Slices", id="slices")
                yield Panel(title="Maps", id="maps")
                yield Panel(title="sync.Pool", id="pool")
                yield Panel(title="Goroutines", id="goroutines")
                yield Panel(title="Top (pprof)", id="pprof")
        yield Panel(title="Event log", id="log")
        yield from self._early.get("strip", ())
        yield KeyFooter(FOOTER_PRIORITY, [binding.action for binding in self.KEYS])
        if picture is not None:
            yield picture

    def _kept_picture(self) -> Widget | None:
        """The whole screen as the last run showed it first, if it was kept at this size."""
        if self._first_frame is None:
            return None
        size = (self.app.size.width, self.app.size.height)
        lines = self._first_frame.load_picture(size, self._picture_variant())
        if lines is None:
            return None
        from gomemtui.ui.widgets.kept_picture import KeptPicture

        return KeptPicture(lines, size)

    def _preview_widgets(self, preview: ScenarioPreview) -> dict[str, tuple[Widget, ...]]:
        """The widgets of the panels that draw the scenario file's words (the Source and
        Explain panels and the explanation strip), made now to draw `preview`."""
        from gomemtui.ui.widgets.lines_view import LinesView

        self._made = self._panel_widgets()
        early = {panel_id: widgets for panel_id, widgets in self._made.items() if panel_id in PREVIEW_PANELS}
        for widgets in early.values():
            for widget in widgets:
                if isinstance(widget, LinesView):
                    widget.preview = preview
        return early

    def _picture_variant(self) -> str:
        """What else a picture of the screen depends on: the theme and NO_COLOR."""
        return f"{self.app.theme}-{'mono' if self.app.no_color else 'color'}"

    def _drop_picture(self) -> None:
        """Remove the kept picture (the panels under it show the same, or the user acts)."""
        for picture in self.query("#kept-picture"):
            picture.remove()

    def _keep_picture(self) -> None:
        """Keep a picture of the screen as every start shows it before the first step: the
        core's own frame, drawn whole at the grid shape the heap map asks for, nothing
        pressed, nothing above it, no notice, no pointer over it, and the same picture
        twice in a row."""
        frame = self.frame
        if (self._first_frame is None or self._picture_kept or self._touched or frame is None
                or self.early or frame.position != 0 or not self.filled
                or self.playback.busy or self.playback.playing
                or self.app.screen is not self or self.app.mouse_over is not None
                or self.query("#kept-picture") or self.query("Toast")):
            return
        from gomemtui.ui.player import fit_grid
        from gomemtui.ui.widgets.kept_picture import picture_runs

        grid = frame.grid
        if fit_grid(self.player.grid_shape, frame.view.pages_mapped) != (
                grid.rows, grid.cols, grid.cell_w, grid.cell_h):
            return  # a frame for the heap map's shape is on its way
        picture = picture_runs(self._compositor.render_strips())
        if picture != self._picture_candidate:  # still changing (the footer recomposes, ...): look again
            self._picture_candidate = picture
            self.set_timer(PICTURE_SETTLE / 2, self._keep_picture)
            return
        self._picture_kept = True
        self._first_frame.save_picture((self.size.width, self.size.height), self._picture_variant(), picture)

    def on_key(self, event: events.Key) -> None:
        """The user acts: from now on the screen is theirs, not the kept picture."""
        self._touched = True
        self._drop_picture()

    def on_click(self, event: events.Click) -> None:
        self._touched = True

    def _panel_widgets(self) -> dict[str, tuple[Widget, ...]]:
        """The widgets of each panel (by panel id; "strip" is the narrow layout's explanation
        strip), bound to this screen's frame. Their modules are imported here, after the
        first paint."""
        from gomemtui.ui.widgets.event_log import EventLog
        from gomemtui.ui.widgets.explain import ExplainStrip, ExplainView
        from gomemtui.ui.widgets.gc_status import GCStatus
        from gomemtui.ui.widgets.goroutines import GoroutinesView
        from gomemtui.ui.widgets.heap_map import HeapMap
        from gomemtui.ui.widgets.maps import MapsView
        from gomemtui.ui.widgets.pacer_chart import PacerChart
        from gomemtui.ui.widgets.pool import PoolPanel
        from gomemtui.ui.widgets.slices import SlicesView
        from gomemtui.ui.widgets.working import WorkingLine
        from gomemtui.ui.widgets.source import SourceView
        from gomemtui.ui.widgets.step_delta import StepDeltaLine
        from gomemtui.ui.widgets.top import TopView

        frame = MainScreen.frame
        strip = ExplainStrip(id="strip").data_bind(frame)
        strip.can_focus = False
        return {
            "source": (SourceView(id="source-view").data_bind(frame),),
            "explain": (StepDeltaLine(lines=2, id="explain-delta").data_bind(frame),
                        ExplainView(id="explain-view").data_bind(frame)),
            "heap": (HeapMap(id="heap-map").data_bind(frame, MainScreen.mono),),
            "gc": (GCStatus(id="gc-status").data_bind(frame), PacerChart(id="pacer").data_bind(frame)),
            "slices": (SlicesView(id="slices-view").data_bind(frame),),
            "maps": (MapsView(id="maps-view").data_bind(frame),),
            "pool": (PoolPanel(id="pool-view").data_bind(frame),),
            "goroutines": (GoroutinesView(id="goroutines-view").data_bind(frame),),
            "log": (EventLog(id="log-view").data_bind(frame),),
            "strip": (StepDeltaLine(id="strip-delta").data_bind(frame), strip, WorkingLine()),
            "pprof": (TopView(id="top-view").data_bind(frame),),
        }

    def on_mount(self) -> None:
        self.mono = self.app.no_color
        self._update_tabs()
        self._apply_size(self.app.size.width, self.app.size.height)
        self._apply_maximize(mounting=True)
        self.call_after_refresh(self._fill_panels)
        if self._first_frame is None:  # else once the kept first frame is drawn
            self._start_core()
        if self._autoplay:
            self.playback.play()

    def _start_core(self) -> None:
        """Queue the first action, after the next paint: its worker imports the core."""
        if self._start_step is not None:
            self.playback.request_after_refresh(Action("goto", self._start_step - 1))
        else:
            self.playback.request_after_refresh(Action("refresh"))

    async def _fill_panels(self) -> None:
        """Mount every panel's widgets (after the first paint) over the kept first frame if
        there is one, then focus the active one."""
        kept = self._first_frame.load() if self._first_frame is not None else None
        if kept is not None and self.frame is None:
            self.early = True
            self.frame = kept
            self.app.title = kept.program.title or self.app.title
            self.call_after_refresh(self._drop_picture)  # the panels draw it now
        mounts = []
        made, self._made = self._made or self._panel_widgets(), {}
        for panel_id, widgets in made.items():
            if panel_id in self._early:  # mounted in the first paint, for the preview
                continue
            if panel_id == "strip":
                mounts.append(self.mount_all(widgets, before=self.query_one(KeyFooter)))
            else:
                mounts.append(self.panel(panel_id).mount_all(widgets))
        for mount in mounts:
            await mount
        self.filled = True
        self._size_strip(self.size.height or self.app.size.height)
        self.focus_panel(self.active)
        self._apply_maximize()
        if self._first_frame is not None:
            self._start_core()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)
        for picture in self.query("#kept-picture"):
            if getattr(picture, "taken_at", None) != (event.size.width, event.size.height):
                picture.remove()

    def _apply_size(self, width: int, height: int) -> None:
        self.narrow = width < WIDE_MIN[0] or height < WIDE_MIN[1]
        self._size_strip(height)

    def _size_strip(self, height: int) -> None:
        """The explanation strip may take a third of the screen (its border included)."""
        if self.filled:
            from gomemtui.ui.widgets.explain import ExplainStrip  # loaded with the panels

            self.query_one("#strip", ExplainStrip).max_lines = max(1, height // 3 - 1)
            self._steady_heap_grid(height)

    def _steady_heap_grid(self, height: int) -> None:
        """Under the strip (narrow, not zoomed), size the heap map's grid as if the strip
        were at its tallest: the strip takes the lines each step needs, and the map above
        it keeps its shape instead of reflowing from step to step."""
        if not self.filled:
            return
        from gomemtui.ui.widgets.explain import ExplainStrip
        from gomemtui.ui.widgets.heap_map import HeapMap
        from gomemtui.ui.widgets.step_delta import StepDeltaLine

        heap = self.query_one("#heap-map", HeapMap)
        if self.narrow and not self.zoomed:
            strip = self.query_one("#strip", ExplainStrip)
            delta = self.query_one("#strip-delta", StepDeltaLine)
            # header and tabs, the footer, the strip at its tallest (and its border), the
            # delta line above it at its tallest
            panel_rows = height - 2 - 1 - (strip.max_lines + 1) - delta.lines
            heap.limit_grid_rows(max(1, panel_rows - heap.LEGEND_LINES))
        else:
            heap.limit_grid_rows(None)

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self._apply_maximize()
        self._steady_heap_grid(self.size.height or self.app.size.height)

    def watch_zoomed(self, zoomed: bool) -> None:
        self.set_class(zoomed, "-zoomed")
        self._apply_maximize()
        self._steady_heap_grid(self.size.height or self.app.size.height)
        self.refresh_bindings()  # Esc (unzoom) comes and goes in the footer

    def watch_active(self, active: str) -> None:
        self.query_one(PanelTabs).active = active
        self.set_class(active == "explain", "-explain-active")
        self._apply_maximize()

    def _apply_maximize(self, mounting: bool = False) -> None:
        """Maximize the active panel in the narrow or zoomed layout (`mounting`: from
        `on_mount`, so that the very first paint is already laid out as it will stay)."""
        if not (self.is_mounted or mounting):
            return
        if self.narrow or self.zoomed:
            panel = self.panel(self.active)
            if self.maximized is not panel:
                self.maximize(panel, container=False)
                target = panel.target
                if target is not None:
                    self.call_after_refresh(target.focus)
        elif self.maximized is not None:
            self.minimize()
        self.call_after_refresh(self._catch_up)

    def _catch_up(self) -> None:
        if not self.filled:
            return
        from gomemtui.ui.widgets.lines_view import LinesView

        for view in self.query(LinesView):
            view.catch_up()

    def panel(self, panel_id: str) -> Panel:
        """The panel with this id."""
        return self.query_one(f"#{panel_id}", Panel)

    def visible_panels(self) -> list[str]:
        """Ids of the panels not hidden, in Tab order."""
        return [p for p in PANEL_ORDER if self.panel(p).display]

    def focus_panel(self, panel_id: str) -> None:
        """Make a panel active and focus its main widget."""
        self.active = panel_id
        target = self.panel(panel_id).target
        if target is not None:
            target.focus()

    def toggle_panel(self, panel_id: str) -> None:
        """Hide or show a panel (the last visible one stays)."""
        panel = self.panel(panel_id)
        if panel.display and len(self.visible_panels()) == 1:
            self.notify("The last panel cannot be hidden.", severity="warning")
            return
        panel.display = not panel.display
        if not panel.display and self.active == panel_id:
            self.focus_panel(self.visible_panels()[0])
        self._update_tabs()
        self.call_after_refresh(self._catch_up)  # a panel shown again draws the frames it missed

    def _update_tabs(self) -> None:
        self.query_one(PanelTabs).tabs = tuple(
            (p, self.panel(p).title, bool(self.panel(p).display)) for p in PANEL_ORDER
            if p not in OPTIONAL_PANELS or self.panel(p).display)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In the wide layout, focusing a widget (mouse, Tab) makes its panel active."""
        if self.narrow or self.zoomed:
            return
        for node in event.widget.ancestors_with_self:
            if isinstance(node, Panel):
                if node.id != self.active:
                    self.active = node.id or self.active
                return

    @on(PanelTabs.Selected)
    def _tab_selected(self, event: PanelTabs.Selected) -> None:
        if self.panel(event.panel_id).display:
            self.focus_panel(event.panel_id)

    # -- frames ------------------------------------------------------------------

    def on_working(self, message: Working) -> None:
        if self.playback.busy and self.filled:
            self._working_line().progress = message.progress
            self._refresh_bindings_if_changed()  # Esc now interrupts

    def _working_line(self) -> WorkingLine:
        from gomemtui.ui.widgets.working import WorkingLine  # mounted with the panels

        return self.query_one(WorkingLine)

    def on_unmount(self) -> None:
        self.playback.close()
        if self.what_ifs is not None:
            self.what_ifs.close()

    def on_frame_ready(self, message: FrameReady) -> None:
        frame = message.frame
        if self.filled:
            self._working_line().progress = ""
        self.early = False
        self.frame = frame
        self.frames_shown += 1
        if self.frames_shown == 1:
            if frame.program.title:
                self.app.title = frame.program.title  # a scenario loaded behind the first paint
            self.call_after_refresh(gc_hold.release)  # held by the command line since before textual
            self.call_after_refresh(self.playback.drawn.set)  # the core's warm-up may start
        self.call_after_refresh(self._drop_picture)
        if self._first_frame is not None and frame.action == "refresh":
            self._first_frame.save(frame)  # kept for the next start (a new grid shape only)
            self.set_timer(PICTURE_SETTLE, self._keep_picture)  # once the footer and panels have caught up
        if self._why_alive_waiting:
            self._why_alive_waiting = False
            self.action_why_alive()
        if self._pending_span and frame.span is not None:
            from gomemtui.ui.widgets.heap_map import HeapMap  # mounted, so imported, by now

            self.query_one("#heap-map", HeapMap).show_span = True
        self._pending_span = False
        if self.playback.playing:
            step = frame.step
            if frame.at_end or (frame.action == "step" and step is not None and step.pause):
                self.playback.pause()
        self._sync_header()
        self._refresh_bindings_if_changed()
        if self.what_ifs is not None or getattr(self.app, "real_cycles", None):
            self._show_what_ifs()

    def _refresh_bindings_if_changed(self) -> None:
        """Refresh the footer only when an action became enabled or disabled.

        Refreshing bindings rebuilds the footer's keys, which costs a layout: during
        playback that would be paid on every frame.
        """
        state = (*(self.check_action(b.action, ()) for b in self.KEYS), self._long_step_running())
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def on_action_failed(self, message: ActionFailed) -> None:
        """Say what failed and stay usable (or close, if nothing could be loaded)."""
        if self.frame is None or self.early:  # nothing from the core ever came
            self.app.exit(return_code=1)
            return
        self.playback.pause()
        self._sync_header()
        self.notify(f"{message.action} failed in the simulated runtime: {message.error}",
                    title="gomemtui bug", severity="error", timeout=10)

    def on_tick(self, message: Tick) -> None:
        self.playback.tick()

    def _sync_header(self) -> None:
        header = self.query_one(StatusHeader)
        header.playing = self.playback.playing
        header.speed = self.playback.speed
        header.busy = self.playback.busy

    # -- heap map ----------------------------------------------------------------

    # Handlers by name: the heap map's module is imported only when the panels are filled.

    def on_heap_map_grid_resized(self, event: HeapMap.GridResized) -> None:
        if self.early and self.frame is not None:  # the kept frame's empty heap, redrawn at this size
            from gomemtui.ui.first_frame import refit

            self.frame = refit(self.frame, (event.rows, event.cols)) or self.frame
        if self.player.grid_shape != (event.rows, event.cols):
            self.player.grid_shape = (event.rows, event.cols)
            self.playback.request(Action("refresh"))

    def on_heap_map_span_requested(self, event: HeapMap.SpanRequested) -> None:
        self._find_span(event.row, event.col)

    @work(thread=True, group="span", exclusive=True)
    def _find_span(self, row: int, col: int) -> None:
        span_id = self.player.span_at(row, col)
        self.app.call_from_thread(self._open_span, span_id)

    def _open_span(self, span_id: int | None) -> None:
        if span_id is None:
            self.notify("No span in that cell (idle or unmapped pages).")
            return
        self.player.span_id = span_id
        self._pending_span = True
        self.playback.request(Action("refresh"))

    def on_heap_map_span_closed(self, event: HeapMap.SpanClosed) -> None:
        self.player.span_id = None

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what makes no sense at this position (Textual: None greys, False hides)."""
        if action == "unzoom":  # Esc also interrupts a step (not the core's loading)
            return self.zoomed or (self.playback.busy and not self.early)
        enabled = self._action_enabled(action)
        return True if enabled else None

    def footer_description(self, action: str) -> str | None:
        """The footer's label for a key whose meaning changes: Esc interrupts a long step
        while one runs (`action_unzoom`), else it leaves the zoomed view."""
        if action == "unzoom" and self._long_step_running():
            return "Interrupt"
        return None

    def _long_step_running(self) -> bool:
        """A step long enough to report progress is running (the working line shows)."""
        return self.filled and bool(self._working_line().progress)

    def _action_enabled(self, action: str) -> bool:
        frame = self.frame
        if frame is None:  # still loading: keys queue up and run once the core is ready
            return action not in ("why_alive", "step_back", "home", "prev_phase", "prev_cycle", "mark_unit")
        if action in ("step", "end"):
            return not frame.at_end
        if action == "toggle_play":
            return not frame.at_end or self.playback.playing
        if action in ("step_back", "home", "prev_phase", "prev_cycle"):
            return frame.position > 0
        if action == "mark_unit":
            return frame.view.gc.phase == GCPhase.MARK
        return True

    def _act(self, name: str, arg: int | None = None) -> None:
        self.playback.request(Action(name, arg))
        self.query_one(StatusHeader).busy = True

    def action_step(self) -> None:
        """Run the next scenario step."""
        self._act("step")

    def action_step_back(self) -> None:
        """Undo the last action (instant: the core rewinds)."""
        self._act("step_back")

    def action_next_phase(self) -> None:
        """Advance to the next GC phase."""
        self._act("next_phase")

    def action_prev_phase(self) -> None:
        """Go back to where the GC phase last changed."""
        self._act("prev_phase")

    def action_next_cycle(self) -> None:
        """Run the program until the next GC cycle starts."""
        self._act("next_cycle")

    def action_prev_cycle(self) -> None:
        """Go back to where the last GC cycle started."""
        self._act("prev_cycle")

    def action_mark_unit(self) -> None:
        """Do one unit of mark work."""
        self._act("mark_unit")

    def action_run_gc(self) -> None:
        """runtime.GC() now."""
        self._act("run_gc")

    def action_home(self) -> None:
        """Back to before the first step."""
        self._act("home")

    def action_end(self) -> None:
        """Run to the last step."""
        self._act("end")

    def goto_step(self, index: int) -> None:
        """Position just after step `index` (0-based; -1 is the start)."""
        self._act("goto", index)

    def action_toggle_play(self) -> None:
        """Play or pause."""
        if self.playback.playing:
            self.playback.pause()
        else:
            self.playback.play()
        self._sync_header()
        self.refresh_bindings()

    def action_speed(self, delta: int) -> None:
        """Faster or slower playback."""
        self.playback.change_speed(delta)
        self._sync_header()

    def action_next_panel(self, delta: int) -> None:
        """Activate the next (or previous) visible panel."""
        panels = self.visible_panels()
        if not panels:
            return
        current = self.active if self.active in panels else panels[0]
        self.focus_panel(str(next_in(tuple(panels), current, delta)))

    def action_zoom(self) -> None:
        """Zoom the active panel to the full screen, or back."""
        self._explain_return = None
        self.zoomed = not self.zoomed
        target = self.panel(self.active).target
        if target is not None:
            target.focus()

    def action_unzoom(self) -> None:
        """Interrupt a long step that is running, else leave the zoomed view (and the
        Explain panel, if `x` opened it)."""
        if self.playback.interrupt():
            self.playback.pause()
            self._sync_header()
            return
        if self._explain_return is not None:
            self._leave_explain()
        else:
            self.zoomed = False

    def action_explain(self) -> None:
        """Show the whole explanation: the Explain panel, zoomed; again (or Esc): back."""
        if self._explain_return is not None and self.active == "explain" and self.zoomed:
            self._leave_explain()
            return
        if not self.panel("explain").display:
            self.toggle_panel("explain")
        self._explain_return = (self.active, self.zoomed)
        self.focus_panel("explain")
        self.zoomed = True

    def _leave_explain(self) -> None:
        """Back to the panel (and zoom) that was shown before `x`."""
        assert self._explain_return is not None
        panel, zoomed = self._explain_return
        self._explain_return = None
        self.zoomed = zoomed
        self.focus_panel(panel if self.panel(panel).display else self.visible_panels()[0])

    def action_color_mode(self) -> None:
        """Cycle what the heap map colors by: auto, size class, fill, mark color."""
        self.set_grid_mode(str(next_in(GRID_MODES, self.player.grid_mode)))

    def set_grid_mode(self, mode: str) -> None:
        """Color the heap map by `mode` (one of GRID_MODES)."""
        self.player.grid_mode = mode
        self.notify(f"Heap map colors: {mode}", timeout=1.5)
        self._act("refresh")

    def set_mono(self, mono: bool) -> None:
        """Draw the heap map with glyphs only (for NO_COLOR and monochrome terminals)."""
        self.mono = mono

    def action_why_alive(self) -> None:
        """Open "why is this alive?" for the current position."""
        from gomemtui.ui.screens.why_alive import WhyAliveScreen

        if self.early:  # the core is still loading: open it with the core's first frame
            self._why_alive_waiting = True
            self.notify("Loading the runtime…", timeout=1.5)
            return
        if self.frame is not None:
            self.app.push_screen(WhyAliveScreen(self.player, self.frame))

    def action_help(self) -> None:
        """Show the keys and what each panel shows."""
        from gomemtui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.KEYS))

    def action_top_panel(self) -> None:
        """`t`: open the Top panel (Go's heap profile by line) and make it active; when it
        is active, close it."""
        if self.panel("pprof").display and self.active == "pprof":
            self.toggle_panel("pprof")
            return
        if not self.panel("pprof").display:
            self.toggle_panel("pprof")
        self.focus_panel("pprof")

    def action_leave(self) -> None:
        """`q`: back to the scenario picker when the scenario was chosen there (`gomemtui`
        without a scenario), else quit. ctrl+q always quits (Textual's own binding)."""
        from gomemtui.ui.screens.picker import back_to_picker

        self.playback.pause()
        if not back_to_picker(self.app):
            self.app.exit()

    # -- what-if overlays (issue 14) -----------------------------------------------

    def action_what_if(self) -> None:
        """Re-run the scenario with another setting and draw it over the pacer chart."""
        from gomemtui.ui.screens.what_if import WhatIfScreen

        if self.frame is None:
            return
        shown = tuple(r.label for r in self.what_ifs.runs) if self.what_ifs is not None else ()
        self.app.push_screen(WhatIfScreen(shown), self._what_if_chosen)

    def _what_if_chosen(self, choice: WhatIfChoice | None) -> None:
        if choice is None or self.frame is None:
            return
        if choice.remove is not None:
            self.remove_what_if(choice.remove or None)
        elif choice.add is not None:
            self.add_what_if(choice.add)

    def add_what_if(self, what_if: WhatIf) -> None:
        """Run `what_if` in the background and overlay it; the GC panel is shown so that
        its chart can be seen."""
        from gomemtui.ui.what_if import WhatIfOverlays

        if self.frame is None:
            return
        if self.what_ifs is None:
            self.what_ifs = WhatIfOverlays(self)
        problem = self.what_ifs.add(what_if, self.frame.program)
        if problem:
            self.notify(problem, severity="warning")
            return
        if not self.panel("gc").display:
            self.toggle_panel("gc")
        if self.narrow:
            self.focus_panel("gc")
        self._show_what_ifs()

    def remove_what_if(self, label: str | None = None) -> None:
        """Remove the what-if named `label` (None: all of them)."""
        if self.what_ifs is not None:
            self.what_ifs.remove(label)

    def on_what_if_updated(self, message: WhatIfUpdated) -> None:
        assert self.what_ifs is not None
        for run in self.what_ifs.runs:
            if run.error and not run.reported:
                run.reported = True
                self.notify(f"what-if {run.label} stopped: {run.error}", severity="error", timeout=10)
        self._show_what_ifs()

    def _show_what_ifs(self) -> None:
        """Hand the overlays (the what-ifs', and real Go's cycles with `--against`) and the
        runs' figures at the step shown to the chart and header."""
        if self.what_ifs is not None:
            self.query_one(StatusHeader).runs = self.what_ifs.header_runs(self.frame)
        if self.filled:
            from gomemtui.ui.widgets.pacer_chart import PacerChart

            overlays = self.what_ifs.overlays(self.frame) if self.what_ifs is not None else ()
            real = getattr(self.app, "real_cycles", None)
            if real and self.frame is not None:
                from gomemtui.ui.real_cycles import real_overlay

                gc = self.frame.view.gc  # gc.cycle: the running cycle's number, or NumGC
                overlays = (*overlays, real_overlay(real, gc.history, gc.cycle))
            self.query_one("#pacer", PacerChart).overlays = overlays
