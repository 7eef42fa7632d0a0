"""Benchmarks of the terminal app. Prints figures; asserts nothing.

    python benchmarks/bench_ui.py              # everything, heap of 1M objects
    python benchmarks/bench_ui.py --small      # 100k objects
    python benchmarks/bench_ui.py --only first-frame

1. Time to first frame in a real (pseudo-)terminal: `gomemtui tour` vs a minimal
   Textual app, measured the same way in the same run: the layout (target: ≤ 1.3×);
   the scenario (title, step 0/N, source and explanation, target: ≤ 2×) the first time
   it is opened, drawn from the file while the core loads (gomemtui.ui.preview); the
   core's figures then; and the figures when the first frame was kept by an earlier run
   (gomemtui.ui.first_frame).
   `--tmux` also times, in tmux at 80×24, how long until the scenario's title and its
   explanation are on the screen as a user reads it.
2. Heap-map frame at N live objects: the core's view + grid, plus the strips the
   heap map draws for a 160×48 terminal (target: ≤ 16 ms).
3. Steady playback at 30 steps/s over an N-object heap, headless: frames drawn per
   second and ticks dropped instead of queued (target: 30 fps without backlog).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import itertools
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MINIMAL_APP = textwrap.dedent('''
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("minimal-first-frame")

    Minimal().run()
''')


# -- 1. time to first frame -----------------------------------------------------------

def time_to_marker(argv: list[str], marker: bytes | tuple[bytes, ...], size: tuple[int, int] = (120, 40),
                   timeout: float = 30.0, env_extra: dict[str, str] | None = None, linger: float = 0.0) -> float:
    """Seconds from spawning `argv` on a fresh pty until `marker` (every one of them, if
    several) is written to it (the program is left running `linger` seconds more, reading
    nothing, before it is killed)."""
    markers = marker if isinstance(marker, tuple) else (marker,)
    master, slave = os.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(REPO), **(env_extra or {}))
    env.pop("NO_COLOR", None)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if all(m in seen for m in markers):
                    elapsed = time.perf_counter() - start
                    break
        deadline = time.perf_counter() + linger
        while time.perf_counter() < deadline:  # keep the pty drained so the app can draw
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    return elapsed


SCENARIO_ON_SCREEN = (b"step 0/", b"package", b"before the first")
"""The scenario on screen: its title and step count in the header, its source, its
explanation (drawn from the file alone while the core loads: `gomemtui.ui.preview`)."""
FIGURES_ON_SCREEN = (b"step 0/", b"/ goal ")
"""The core's first frame on screen: the header's heap and goal figures."""


def bench_first_frame(runs: int, tmux: bool) -> None:
    # An installed copy has its bytecode compiled (pip does it); so do the checkout's, or a
    # PYTHONDONTWRITEBYTECODE environment would charge every run gomemtui's compilation.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "gomemtui")], check=True,
                   stdout=subprocess.DEVNULL)
    gomemtui = [sys.executable, "-m", "gomemtui", "tour"]
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        kept = {"GOMEMTUI_CACHE_DIR": str(Path(tmp) / "kept")}
        time_to_marker(gomemtui, FIGURES_ON_SCREEN, env_extra=kept, linger=4.0)  # keeps tour's first frame
        base, paint, scenario, figures, warm = [], [], [], [], []
        for run in range(runs):  # interleaved, so all see the same machine load
            def fresh(kind: str) -> dict[str, str]:  # nothing kept
                return {"GOMEMTUI_CACHE_DIR": str(Path(tmp) / f"fresh-{run}-{kind}")}

            base.append(time_to_marker([sys.executable, str(minimal)], b"minimal-first-frame"))
            paint.append(time_to_marker(gomemtui, b"Heap map", env_extra=fresh("layout")))
            scenario.append(time_to_marker(gomemtui, SCENARIO_ON_SCREEN, env_extra=fresh("scenario")))
            figures.append(time_to_marker(gomemtui, FIGURES_ON_SCREEN, env_extra=fresh("figures")))
            warm.append(time_to_marker(gomemtui, FIGURES_ON_SCREEN, env_extra=kept))
    b = statistics.median(base)
    print(f"first frame, minimal Textual app:                 {b * 1000:8.0f} ms (median of {runs})")
    for label, times in (("layout", paint), ("scenario, first open", scenario),
                         ("figures, first open", figures), ("figures, first frame kept", warm)):
        t = statistics.median(times)
        print(f"first frame, gomemtui tour ({label + '):':<29}{t * 1000:8.0f} ms ({t / b:.2f}× the minimal app)")
    if tmux:
        bench_tmux_first_frame(runs)


_SESSIONS = itertools.count()


def tmux_seconds_to(texts: tuple[str, ...], argv: list[str], env_extra: dict[str, str],
                    size: tuple[int, int] = (80, 24), timeout: float = 30.0, linger: float = 0.0) -> float:
    """Seconds from starting `argv` in a detached tmux session of `size` until every one
    of `texts` is on its screen (read with capture-pane every 20 ms); the session is
    left running `linger` seconds more."""
    name = f"bench-first-frame-{os.getpid()}-{next(_SESSIONS)}"
    tmux = ["tmux", "-L", name]  # a server of its own, gone with its session
    env = dict(os.environ, PYTHONPATH=str(REPO), TERM="xterm-256color", **env_extra)
    env.pop("NO_COLOR", None)
    command = " ".join(argv) + "; sleep 30"
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), command],
                   env=env, check=True)
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", name], capture_output=True,
                                    text=True).stdout
            if all(text in screen for text in texts):
                elapsed = time.perf_counter() - start
                time.sleep(linger)
                return elapsed
            time.sleep(0.02)
        return float("nan")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def bench_tmux_first_frame(runs: int) -> None:
    """In tmux at 80×24: until the header's title and step and the explanation strip's
    first line (the scenario's title before its first step) are on the screen, and until
    the core's figures are (the header's goal)."""
    from gomemtui.scenario import find_scenario, load_program

    title = load_program(find_scenario("tour")).title
    scenario = ("step 0/", f"{title}: before the first step")
    figures = ("step 0/", "/ goal ")
    gomemtui = [sys.executable, "-m", "gomemtui", "tour"]
    with tempfile.TemporaryDirectory() as tmp:
        kept = {"GOMEMTUI_CACHE_DIR": str(Path(tmp) / "kept")}
        tmux_seconds_to(figures, gomemtui, kept, linger=4.0)  # keeps tour's first frame at 80×24
        times: dict[str, list[float]] = {"scenario": [], "figures": [], "kept": []}
        for run in range(runs):
            for kind, texts in (("scenario", scenario), ("figures", figures)):
                fresh = {"GOMEMTUI_CACHE_DIR": str(Path(tmp) / f"fresh-{run}-{kind}")}
                times[kind].append(tmux_seconds_to(texts, gomemtui, fresh))
            times["kept"].append(tmux_seconds_to(scenario, gomemtui, kept))
    for kind, label in (("scenario", "title and explanation, first open"),
                        ("figures", "the core's figures, first open"),
                        ("kept", "title and explanation, first frame kept")):
        print(f"tmux 80×24, {label + ':':<42}{statistics.median(times[kind]) * 1000:8.0f} ms (median of {runs})")


# -- 2. heap-map frame at N objects --------------------------------------------------------

def heavy_program(n: int, tail_steps: int = 400):
    """Step 0 allocates n pointerful objects; then small steps to play through."""
    from gomemtui.runtime import program as ops
    from gomemtui.runtime.types import GoType

    node = GoType("Node", 16, True, ("next",))
    small = GoType("T", 32, False)
    steps = [ops.Step(0, 1, "new", ops.Repeat(ops.New("node", node), n), note=f"{n:,} objects")]
    for i in range(1, tail_steps + 1):
        steps.append(ops.Step(i, 2, "new", ops.New(f"v{i % 16}", small)))
    source = "package main\n\nfunc main() {\n\t// heavy\n}\n"
    return ops.Program(ops.RuntimeSettings(gomaxprocs=4), tuple(steps), title=f"{n:,} objects", source=source)


def bench_heap_frame(n: int) -> None:
    import numpy as np
    from rich.style import Style

    from gomemtui.runtime.timeline import Timeline
    from gomemtui.ui.player import Action, Player
    from gomemtui.ui.widgets.heap_map import grid_row_strip

    rows, cols = 46, 158  # the zoomed heap map of a 160×48 terminal
    timeline = Timeline(heavy_program(n))
    player = Player(timeline, grid_shape=(rows, cols))
    start = time.perf_counter()
    player.perform(Action("step"))
    print(f"allocating {n:,} objects (one step):       {(time.perf_counter() - start) * 1000:8.0f} ms")
    from gomemtui.runtime.read.reader import RuntimeReader

    runtime = RuntimeReader(timeline.runtime)
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    for mode_name in ("class", "fill", "mark"):
        player.grid_mode = mode_name
        mode = player.effective_mode(False)
        steps, views, grids, strips = [], [], [], []
        for _ in range(7):
            t0 = time.perf_counter()
            timeline.step()  # a small step, so the view is computed afresh
            t1 = time.perf_counter()
            runtime.view()
            t2 = time.perf_counter()
            grid = runtime.heap_grid(rows, cols, mode)
            t3 = time.perf_counter()
            for row in np.asarray(grid):
                grid_row_strip(row, mode, False, Style(), cols)
            t4 = time.perf_counter()
            steps.append(t1 - t0)
            views.append(t2 - t1)
            grids.append(t3 - t2)
            strips.append(t4 - t3)
        frame = ms(views) + ms(grids) + ms(strips)
        print(f"heap-map frame, {mode_name:<5} ({rows}×{cols}): view {ms(views):6.2f} + grid {ms(grids):6.2f}"
              f" + strips {ms(strips):6.2f} = {frame:6.2f} ms   (the step itself: {ms(steps):6.2f} ms)")
    timeline.next_phase()
    timeline.next_phase()
    for _ in range(3):
        timeline.mark_unit()
    t0 = time.perf_counter()
    runtime.view()
    grid = runtime.heap_grid(rows, cols, player.effective_mode(True))
    for row in np.asarray(grid):
        grid_row_strip(row, player.effective_mode(True), False, Style(), cols)
    print(f"heap-map frame mid-mark ({runtime.phase.value}):            {(time.perf_counter() - t0) * 1000:6.2f} ms")


# -- 3. playback ------------------------------------------------------------------------

def bench_playback(n: int, seconds: float) -> None:
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.ui.app import GoMemApp
    from gomemtui.ui.screenshot import wait_idle

    async def run() -> tuple[int, int, int]:
        app = GoMemApp(Timeline(heavy_program(n)), start_step=1)
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_idle(pilot)
            screen = app.screen
            while screen.playback.speed < 30:
                screen.action_speed(1)
            before_frames, before_pos = screen.frames_shown, screen.frame.position
            cpu0 = time.process_time()
            screen.action_toggle_play()
            await pilot.pause(seconds)
            screen.action_toggle_play()
            cpu = time.process_time() - cpu0
            frames = screen.frames_shown - before_frames
            await wait_idle(pilot)
            return frames, screen.frame.position - before_pos, screen.playback.dropped_ticks, cpu

    frames, steps, dropped, cpu = asyncio.run(run())
    load = os.getloadavg()[0]
    print(f"playback at 30 steps/s over {n:,} objects: {frames / seconds:8.1f} frames/s, {steps} steps in "
          f"{seconds:g} s, {dropped} ticks dropped (never queued)")
    print(f"  CPU per frame (UI + core, this process):  {cpu / max(1, frames) * 1000:8.1f} ms "
          f"(load average {load:.1f} on {os.cpu_count()} cores while measuring)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="100k objects instead of 1M")
    parser.add_argument("--runs", type=int, default=5, help="runs of the first-frame measurement")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of playback")
    parser.add_argument("--only", choices=("first-frame", "heap-frame", "playback"))
    parser.add_argument("--tmux", action="store_true", help="also time the first frame in tmux at 80×24")
    args = parser.parse_args()
    n = 100_000 if args.small else 1_000_000
    if args.only in (None, "first-frame"):
        bench_first_frame(args.runs, args.tmux)
    if args.only in (None, "heap-frame"):
        bench_heap_frame(n)
    if args.only in (None, "playback"):
        bench_playback(n, args.seconds)


if __name__ == "__main__":
    main()
