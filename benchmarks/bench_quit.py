"""How fast the app quits while a long step runs, in a real terminal (tmux, 80×24).

    python benchmarks/bench_quit.py            # q, ctrl+c and Esc, three runs each

Opens tests/ui/data/long-gc-loop.toml (step 2: a loop of 9,000 runtime.GC() calls, tens
of seconds of work), runs step 1, starts step 2, waits until the "working:" line shows,
then presses the key and measures the time until the process has exited (q, ctrl+c) or
the explanation says where the step paused (Esc). Prints figures; asserts nothing.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "ui" / "data" / "long-gc-loop.toml"
SESSION = "gomemtui-bench-quit"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(text: str, timeout: float) -> float | None:
    """Seconds until `text` is on screen (None: never within `timeout`)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in screen():
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def one_run(key: str) -> float | None:
    tmux("kill-session", "-t", SESSION)
    gomemtui = str(Path(sys.executable).with_name("gomemtui"))
    tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24",
         f"{gomemtui} {SCENARIO}; echo GOMEMTUI-EXITED; sleep 60")
    if wait_for("step 0/2", 30) is None:
        return None
    tmux("send-keys", "-t", SESSION, "n")
    wait_for("step 1/2", 10)
    tmux("send-keys", "-t", SESSION, "n")
    if wait_for("working: step 2", 20) is None:
        return None
    time.sleep(1.0)
    tmux("send-keys", "-t", SESSION, key)
    took = wait_for("paused inside step 2" if key == "Escape" else "GOMEMTUI-EXITED", 30)
    tmux("kill-session", "-t", SESSION)
    return took


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed for this benchmark")
    for key, label in (("q", "q quits"), ("C-c", "ctrl+c quits"), ("Escape", "Esc interrupts the step")):
        runs = [one_run(key) for _ in range(3)]
        got = [r for r in runs if r is not None]
        shown = ", ".join("timeout" if r is None else f"{r:.2f} s" for r in runs)
        median = f"median {statistics.median(got):.2f} s" if got else "no run finished"
        print(f"{label:26} during a long step: {median} ({shown})")


if __name__ == "__main__":
    main()
