"""Helpers for the compare tests: the two sides of a comparison, an app over them, waiting."""

from __future__ import annotations

from textual.pilot import Pilot

from gomemtui.scenario.settings import Overrides, parse_assignment
from gomemtui.ui.compare.app import CompareApp
from gomemtui.ui.compare.sides import CompareSide, load_side, resolve_sides


def sides_of(first: str, second: str | None = None, left: str | None = None,
             right: str | None = None) -> tuple[CompareSide, CompareSide]:
    """The sides `gomemtui compare FIRST [SECOND] [--left LEFT] [--right RIGHT]` makes
    (no environment, no flags)."""
    return resolve_sides(first, second, parse_assignment(left) if left else None,
                         parse_assignment(right) if right else None, Overrides())


def compare_app(first: str, second: str | None = None, *, left: str | None = None,
                right: str | None = None, panel: str = "heap") -> CompareApp:
    """The compare app over those sides."""
    sides = sides_of(first, second, left, right)
    return CompareApp(load_side(sides[0]), load_side(sides[1]), sides, panel=panel)


async def settle(pilot: Pilot, rounds: int = 400) -> None:
    """Wait until both sides' queued actions have run and their frames are drawn."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if not getattr(screen, "busy", False) and getattr(screen, "pairs_shown", 1) > 0:
            break
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one by one, each action finished before the next."""
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
