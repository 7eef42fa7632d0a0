"""The `gomemtui compare` subcommand (named in `gomemtui.cli.COMMAND_MODULES`).

Cheap to import: the scenario package, the core and textual load when it runs. Both
sides are loaded and checked before anything is shown: a problem in either is printed as
`file:line: message` and the command exits with status 1; arguments that do not make two
sides exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Callable

from gomemtui import commands
from gomemtui.commands import Command
from gomemtui.scenario.settings import Overrides, SettingsError, parse_assignment
from gomemtui.ui.compare.panels import COMPARE_PANELS

if TYPE_CHECKING:  # loaded when the command runs
    from gomemtui.runtime.program import Program
    from gomemtui.ui.compare.sides import CompareSide

__all__ = ["register_commands"]



def _assignment(text: str) -> Overrides:
    try:
        return parse_assignment(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("first", metavar="A", help="a scenario file, or a bundled scenario's name")
    p.add_argument("second", metavar="B", nargs="?", default=None,
                   help="a second scenario (leave it out to play A on both sides)")
    p.add_argument("--left", metavar="SETTINGS", type=_assignment, default=None,
                   help="the left side's settings: NAME=VALUE[,NAME=VALUE...], NAME one of GOGC, "
                        "GOMEMLIMIT, GOMAXPROCS, green_tea (e.g. GOGC=50 or green_tea=false)")
    p.add_argument("--right", metavar="SETTINGS", type=_assignment, default=None,
                   help="the right side's settings, as --left")
    p.add_argument("--json", action="store_true",
                   help="print JSON Lines instead of opening the app: per step index both runs' "
                        "run --json objects and their differences, then a summary")
    p.add_argument("--panel", choices=COMPARE_PANELS, default="heap",
                   help="the panel both sides show first (default heap; Tab changes it)")
    p.add_argument("--traceback", action="store_true", help=argparse.SUPPRESS)
    commands.add_runtime_flags(p)


def _run(args: argparse.Namespace) -> int:
    from gomemtui.scenario.bundled import ScenarioNotFound
    from gomemtui.scenario.errors import ScenarioError
    from gomemtui.scenario.settings import overrides_from_env
    from gomemtui.ui.compare.sides import CompareUsageError, load_side, resolve_sides

    try:
        base = overrides_from_env(os.environ).merged(commands.flag_overrides(args))
        sides = resolve_sides(args.first, args.second, args.left, args.right, base)
    except (CompareUsageError, ScenarioNotFound, SettingsError) as exc:
        commands.error(str(exc))
        return commands.EXIT_USAGE
    programs = []
    problems: list[str] = []
    for side in sides:
        try:
            programs.append(load_side(side))
        except ScenarioError as exc:  # one file on both sides: its problems once
            problems += [str(p) for p in exc.problems if str(p) not in problems]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return commands.EXIT_PROBLEMS
    if args.json:
        return _run_json(args, sides, programs[0], programs[1])
    from gomemtui import gc_hold

    with gc_hold.holding():  # until the first pair of frames is on screen (the screen releases it)
        from gomemtui.ui.compare.app import run_compare_app

        return run_compare_app(programs[0], programs[1], sides, panel=args.panel)


def _run_json(args: argparse.Namespace, sides: tuple[CompareSide, CompareSide], left: Program,
              right: Program) -> int:
    """Both runs' steps paired, as JSON Lines on stdout, within `run`'s real-cost ceilings."""
    from gomemtui.ceiling import DEFAULT_SECONDS, CeilingReached, RealCeiling
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.ui.compare.paired_json import run_compare_json

    try:
        ceiling = RealCeiling.from_env(max_seconds=DEFAULT_SECONDS)
    except ValueError as exc:
        commands.error(str(exc))
        return commands.EXIT_USAGE
    timelines = (Timeline(left, rewind=False), Timeline(right, rewind=False))  # played once, straight through
    for timeline in timelines:
        timeline.slice_hook = ceiling.check
    ceiling.start()
    try:
        run_compare_json(timelines[0], timelines[1], sys.stdout, sides)
        sys.stdout.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except CeilingReached as exc:
        sys.stdout.flush()
        commands.error(f"compare: {exc}")
        return commands.EXIT_PROBLEMS
    except Exception as exc:  # a bug in the core must not end in a traceback for users
        if args.traceback or os.environ.get("GOMEMTUI_TRACEBACK"):
            raise
        commands.error(f"compare: the simulation failed: {type(exc).__name__}: {exc} "
                       "(this is a gomemtui bug; rerun with --traceback and report it)")
        return commands.EXIT_PROBLEMS
    return commands.EXIT_OK


def register_commands(register: Callable[[Command], Command]) -> None:
    """Add `compare` to the gomemtui command line."""
    register(Command(
        "compare",
        "two runs side by side: two scenarios, or one with --left/--right settings",
        "Play two runs side by side and step them in lockstep: two scenarios (A B), or one "
        "scenario with different settings for each side (--left, --right: GOGC, GOMEMLIMIT, "
        "GOMAXPROCS, green_tea). Both sides show the same panel; a diff line sets the heap, "
        "the live heap, GC cycles and heap objects of the two against each other and marks "
        "the larger. Keys: space play, n/→ step both, p/← back, ] / [ next / previous GC phase on each "
        "side, tab panel, s switch side (small terminals show one side at a time), ? help, "
        "q quit. Both scenarios are loaded and checked first (the real-cost budget with each "
        "side's settings); problems are printed as FILE:LINE: message. With --json, print "
        "JSON Lines instead: one object per step index with both runs' `run --json` objects "
        "(\"left\", \"right\"; null past a run's end, named in \"ended\") and \"differences\", "
        "then a summary object. Over `gomemtui serve`, `ssh -t HOST compare A B` opens the split "
        "view of served scenarios.",
        """
        gomemtui compare gogc-50 gogc-200                  # two bundled scenarios
        gomemtui compare tour --left GOGC=50 --right GOGC=200
        gomemtui compare tour --left green_tea=false       # classic marking vs Green Tea
        gomemtui compare presize returned-slice --panel slices
        gomemtui compare tour --right GOMEMLIMIT=8MiB,GOGC=off --json | jq -c .differences
        """,
        _configure,
        _run,
    ))
