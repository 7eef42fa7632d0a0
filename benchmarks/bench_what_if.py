"""Does a what-if running in the background slow the keys? Prints figures; asserts nothing.

    python benchmarks/bench_what_if.py

Headless (Textual's test driver, 160×48), on gogc-100 after its 5 steps:

0. how late the app's event loop (which reads and handles the keys) wakes from a 5 ms
   sleep, for 2 s with nothing in the background and while three what-ifs run;
1. a UI-only key (Tab: the next panel) — press to repaint, median and worst of 40;
2. a timeline key pair (p then n: rewind a step and run it again) — press to its frame;

with nothing in the background, then by turns with three what-if runs (GOGC=10, 15,
20, played in a worker thread one after the other, started again whenever they have
finished, the layout let settle before the next press), then with nothing again. Also the time the what-ifs take alone and while the keys are pressed.
The machine's load shows in every figure: compare the lines of one run with each other.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PRESSES = 40


async def measure() -> None:
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.scenario import load_program
    from gomemtui.scenario.whatif import parse_what_if
    from gomemtui.ui.app import GoMemApp
    from gomemtui.ui.screens.main import MainScreen
    from gomemtui.ui.screenshot import wait_idle

    program = load_program("gogc-100")
    app = GoMemApp(Timeline(program), path="gogc-100.toml", start_step=5)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)

        async def tab_times(n: int) -> list[float]:
            times = []
            for _ in range(n):
                start = time.perf_counter()
                await pilot.press("tab")
                await pilot.pause()
                times.append(time.perf_counter() - start)
            return times

        async def step_times(n: int) -> list[float]:
            times = []
            for key in "pn" * (n // 2):
                start = time.perf_counter()
                await pilot.press(key)
                while screen.playback.busy:
                    await asyncio.sleep(0.001)
                await pilot.pause()
                times.append(time.perf_counter() - start)
            return times

        def running() -> bool:
            w = screen.what_ifs
            runs = [*w.runs, *([w.played] if w.played else [])] if w is not None else []
            return any(r.trace is None and not r.error for r in runs)

        async def what_ifs(settings: tuple[str, ...]) -> float:
            start = time.perf_counter()
            for s in settings:
                screen.add_what_if(parse_what_if(s))
            while running():
                await asyncio.sleep(0.01)
            took = time.perf_counter() - start
            screen.remove_what_if()
            await wait_idle(pilot)
            return took

        async def loop_lag(seconds: float | None) -> list[float]:
            """How late a 5 ms sleep of the app's event loop wakes (where keys are read and
            handled), sampled for `seconds` (None: as long as the what-ifs run)."""
            lags = []
            end = time.perf_counter() + (seconds or 1e9)
            while time.perf_counter() < end and (seconds is not None or running()):
                start = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append(time.perf_counter() - start - 0.005)
            return lags

        settings = ("GOGC=10", "GOGC=15", "GOGC=20")
        lag_quiet = await loop_lag(2.0)
        for s in settings:
            screen.add_what_if(parse_what_if(s))
        await asyncio.sleep(0.2)  # the overlays' first layout
        lag_busy = await loop_lag(None)
        screen.remove_what_if()
        await wait_idle(pilot)
        alone = await what_ifs(settings)
        quiet_before = await tab_times(PRESSES)
        quiet_step = await step_times(PRESSES // 2)
        async def restart() -> None:
            """Start the what-ifs again (removed first) once they have finished, and let
            the header and the chart settle (their layout is not what is measured)."""
            if not running():
                screen.remove_what_if()
                for s in settings:
                    screen.add_what_if(parse_what_if(s))
                await asyncio.sleep(0.3)

        busy_tab: list[float] = []
        busy_step: list[float] = []
        start = time.perf_counter()
        while len(busy_tab) < PRESSES // 2:  # Tab and p/n by turns, what-ifs running
            await restart()
            busy_tab += await tab_times(1)
            await restart()
            busy_step += await step_times(2)
        shared = time.perf_counter() - start
        screen.remove_what_if()
        await wait_idle(pilot)
        quiet_after = await tab_times(PRESSES)

    def line(name: str, times: list[float]) -> str:
        ms = [t * 1000 for t in times]
        if not ms:
            return f"  {name:40} (none)"
        return (f"  {name:40} {len(ms):4} times, median {statistics.median(ms):6.1f} ms, "
                f"worst {max(ms):6.1f} ms")

    print(f"what-ifs {' + '.join(settings)} (and the run as opened), alone: {alone:.2f} s; "
          f"the keys pressed with what-ifs running took {shared:.2f} s")
    print("machine load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print("the app's event loop, a 5 ms sleep wakes late by:")
    print(line("nothing in the background", lag_quiet))
    print(line("what-ifs running", lag_busy))
    print("Tab (next panel), press to repaint:")
    print(line("nothing in the background (before)", quiet_before))
    print(line("what-ifs running", busy_tab))
    print(line("nothing in the background (after)", quiet_after))
    print("p / n (rewind a step, run it again), press to frame:")
    print(line("nothing in the background", quiet_step))
    print(line("what-ifs running", busy_step))


if __name__ == "__main__":
    asyncio.run(measure())
