"""SVG screenshots of any scenario at any step and size (`gomemtui screenshot`).

The app runs headless at the given size, moves to the step, optionally presses keys
(e.g. "] ] m m" to stop mid-mark) and zooms a panel, waits until the frame is drawn,
then exports the screen as SVG. It is paused and has no wall clock on screen, so the
same arguments always give the same picture.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Sequence

from textual.pilot import Pilot

from gomemtui.runtime.program import Program
from gomemtui.ui.frame import TimelineSource
from gomemtui.ui.output_file import check_target, write_text


async def wait_idle(pilot: Pilot, rounds: int = 200) -> None:
    """Wait until the panels are filled, the timeline worker has nothing queued and its
    frame is on screen."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        playback = getattr(app.screen, "playback", None)
        if (playback is None or not playback.busy) and getattr(app.screen, "filled", True):
            break
    await pilot.pause()


async def capture(
    timeline: TimelineSource,
    step: int,
    size: tuple[int, int],
    *,
    keys: Sequence[str] = (),
    zoom: str | None = None,
    title: str | None = None,
) -> str:
    """The SVG of the app over `timeline` just after `step` steps (0: the start).

    Args:
        timeline: The timeline to show (real or fake).
        step: Number of scenario steps run before the picture.
        size: Terminal (columns, rows).
        keys: Keys pressed after reaching the step (Textual key names).
        zoom: Id of a panel to zoom ("heap", "gc", "slices", ...), or None.
        title: Window title in the SVG (default: the scenario's title).

    Returns:
        The SVG text.
    """
    from gomemtui.ui.app import GoMemApp

    app = GoMemApp(timeline, start_step=max(0, step))
    async with app.run_test(size=size) as pilot:
        await settle_at(pilot, keys, zoom)
        return app.export_screenshot(title=title or timeline.program.title or "gomemtui")


async def settle_at(pilot: Pilot, keys: Sequence[str] = (), zoom: str | None = None) -> None:
    """Wait for the first frame, press `keys` one by one (each action finished), zoom the
    panel `zoom` (if any), and wait until everything is drawn: a screen fit to picture."""
    from gomemtui.ui.screens.main import MainScreen

    await wait_idle(pilot)
    for key in keys:
        await pilot.press(key)
        await wait_idle(pilot)
    screen = pilot.app.screen
    if zoom and isinstance(screen, MainScreen):
        screen.focus_panel(zoom)
        if not screen.narrow:
            screen.zoomed = True
        await wait_idle(pilot)
    await pilot.pause(0.05)
    await wait_idle(pilot)


def screenshot(
    program: Program,
    step: int,
    size: tuple[int, int],
    out: Path,
    *,
    keys: Sequence[str] = (),
    zoom: str | None = None,
    force: bool = False,
    mkdir: bool = False,
    inputs: Sequence[Path] = (),
) -> list[str]:
    """Write an SVG of `program` just after `step` steps, at `size` (columns, rows).

    Args:
        program: The compiled scenario.
        step: Number of steps run first (0 = before the first step).
        size: Terminal (columns, rows).
        out: The SVG file to write.
        keys: Keys to press once there (e.g. ["right_square_bracket", "m"]).
        zoom: A panel id to zoom, or None.
        force: Replace a file (or a symbolic link, not what it points to) at `out`.
        mkdir: Make `out`'s folder if it is missing (the last level only).
        inputs: Files that must not be written over (the scenario read).

    Returns:
        Warnings (e.g. a name not ending in .svg); the file is written all the same.

    Raises:
        OutputError: `out` may not or cannot be written (checked before the app runs).
    """
    from textual.worker import WorkerCancelled

    from gomemtui.runtime.timeline import Timeline

    out = Path(out)
    warnings = check_target(out, force=force, mkdir=mkdir, inputs=inputs)
    try:
        svg = asyncio.run(capture(Timeline(program), step, size, keys=keys, zoom=zoom))
    except WorkerCancelled:  # ctrl+c cancelled the app's workers while a step ran
        raise KeyboardInterrupt from None
    write_text(out, svg, force=force)
    return warnings
