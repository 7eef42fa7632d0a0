"""The UI's subcommands for the command line: `gomemtui screenshot`.

Cheap to import: textual is only imported when the command runs.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

from gomemtui import commands
from gomemtui.commands import Command
from gomemtui.units import printable

KEY_ALIASES = {"]": "right_square_bracket", "[": "left_square_bracket", "+": "plus", "-": "minus",
               " ": "space", "?": "question_mark"}
"""Characters a user may type in --keys, mapped to Textual key names."""


def parse_size(text: str) -> tuple[int, int]:
    """`120x40` → (120, 40)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 120x40, not {text!r}")
    cols, rows = int(match.group(1)), int(match.group(2))
    if not (1 <= cols <= 1000 and 1 <= rows <= 500):
        raise argparse.ArgumentTypeError(f"size {text!r} is out of range")
    return cols, rows


def parse_keys(text: str) -> list[str]:
    """Space-separated keys: Textual names (`right_square_bracket`) or the characters (`]`)."""
    return [KEY_ALIASES.get(k, k) for k in text.split()]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled scenario's name")
    p.add_argument("--step", type=int, default=0, metavar="N",
                   help="number of steps run before the picture (0: before the first step)")
    p.add_argument("--size", type=parse_size, default=(120, 40), metavar="COLSxROWS",
                   help="terminal size (default 120x40)")
    p.add_argument("--keys", type=parse_keys, default=[], metavar="KEYS",
                   help='keys pressed once at the step, e.g. "] ] m m" to stop mid-mark')
    p.add_argument("--zoom", metavar="PANEL", default=None,
                   choices=("source", "heap", "gc", "slices", "maps", "pool", "goroutines", "explain", "log"),
                   help="zoom one panel to the whole screen")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.svg",
                   help="where to write the SVG: a new file (never through a symbolic link, never "
                        "the scenario itself)")
    p.add_argument("--force", action="store_true",
                   help="replace FILE.svg if it exists (a symbolic link is replaced, not followed)")
    p.add_argument("--mkdir", action="store_true",
                   help="make FILE.svg's folder if it is missing (the last level only)")
    commands.add_runtime_flags(p)


def _run(args: argparse.Namespace) -> int:
    from gomemtui.ui.output_file import OutputError
    from gomemtui.ui.screenshot import screenshot

    loaded = commands.load_for_command(args.scenario, args)
    if isinstance(loaded, int):
        return loaded
    program, path = loaded
    if not 0 <= args.step <= len(program.steps):
        commands.error(f"--step must be between 0 and {len(program.steps)}")
        return commands.EXIT_USAGE
    try:
        warnings = screenshot(program, args.step, args.size, args.output, keys=args.keys, zoom=args.zoom,
                              force=args.force, mkdir=args.mkdir, inputs=[path])
    except OutputError as exc:
        commands.error(str(exc))
        return commands.EXIT_PROBLEMS
    for warning in warnings:
        commands.error(f"warning: {warning}")
    print(printable(str(args.output)))
    return commands.EXIT_OK


def register_commands(register: Callable[[Command], Command]) -> None:
    """Add `screenshot` to the gomemtui command line."""
    register(Command(
        "screenshot",
        "write an SVG of a scenario at a step",
        "Render the app headless at a given size, just after a given step, and write the screen as SVG. "
        "The file is new unless --force is given; it is written beside its name first, then renamed, "
        "so an error never leaves half a picture.",
        """
        gomemtui screenshot reslice --step 5 -o reslice.svg          # after step 5, 120x40
        gomemtui screenshot tour --step 12 --size 80x24 -o small.svg # the small-terminal layout
        gomemtui screenshot tour --step 3 --keys "] ] m m" -o mark.svg  # mid-mark
        gomemtui screenshot tour --step 9 --zoom gc -o pacer.svg     # the GC panel alone
        gomemtui screenshot tour --force --mkdir -o shots/tour.svg   # replace it; make shots/
        """,
        _configure,
        _run,
    ))
