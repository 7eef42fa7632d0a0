"""What a user sees at 80×24: every bundled scenario opened in tmux, read off the screen.

    python benchmarks/tmux_80x24.py                    # every bundled scenario
    python benchmarks/tmux_80x24.py goroutine-leak     # some of them
    python benchmarks/tmux_80x24.py --size 100x30 --quiet

Each scenario is opened as `gomemtui NAME` in a detached tmux session, read before its
first step, at its middle step and after its last (End), and each screen is printed
with what was checked on it:

- the footer shows `? Help`, `q Quit`, `] Phase▸`, `g GC` and `w Why alive?` whole;
- the header is made of whole parts (title or a word-boundary "…" of it, step, phase,
  heap and goal, playback, cycle, time), none cut inside a word;
- the explanation strip either ends in "… N more lines: press x …" or shows the step's
  whole note (the scenario's summary before the first step).

Exits 1 if a screen fails a check (tmux missing: 2). Prints; times nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gomemtui.runtime.program import Program  # noqa: E402
from gomemtui.scenario import list_bundled, load_program  # noqa: E402
from gomemtui.ui.widgets.header import PHASE_WORDS, SEPARATOR  # noqa: E402

FOOTER_LABELS = ("? Help", "q Quit", "] Phase▸", "g GC", "w Why alive?")
"""Keys the footer keeps at 80 columns, whole."""
PHASES = {words for tiers in PHASE_WORDS.values() for words in tiers}
HEADER_PARTS = (
    re.compile(r"step \d+/\d+"),
    re.compile(r"heap \S+ \S+ / goal (\S+ \S+|never( \(GOGC=off, no limit\))?)"),
    re.compile(r"‖ paused|▶( playing)? [\d.]+/s|… working|…"),
    re.compile(r"cycle \d+"),
    re.compile(r"t=[\d.]+ \S+"),
)


class Terminal:
    """A detached tmux session running gomemtui."""

    def __init__(self, tmux: str, scenario: str, size: tuple[int, int]) -> None:
        self.tmux = tmux
        self.name = f"gomemtui-80x24-{uuid.uuid4().hex[:8]}"
        env = dict(os.environ, PYTHONPATH=str(REPO), TERM="xterm-256color")
        env.pop("NO_COLOR", None)
        command = f"{sys.executable} -m gomemtui {scenario}; sleep 30"
        subprocess.run([tmux, "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        command], check=True, env=env, cwd=REPO)

    def screen(self) -> str:
        return subprocess.run([self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True,
                              text=True, check=True).stdout

    def wait_for(self, pattern: str, timeout: float = 30.0) -> str:
        """The screen once `pattern` (a regular expression) is on it and it stopped changing."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen) and screen == last:
                return screen
            last = screen
            time.sleep(0.2)
        raise TimeoutError(f"never showed {pattern!r}; the screen:\n{last}")

    def keys(self, *keys: str) -> None:
        subprocess.run([self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run([self.tmux, "kill-session", "-t", self.name], capture_output=True)


def words(text: str) -> str:
    """`text` with its runs of white space made one space (to compare wrapped text)."""
    return " ".join(text.split())


def header_problems(line: str, title: str) -> list[str]:
    """What is wrong with the header line: a part that is not whole."""
    problems = []
    for part in line.strip().split(SEPARATOR.strip()):
        part = part.strip()
        if not part:
            continue
        if part in PHASES or any(p.fullmatch(part) for p in HEADER_PARTS):
            continue
        shortened = part.endswith("…") and title.startswith(part[:-1])
        if part == title or (shortened and title[len(part) - 1:len(part)] in tuple(" ,;:·-")):
            continue  # the title, or its first words and "…"
        problems.append(f"header part {part!r} is not whole")
    return problems


def strip_lines(lines: list[str]) -> list[str]:
    """The explanation strip: the lines between its top border and the footer."""
    for index in range(len(lines) - 2, -1, -1):
        if lines[index] and set(lines[index]) == {"─"}:
            return lines[index + 1:-1]
    return []


def check_screen(screen: str, program: Program, step: int) -> list[str]:
    """What is wrong with an 80×24 screen of `program` after `step` steps ([] if nothing).

    Args:
        screen: The terminal's text (tmux capture-pane).
        program: The scenario shown.
        step: Steps run.

    Returns:
        One message per problem.
    """
    lines = screen.rstrip("\n").split("\n")
    problems = []
    footer = lines[-1]
    problems += [f"footer lacks {label!r}: {footer!r}" for label in FOOTER_LABELS if label not in footer]
    problems += header_problems(lines[0], program.title or "gomemtui")
    strip = strip_lines(lines)
    if not strip:
        problems.append("no explanation strip")
    elif not (strip[-1].startswith("… ") and "press x" in strip[-1]) and strip[-1].strip() != "…":
        expected = program.summary if step == 0 else program.steps[step - 1].note
        if expected and words(expected) not in words(" ".join(strip)):
            problems.append(f"the strip shows neither an ellipsis nor the whole note {expected[:40]!r}…")
    return problems


def visit(tmux: str, name: str, size: tuple[int, int]) -> list[tuple[int, str, list[str]]]:
    """(step, screen, problems) before the first step, at the middle one and after the last."""
    program = load_program(name)
    total = len(program.steps)
    terminal = Terminal(tmux, name, size)
    out = []
    try:
        done = 0
        for step in sorted({0, total // 2, total}):
            if step == total and step > done + 1:
                terminal.keys("End")
            else:
                for _ in range(step - done):
                    terminal.keys("n")
            try:
                screen = terminal.wait_for(rf"step {step}/{total}\b", timeout=120)
            except TimeoutError:
                out.append((step, terminal.screen(), [f"never showed step {step}/{total}"]))
                break
            done = step
            out.append((step, screen, check_screen(screen, program, step)))
        terminal.keys("q")
    finally:
        terminal.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="bundled scenario names (default: all)")
    parser.add_argument("--size", default="80x24", help="terminal size, COLSxROWS (default 80x24)")
    parser.add_argument("--quiet", action="store_true", help="print only the verdicts, not the screens")
    args = parser.parse_args()
    tmux = shutil.which("tmux")
    if tmux is None:
        print("tmux is not installed (apt install tmux)", file=sys.stderr)
        return 2
    cols, rows = (int(n) for n in args.size.split("x"))
    names = args.scenarios or [b.name for b in list_bundled()]
    failed = 0
    for name in names:
        for step, screen, problems in visit(tmux, name, (cols, rows)):
            verdict = "ok" if not problems else "; ".join(problems)
            print(f"== {name} after {step} step(s) at {cols}×{rows}: {verdict}")
            if not args.quiet:
                print(screen.rstrip("\n"))
            failed += bool(problems)
    print(f"{failed} screen(s) with problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
