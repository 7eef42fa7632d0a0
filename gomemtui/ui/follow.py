"""Presenter and followers, and the app's ways when `gomemtui serve` runs it.

`RemoteSync` is a base class of `GoMemApp`. It does what the environment asks, read once
as a `gomemtui.sync.ViewerConfig`, and nothing when it asks nothing: ASCII glyphs and a
frame-rate cap (`gomemtui.ui.terminal`), a clean quit on SIGTERM and no screenshot written
on an SSH server, and, given a sync hub, presenting or following.

A presenter sends its position (see `gomemtui.sync`) whenever the main screen's frame,
active panel or zoom changes. A follower applies the presenter's position live: it replays
the presenter's actions on its own timeline (going back through the player's
`goto`/`step_back`, forward with `goto`/`mark_unit`/`run_gc`/`next_phase`, so its event
log stays right), then shows the presenter's panel and zoom. While following, the main
screen's actions that move the timeline (`TIMELINE_ACTIONS`, whatever key or command asks
for them) are held back with a reminder; `e` explores alone, `f` follows again. With a
folder served, a follower also opens the scenario the presenter opens.

A presenter that joins while a talk is under way first takes the talk's position (so a
dropped presenter reconnects where they were), then drives.

Note for GoMemApp: keep `RemoteSync` first among the bases, and if GoMemApp ever defines
`check_action`, `run_action`, `get_driver_class`, `deliver_screenshot` or
`save_screenshot`, let it call `super()`.
"""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from textual.actions import parse
from textual.app import App
from textual.binding import Binding

from gomemtui.sync import (
    ACTION_LETTERS, MAX_LINE, PresenterState, ProtocolError, ViewerConfig, decode, encode,
)

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.driver import Driver

    from gomemtui.ui.player import Player
    from gomemtui.ui.screens.main import MainScreen

__all__ = ["RemoteSync", "TIMELINE_ACTIONS", "history_letters", "scenario_key", "apply_position",
           "read_position"]

TIMELINE_ACTIONS = frozenset({"toggle_play", "step", "step_back", "next_phase", "prev_phase", "mark_unit",
                              "run_gc", "speed", "home", "end"})
"""The main screen's actions that move the timeline (or its playback): held back while following."""


# -- positions: reading and replaying --------------------------------------------------------

def scenario_key(program: object) -> str:
    """The scenario's file name (how presenter and followers name it)."""
    extra = getattr(program, "extra", None) or {}
    path = extra.get("path") if isinstance(extra, dict) else None
    if path:
        return Path(str(path)).name
    return str(getattr(program, "title", "") or "scenario")


def history_letters(timeline: object) -> str:
    """One letter per action applied up to the timeline's position (see `gomemtui.sync`)."""
    kinds = getattr(timeline, "action_kinds", None)
    if kinds is None:  # a timeline without recorded actions (a test fake): steps only
        return "s" * int(getattr(timeline, "next_step", 0))
    return "".join(ACTION_LETTERS.get(kind, "?") for kind in kinds)


def read_position(player: Player) -> tuple[str, str, int, str]:
    """(scenario key, action letters, steps done, GC phase) of a player's timeline."""
    with player.lock:
        tl: Any = player.timeline
        phase = getattr(tl.runtime.phase, "value", str(tl.runtime.phase))
        return scenario_key(tl.program), history_letters(tl), tl.next_step, phase


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def apply_position(player: Player, target: str) -> bool:
    """Bring a player's timeline to the position `target` (action letters); True if it moved.

    Runs in a thread (it may replay many steps). Uses the player's own actions, so the
    event log is what it would be had this viewer pressed the keys.
    """
    from gomemtui.ui.player import Action

    with player.lock:
        tl: Any = player.timeline
        have = history_letters(tl)
        if have == target:
            return False
        common = _common_prefix(have, target)
        if len(have) > common:
            player.perform(Action("goto", target[:common].count("s") - 1))
            for _ in range(len(have)):
                if tl.position <= common:
                    break
                player.perform(Action("step_back"))
            have = history_letters(tl)
            if have != target[: len(have)]:
                player.perform(Action("home"))
                have = ""
        i = len(have)
        total = len(tl.program.steps)
        while i < len(target):
            letter = target[i]
            if letter == "s":
                j = i
                while j < len(target) and target[j] == "s":
                    j += 1
                if tl.next_step >= total:
                    break  # the presenter's scenario is longer than ours: stop here
                player.perform(Action("goto", tl.next_step + (j - i) - 1))
                i = j
            else:
                # "h" (a step up to a phase change in it) and "p" (a phase change without
                # the program) are both what ] does at that point.
                name = {"m": "mark_unit", "g": "run_gc", "p": "next_phase", "h": "next_phase"}.get(letter)
                if name is None:
                    break
                player.perform(Action(name))
                i += 1
        return True


# -- the app mix-in --------------------------------------------------------------------------------

@dataclass
class _Link:
    """Live state of the sync link."""

    config: ViewerConfig
    following: bool = True
    """A follower's choice: follow (True) or explore alone (False)."""
    presenter_present: bool = False
    target: PresenterState | None = None
    """The newest PresenterState received."""
    applied_view: tuple[str, bool] | None = None
    """The presenter's (panel, zoomed) last applied."""
    last_sent: PresenterState | None = None
    welcomed: bool = False
    """The hub answered this connection's hello."""
    writer: asyncio.StreamWriter | None = None
    dirty: asyncio.Event = field(default_factory=asyncio.Event)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    watched: set[int] = field(default_factory=set)
    warned: set[str] = field(default_factory=set)

    @property
    def presenting(self) -> bool:
        return self.config.role == "presenter"


class RemoteSync(App[Any]):
    """Presenter/follower sync and served-app behaviour for GoMemApp (inert by default)."""

    BINDINGS = [
        Binding("e", "explore_alone", "Explore alone", show=True),
        Binding("f", "follow_presenter", "Follow presenter", show=True),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.viewer = ViewerConfig.from_env(os.environ)
        """What the environment asks of this app (read first: App.__init__ picks the driver)."""
        super().__init__(*args, **kwargs)
        self.remote: _Link | None = _Link(self.viewer) if self.viewer.sync else None
        """The sync link (None when this app neither presents nor follows)."""

    # -- output ----------------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        base = super().get_driver_class()
        if not self.viewer.ascii and self.viewer.fps is None:
            return base
        from gomemtui.ui.terminal import kind_driver

        return kind_driver(base, self.viewer.ascii, self.viewer.fps)

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        if self.viewer.served == "ssh":
            self.notify("Screenshots are not saved on a shared server.", severity="warning")
            return None
        return super().deliver_screenshot(*args, **kwargs)

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        if self.viewer.served == "ssh":
            self.notify("Screenshots are not saved on a shared server.", severity="warning")
            return ""
        return super().save_screenshot(*args, **kwargs)

    # -- start ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.viewer.served:
            try:
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        link = self.remote
        if link is None:
            return
        self.screen_change_signal.subscribe(self, self._remote_screen_changed)
        self.call_after_refresh(self._remote_screen_changed, self.screen)
        self.run_worker(self._remote_connection(), group="remote", exit_on_error=False, name="remote-link")
        if link.presenting:
            self.run_worker(self._remote_publisher(), group="remote", exit_on_error=False, name="remote-send")
        self.run_worker(self._remote_applier(), group="remote", exit_on_error=False, name="remote-apply")

    def _remote_main(self) -> MainScreen | None:
        """The topmost main screen (help or why-alive may be above it)."""
        from gomemtui.ui.screens.main import MainScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _remote_screen_changed(self, screen: object) -> None:
        link = self.remote
        main = self._remote_main()
        if link is None or main is None:
            return
        if id(main) not in link.watched:
            link.watched.add(id(main))
            if link.presenting:
                for name in ("frame", "active", "zoomed"):
                    self.watch(main, name, self._remote_changed, init=False)
            link.applied_view = None
        if link.presenting:
            link.dirty.set()
        link.wake.set()
        self.refresh_bindings()

    def _remote_changed(self) -> None:
        if self.remote is not None:
            self.remote.dirty.set()

    # -- the connection ------------------------------------------------------------------------

    async def _remote_connection(self) -> None:
        link = self.remote
        assert link is not None and link.config.sync
        delay = 0.5
        while True:
            try:
                reader, writer = await asyncio.open_unix_connection(link.config.sync, limit=MAX_LINE)
            except OSError:
                self._remote_warn_once("down", "The presenter link is not reachable; retrying.")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.5
            link.warned.discard("down")
            link.writer = writer
            try:
                writer.write(encode({"type": "hello", "role": link.config.role, "who": link.config.who}))
                await writer.drain()
                while line := await reader.readline():
                    try:
                        message = decode(line)
                        kind = message["type"]
                        if kind == "welcome":
                            self._remote_welcome(message)
                        elif kind == "state":
                            self._remote_received(PresenterState.from_wire(message.get("state")))
                        elif kind == "presenter":
                            self._remote_presence(bool(message.get("present")))
                    except ProtocolError:
                        continue
            except (OSError, ValueError, asyncio.IncompleteReadError):
                pass
            finally:
                link.welcomed = False
                link.writer = None
                writer.close()
            self._remote_presence(False)
            await asyncio.sleep(delay)

    def _remote_warn_once(self, key: str, message: str) -> None:
        link = self.remote
        if link is not None and key not in link.warned:
            link.warned.add(key)
            self.notify(message, severity="warning", timeout=4)

    def _remote_welcome(self, message: Mapping[str, object]) -> None:
        """The hub's answer to hello: whether a presenter is here, and where the talk is.

        A presenter takes that position before driving (so a presenter who reconnects, or
        a second one, carries on where the talk was); a follower goes there.
        """
        link = self.remote
        assert link is not None
        state = None
        if message.get("state") is not None:
            try:
                state = PresenterState.from_wire(message.get("state"))
            except ProtocolError:
                state = None
        link.welcomed = True
        if link.presenting:
            link.target = state
            link.last_sent = None
            if state is not None:
                link.wake.set()
            link.dirty.set()
            return
        self._remote_presence(bool(message.get("presenters")))
        if state is not None:
            self._remote_received(state)

    def _remote_received(self, state: PresenterState) -> None:
        link = self.remote
        assert link is not None
        if link.presenting:
            return  # a presenter drives; it only takes the talk's position on joining
        if not link.presenter_present:
            self._remote_presence(True)
        link.target = state
        link.wake.set()

    def _remote_presence(self, present: bool) -> None:
        link = self.remote
        if link is None or link.presenting or present == link.presenter_present:
            return
        link.presenter_present = present
        if present:
            if link.following:
                self._remote_pause_own()
                self.notify("The presenter is here: you follow them. e explores alone, f follows again.",
                            title="Following", timeout=6)
        else:
            self.notify("The presenter left; explore freely.", timeout=4)
        self.refresh_bindings()

    # -- presenter: send ---------------------------------------------------------------------------

    async def _remote_publisher(self) -> None:
        link = self.remote
        assert link is not None
        while True:
            await link.dirty.wait()
            await asyncio.sleep(0.03)  # let a burst of changes settle into one message
            link.dirty.clear()
            main = self._remote_main()
            if main is None or link.writer is None or not link.welcomed or link.target is not None:
                continue  # not connected yet, or still taking the talk's position
            try:
                key, letters, step, phase = await asyncio.to_thread(read_position, main.player)
            except Exception as error:  # a core error is the playback's to report
                self.log.warning(f"remote: cannot read the position: {error!r}")
                continue
            state = PresenterState(key, letters, main.active, bool(main.zoomed), step, phase)
            if state == link.last_sent or link.writer is None:
                continue
            try:
                link.writer.write(encode({"type": "state", "state": state.to_wire()}))
                await link.writer.drain()
                link.last_sent = state
            except (OSError, ValueError):
                continue

    # -- follower: apply ----------------------------------------------------------------------------

    @property
    def following(self) -> bool:
        """This follower follows a presenter who is here (the timeline is theirs to move)."""
        link = self.remote
        return link is not None and not link.presenting and link.following and link.presenter_present

    async def _remote_applier(self) -> None:
        link = self.remote
        assert link is not None
        while True:
            await link.wake.wait()
            link.wake.clear()
            state = link.target
            if state is None or (not link.presenting and not self.following):
                continue
            try:
                done = await self._remote_apply(state)
            except Exception as error:
                self.log.warning(f"remote: cannot follow: {error!r}")
                self._remote_warn_once("apply", f"Cannot follow the presenter here: {error}")
                done = True
            if link.presenting and done and link.target is state:
                link.target = None  # the talk's position is taken: drive from here
                link.dirty.set()

    async def _remote_apply(self, state: PresenterState) -> bool:
        """Go where `state` says; False while a scenario is still being opened for it."""
        from gomemtui.ui.player import Action

        link = self.remote
        assert link is not None
        main = self._remote_main()
        if main is None:
            return not await self._remote_open(state.scenario)
        player = main.player
        key = await asyncio.to_thread(lambda: read_position(player)[0])
        if key != state.scenario:
            return not await self._remote_open(state.scenario)
        moved = await asyncio.to_thread(apply_position, player, state.actions)
        if main is not self._remote_main():
            return False
        if moved:
            main.playback.request(Action("refresh"))
        view = (state.panel, state.zoomed)
        if view != link.applied_view:
            link.applied_view = view
            try:
                if main.panel(state.panel).display:
                    main.focus_panel(state.panel)
            except Exception:
                pass
            main.zoomed = state.zoomed
        return True

    async def _remote_open(self, name: str) -> bool:
        """Open the served scenario the presenter opened (a folder is served)."""
        from gomemtui.ui.screens.picker import PickerScreen

        path = next((p for p in self.viewer.scenarios if p.name == name), None)
        if path is None or not self.screen_stack or not isinstance(self.screen_stack[0], PickerScreen):
            self._remote_warn_once(f"missing:{name}", f"The presenter shows {name}, which this app cannot open.")
            return False
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.post_message(PickerScreen.Chosen(path))
        return True

    def _remote_pause_own(self) -> None:
        main = self._remote_main()
        if main is not None and main.playback.playing:
            main.action_toggle_play()

    # -- actions ---------------------------------------------------------------------------------------

    async def run_action(self, action: Any, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """Hold back the main screen's timeline actions while following (any key, any command)."""
        if self.following and isinstance(action, str):
            from gomemtui.ui.screens.main import MainScreen

            destination, name, _ = parse(action)
            target = ((namespaces or {}).get(destination, getattr(self, destination, None)) if destination
                      else default_namespace)
            if name in TIMELINE_ACTIONS and isinstance(target, MainScreen):
                self.notify("You follow the presenter. Press e to explore on your own, f to follow again.",
                            title="Following", timeout=3)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        link = self.remote
        if action == "explore_alone":
            return self.following
        if action == "follow_presenter":
            return link is not None and not link.presenting and link.presenter_present and not link.following
        return super().check_action(action, parameters)

    def action_explore_alone(self) -> None:
        """Stop following: this viewer moves on their own."""
        if self.remote is not None:
            self.remote.following = False
            self.notify("Exploring on your own. Press f to follow the presenter again.", timeout=4)
            self.refresh_bindings()

    def action_follow_presenter(self) -> None:
        """Follow the presenter again, from where they are now."""
        link = self.remote
        if link is not None:
            link.following = True
            link.applied_view = None
            self._remote_pause_own()
            self.notify("Following the presenter.", timeout=3)
            link.wake.set()
            self.refresh_bindings()
