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


def tmux_check():
    """benchmarks/tmux_80x24.py, imported (it is a script, not a package module)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tmux_80x24", REPO / "benchmarks" / "tmux_80x24.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The leak's last step at 80×24 as it was drawn before the footer, header and strip were
# fitted to the width: one line of the note and no ellipsis, `]` without its label, and
# ? q g w missing. The check must find all three.
OLD_LEAK_SCREEN = "\n".join([
    " Leaked goroutines keep their stacks and everything they reference │ step 14/14",
    " Src   Heap   GC   Slices   Maps   Pool   Gs   Why   Log",
    *[""] * 17,
    "────────────────────────────────────────────────────────────────────────────────",
    "step 14/14 · line 35 · gc",
    "runtime.GC()",
    "The fixed call's 1 MiB is freed; the three leaked buffers are still live (3 MiB)",
    " ⏎ Inspect span  tab Panel  space Play/Pause  n/→ Step  p/← Back  ] ▏^p palette",
])


def test_the_80x24_check_finds_a_cut_footer_and_strip():
    from gomemtui.scenario import load_program

    problems = tmux_check().check_screen(OLD_LEAK_SCREEN, load_program("goroutine-leak"), 14)
    assert sum("footer lacks" in p for p in problems) == 5
    assert any("neither an ellipsis nor the whole note" in p for p in problems)
    cut_header = OLD_LEAK_SCREEN.replace("│ step 14/14", "│ step 14/14 │ heap 3.0 MiB / go", 1)
    assert any("'heap 3.0 MiB / go' is not whole" in p
               for p in tmux_check().check_screen(cut_header, load_program("goroutine-leak"), 14))


def test_what_a_user_sees_at_80x24_in_tmux():
    """The leak and the tour at 80×24 in a real terminal: before the first step, midway
    and at the end, the footer keeps ? q ] g w, the header is made of whole parts and the
    strip shows the whole note or says how to read the rest."""
    check = tmux_check()
    for name in ("goroutine-leak", "tour"):
        for step, screen, problems in check.visit(TMUX, name, (80, 24)):
            assert problems == [], f"{name} after {step} steps:\n{screen}"
