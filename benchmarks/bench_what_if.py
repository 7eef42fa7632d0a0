"""Does a what-if running in the background slow the keys? Prints figures; asserts nothing.

    python benchmarks/bench_what_if.py

Headless (Textual's test driver, 160×48), on gogc-100 after its 5 steps:

1. a UI-only key (Tab: the next panel) — press to repaint, median and worst of 40;
2. a timeline key pair (p then n: rewind a step and run it again) — press to its frame;

with nothing in the background, then by turns for as long as three what-if runs
(GOGC=25, 50, 200, played in a worker thread one after the other) go on, then with
nothing again. Also the time the what-ifs take alone and while the keys are pressed.
The machine's load shows in every figure: compare the lines of one run with each other.
"""

from __future__ import annotations

import asyncio
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
    from gomemtui.ui.screenshot import wait_idle

    program = load_program("gogc-100")
    app = GoMemApp(Timeline(program), path="gogc-100.toml", start_step=5)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_idle(pilot)
        screen = app.screen

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
            return w is not None and any(r.trace is None and not r.error for r in [*w.runs, w.played])

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

        settings = ("GOGC=25", "GOGC=50", "GOGC=200")
        alone = await what_ifs(settings)
        quiet_before = await tab_times(PRESSES)
        quiet_step = await step_times(PRESSES // 2)
        for s in settings:
            screen.add_what_if(parse_what_if(s))
        start = time.perf_counter()
        busy_tab: list[float] = []
        busy_step: list[float] = []
        while running():  # Tab and p/n by turns, for as long as the what-ifs run
            busy_tab += await tab_times(2)
            if running():
                busy_step += await step_times(2)
        shared = time.perf_counter() - start
        quiet_after = await tab_times(PRESSES)

    def line(name: str, times: list[float]) -> str:
        ms = [t * 1000 for t in times]
        if not ms:
            return f"  {name:40} (no press)"
        return (f"  {name:40} {len(ms):3} presses, median {statistics.median(ms):6.1f} ms, "
                f"worst {max(ms):6.1f} ms")

    print(f"what-ifs {' + '.join(settings)} (and the run as opened), alone: {alone:.2f} s; "
          f"with the keys below pressed meanwhile: {shared:.2f} s")
    print("Tab (next panel), press to repaint:")
    print(line("nothing in the background (before)", quiet_before))
    print(line("what-ifs running", busy_tab))
    print(line("nothing in the background (after)", quiet_after))
    print("p / n (rewind a step, run it again), press to frame:")
    print(line("nothing in the background", quiet_step))
    print(line("what-ifs running", busy_step))


if __name__ == "__main__":
    asyncio.run(measure())
