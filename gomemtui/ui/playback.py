"""Playback: actions queued to a thread worker, frames posted back, ticks that never pile up.

User keys queue actions; one thread worker drains the queue through `Player.perform` and
posts only the newest frame (a `FrameReady` replaces a stale one still queued). While
playing, a timer posts `Tick`s; a tick replaces a tick still waiting (`can_replace`) and
starts a step only when the worker is idle, so slow steps drop frames instead of
building a backlog.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from gomemtui.ui.frame import Frame
from gomemtui.ui.player import SPEEDS, Action, Player


FIRST_ACTION_DELAY = 0.05
"""Seconds between the first paint and the first action (which imports the core)."""


@dataclass
class Tick(Message):
    """Time for the next playback step."""

    def can_replace(self, message: Message) -> bool:
        """A newer tick makes a queued one pointless."""
        return isinstance(message, Tick)


@dataclass
class FrameReady(Message):
    """A frame built by the worker, ready to draw."""

    frame: Frame

    def can_replace(self, message: Message) -> bool:
        """Only the newest frame is worth drawing."""
        return isinstance(message, FrameReady)


@dataclass
class Working(Message):
    """A long step's progress, between two of its slices ("step 5, iteration 31,544 of 50,000")."""

    progress: str

    def can_replace(self, message: Message) -> bool:
        """Only the newest progress is worth showing."""
        return isinstance(message, Working)


@dataclass
class ActionFailed(Message):
    """The core raised while running an action (a gomemtui bug, reported, not fatal)."""

    action: str
    error: str


WARM_UP_WAIT = 5.0
"""Seconds the warm-up waits for the first frame to be drawn before it goes ahead anyway."""


class Playback:
    """Runs actions for a screen off the UI thread and keeps the playback clock.

    Args:
        host: The widget (the main screen) that runs workers and receives messages.
        player: The Player that owns the timeline.
    """

    def __init__(self, host: Widget, player: Player, prepare: Callable[[Frame], None] | None = None) -> None:
        self.host = host
        self.player = player
        self.prepare = prepare
        """Called in the worker with each frame before it is posted: slow, cacheable work
        for drawing it (the source's syntax highlighting) done off the UI thread."""
        self.playing = False
        """Whether the timer steps the timeline."""
        self.speed_index = SPEEDS.index(2.0)
        """Index in SPEEDS."""
        self._queue: deque[Action] = deque()
        self._lock = threading.Lock()
        self._busy = False
        self._deferred = 0
        self._warmed = False
        self.drawn = threading.Event()
        """Set by the screen once a frame of this playback is on the terminal: the warm-up
        after the first frame waits for it (importing scipy would hold the GIL the UI
        thread needs to draw that frame)."""
        self._timer: Timer | None = None
        self._closing = False
        player.on_progress = self._progress
        self.dropped_ticks = 0
        """Ticks that found the worker busy and were skipped (playback never backs up)."""

    @property
    def speed(self) -> float:
        """Actions per second while playing."""
        return SPEEDS[self.speed_index]

    @property
    def busy(self) -> bool:
        """Whether an action is queued, running, or waiting for the next repaint to start."""
        with self._lock:
            return self._busy or bool(self._queue) or self._deferred > 0

    def request_after_refresh(self, action: Action) -> None:
        """Queue an action once the screen has been painted.

        The first action imports the runtime core (numpy, scipy) in the worker thread;
        started before the first paint, it would hold the GIL while the app tries to draw.
        """
        with self._lock:
            self._deferred += 1

        def start() -> None:
            with self._lock:
                self._deferred -= 1
            self.request(action)

        # The repaint is written to the terminal by Textual's writer thread, which needs
        # the GIL too: give it a moment before the worker's imports take the GIL.
        self.host.call_after_refresh(lambda: self.host.set_timer(FIRST_ACTION_DELAY, start))

    def _progress(self, progress: str) -> None:
        """From the worker, between slices of a long step."""
        if not self._closing:
            self.host.post_message(Working(progress))

    def interrupt(self) -> bool:
        """Stop the running action at its next slice (the timeline goes back to where it
        started) and drop queued ones; False when nothing was running."""
        with self._lock:
            self._queue.clear()
            running = self._busy
        if running:
            self.player.cancel.set()
        return running

    def close(self) -> None:
        """The screen is going away: stop whatever runs, within one slice, so the worker
        thread ends and the process can exit at once."""
        self._closing = True
        self.drawn.set()  # a warm-up still waiting for the first frame gives up
        self.player.closing = True
        self.pause()
        self.interrupt()

    def request(self, action: Action) -> None:
        """Queue an action; the worker runs it and posts a FrameReady."""
        with self._lock:
            if self._closing:
                return
            self._queue.append(action)
            if self._busy:
                return
            self._busy = True
        self.host.run_worker(self._drain, thread=True, group="timeline", exit_on_error=True, name="timeline")

    def _drain(self) -> None:
        """Run queued actions; post the frame of the last one (idle again by then)."""
        while True:
            with self._lock:
                if not self._queue:
                    self._busy = False
                    return
                action = self._queue.popleft()
            try:
                frame = self.player.perform(action)
                if self.prepare is not None:
                    self.prepare(frame)
            except Exception as error:  # a core bug must not kill the app
                with self._lock:
                    self._queue.clear()
                    self._busy = False
                if self._closing:
                    return
                self.host.post_message(ActionFailed(action.name, f"{type(error).__name__}: {error}"))
                return
            with self._lock:
                if not self._queue:
                    self._busy = False
                    self.host.post_message(FrameReady(frame))
                    warm_up, self._warmed = not self._warmed, True
                    break
        if warm_up:
            self._warm_up()

    def _warm_up(self) -> None:
        """After the first frame: import what the core loads lazily (scipy, for the first
        GC) while the user reads the screen, once that frame is drawn."""
        self.drawn.wait(WARM_UP_WAIT)
        if self._closing:
            return
        preload = getattr(self.player.timeline, "preload", None)
        if callable(preload):
            preload()

    # -- the clock -------------------------------------------------------------

    def play(self) -> None:
        """Start the timer."""
        self.playing = True
        self._restart_timer()

    def pause(self) -> None:
        """Stop the timer."""
        self.playing = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def change_speed(self, delta: int) -> None:
        """Faster (+1) or slower (-1)."""
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + delta))
        if self.playing:
            self._restart_timer()

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.host.set_interval(1 / self.speed, self._post_tick, name="playback")

    def _post_tick(self) -> None:
        self.host.post_message(Tick())

    def tick(self) -> None:
        """Handle a Tick: step if idle, otherwise drop it."""
        if not self.playing:
            return
        if self.busy:
            self.dropped_ticks += 1
            return
        self.request(Action("step"))
