"""The app in a real terminal (tmux): what Pilot cannot show, such as a resize that
arrives as SIGWINCH while panels are hidden. Skipped where tmux is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt install tmux)")


class Terminal:
    """A detached tmux session running one command."""

    def __init__(self, argv: list[str], size: tuple[int, int]) -> None:
        self.name = f"gomemtui-test-{uuid.uuid4().hex[:8]}"
        env = dict(os.environ, PYTHONPATH=str(REPO), TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        command = " ".join(argv) + "; sleep 30"
        subprocess.run([TMUX, "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        command], check=True, env=env, cwd=REPO)

    def screen(self) -> str:
        return subprocess.run([TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True,
                              check=True).stdout

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once it shows every one of `texts` (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {texts!r}; the screen:\n{screen}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def resize(self, cols: int, rows: int) -> None:
        subprocess.run([TMUX, "resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows)], check=True)

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def open_(argv: list[str], size: tuple[int, int]) -> Terminal:
        opened.append(Terminal(argv, size))
        return opened[-1]

    yield open_
    for t in opened:
        t.close()


def test_widening_a_small_terminal_shows_every_panel_up_to_date(terminal):
    """Panels hidden in the 80×24 layout draw the frames they missed once the terminal grows."""
    t = terminal([sys.executable, "-m", "gomemtui", "tour"], (80, 24))
    t.wait_for("step 0/10")
    for step in (1, 2, 3):
        t.keys("n")
        t.wait_for(f"step {step}/10")
    t.resize(150, 45)
    screen = t.wait_for("╭─ Maps", "no maps yet", "no sync.Pool yet", "held by")
    assert "small []int  len 10 cap 1000" in screen
    t.keys("q")
