"""Lockstep: one action run on both sides' players off the UI thread, one pair of frames back.

Each side has its own `Player` over its own `Timeline`, as the main screen has one. A
key queues an action for both sides (or, for a heap map that changed size, for one);
one thread worker runs each queued action on the left player, then on the right, and
posts the newest pair of frames (a `PairReady` replaces a stale one still queued). Long
steps run in slices on the worker, as in the main screen (`Playback`): their progress is
posted as `SideWorking`, and Esc interrupts both sides.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable

from textual.message import Message
from textual.widget import Widget

from gomemtui.ui.frame import Frame
from gomemtui.ui.player import Action, Player

__all__ = ["SidePlayer", "Lockstep", "PairReady", "SideWorking", "PairFailed", "SIDES"]

SIDES: tuple[str, str] = ("left", "right")

WAITS = "no GC phase change left on this side: it waits here"
"""A side's message when `]` finds no phase change before its scenario ends."""


class SidePlayer(Player):
    """A `Player` for one side: `]` and `}` that find no GC phase change before the
    scenario ends leave the side where it was (the other side moves on alone), where the
    main screen's player would have run the steps left."""

    def _apply(self, action: Action) -> str:
        if action.name not in ("next_phase", "next_cycle"):
            return super()._apply(action)
        tl = self.timeline
        before, changes = tl.position, self._phase_changes()
        message = super()._apply(action)
        if tl.position != before and changes is not None and self._phase_changes() == changes:
            tl.goto_position(before)
            self._truncate()
            return WAITS
        if tl.position == before:
            return WAITS
        return message

    def _phase_changes(self) -> int | None:
        """GC phase changes so far (`gcController`'s phase counter in the core)."""
        collector = getattr(self.timeline.runtime, "collector", None)
        changes = getattr(collector, "phase_changes", None)
        return int(changes) if changes is not None else None


@dataclass
class PairReady(Message):
    """Both sides' newest frames."""

    left: Frame
    right: Frame

    def can_replace(self, message: Message) -> bool:
        """Only the newest pair is worth drawing."""
        return isinstance(message, PairReady)


@dataclass
class SideWorking(Message):
    """A long step's progress on one side, between two of its slices."""

    side: str
    progress: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SideWorking)


@dataclass
class PairFailed(Message):
    """The core raised while running an action on one side (a gomemtui bug, reported)."""

    side: str
    action: str
    error: str


class Lockstep:
    """Runs actions on both sides' players, in turn, off the UI thread.

    Args:
        host: The screen that runs workers and receives the messages.
        players: The left and the right side's players.
        prepare: Called in the worker with each frame before it is posted (the source's
            syntax highlighting).
    """

    def __init__(self, host: Widget, players: tuple[Player, Player],
                 prepare: Callable[[Frame], None] | None = None) -> None:
        self.host = host
        self.players = dict(zip(SIDES, players))
        """The players by side."""
        self.prepare = prepare
        self.frames: dict[str, Frame | None] = {side: None for side in SIDES}
        """Each side's newest frame (touched by the worker only)."""
        self._queue: deque[tuple[Action, tuple[str, ...]]] = deque()
        self._lock = threading.Lock()
        self._busy = False
        self._closing = False
        self._stopped = False
        """Esc was pressed: the running action is cut short and not started on the side
        still to run (a player clears its cancel flag when it starts an action)."""
        for side, player in self.players.items():
            player.on_progress = self._progress_of(side)

    @property
    def busy(self) -> bool:
        """Whether an action is queued or running."""
        with self._lock:
            return self._busy or bool(self._queue)

    def _progress_of(self, side: str) -> Callable[[str], None]:
        def progress(text: str) -> None:
            if not self._closing:
                self.host.post_message(SideWorking(side, text))
        return progress

    def request(self, action: Action, sides: tuple[str, ...] = SIDES) -> None:
        """Queue an action for `sides`; the worker runs it and posts a PairReady."""
        with self._lock:
            if self._closing:
                return
            self._queue.append((action, sides))
            if self._busy:
                return
            self._busy = True
        self.host.run_worker(self._drain, thread=True, group="lockstep", exit_on_error=True, name="lockstep")

    def interrupt(self) -> bool:
        """Stop the running action at its next slice on both sides and drop queued ones;
        False when nothing was running."""
        with self._lock:
            self._queue.clear()
            running = self._busy
            if running:
                self._stopped = True
        if running:
            for player in self.players.values():
                player.cancel.set()
        return running

    def close(self) -> None:
        """The screen is going away: stop whatever runs, within one slice."""
        self._closing = True
        for player in self.players.values():
            player.closing = True
        self.interrupt()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._busy = False
                    return
                action, sides = self._queue.popleft()
                self._stopped = False  # a new action: Esc stopped the one before
            for side in SIDES:
                if (side not in sides or self._stopped) and self.frames[side] is not None:
                    continue
                player = self.players[side]
                try:
                    frame = player.perform(action if side in sides else Action("refresh"))
                    if self.prepare is not None:
                        self.prepare(frame)
                except Exception as error:  # a core bug must not kill the app
                    with self._lock:
                        self._queue.clear()
                        self._busy = False
                    if not self._closing:
                        self.host.post_message(PairFailed(side, action.name, f"{type(error).__name__}: {error}"))
                    return
                self.frames[side] = frame
            with self._lock:
                if not self._queue:
                    self._busy = False
                    left, right = self.frames["left"], self.frames["right"]
                    if left is not None and right is not None and not self._closing:
                        self.host.post_message(PairReady(left, right))
                    return
