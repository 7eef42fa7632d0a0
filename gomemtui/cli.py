"""The `gomemtui` command.

    gomemtui [SCENARIO]          open the app (no SCENARIO: pick a bundled one)
    gomemtui list                the bundled scenarios
    gomemtui check FILE...       validate scenario files
    gomemtui run FILE [--json]   play a scenario to the end without a UI

Subcommands are `Command` objects in the registry of `gomemtui.commands`. A part of
gomemtui that adds one (the UI's `screenshot`, `serve`) writes a module with
``register_commands(register)`` named in `COMMAND_MODULES` and calls
``register(Command(...))`` there, importing `gomemtui.commands` (never this module). Such a module must be cheap to import (import textual
inside the command's `run`, not at the top), so that `gomemtui check` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import textwrap
from types import ModuleType
from typing import Sequence, TextIO

from gomemtui import gc_hold
from gomemtui.units import printable
from gomemtui.commands import (
    COMMANDS,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PROG,
    Command,
    add_runtime_flags,
    compile_file,
    error,
    load_for_command,
    print_problems,
    register,
    resolve_for_command,
)

__all__ = ["COMMAND_MODULES", "build_parser", "check_one", "main", "entry_point"]

COMMAND_MODULES: tuple[str, ...] = (
    "gomemtui.ui.cli_commands",
    "gomemtui.serve.command",
    "gomemtui.against.command",  # verify
    "gomemtui.ui.compare.command",  # compare
    "gomemtui.pprof.command",
)
"""Modules whose ``register_commands(register)`` adds subcommands."""


def _examples(text: str) -> str:
    return "examples:\n" + textwrap.indent(textwrap.dedent(text).strip("\n"), "  ")


# -- open (the default command) ----------------------------------------------------------------

def _configure_open(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", metavar="SCENARIO",
                   help="a scenario file, or the name of a bundled scenario (see gomemtui list); "
                        "leave it out to pick one")
    p.add_argument("--against", metavar="LOG", default=None,
                   help="a real GODEBUG=gctrace=1 log (or - for stdin): its cycles drawn on the pacer "
                        "chart beside the model's, paired by number (see run --against)")
    add_runtime_flags(p)


def _run_open(args: argparse.Namespace) -> int:
    if args.scenario is None:
        with gc_hold.holding():  # until the picker is on screen (it releases it)
            return _ui_app().run_picker()
    from gomemtui.scenario.errors import ScenarioError

    # What can fail cheaply fails before the terminal switches to the app; loading and
    # checking the scenario (which imports the core) happens behind the first frame.
    resolved = resolve_for_command(args.scenario, args)
    if isinstance(resolved, int):
        return resolved
    path, overrides = resolved
    real_cycles = None
    if args.against is not None:  # read before the terminal switches: a bad log fails here
        from gomemtui.against.report import read_log
        from gomemtui.runtime.read.gctrace_log import real_cycle_points

        log = read_log(args.against)
        if isinstance(log, int):
            return log
        real_cycles = real_cycle_points(log)
    from gomemtui.ui.first_frame import FirstFrameCache, settings_text
    from gomemtui.ui.preview import read_preview

    kept = FirstFrameCache(path, settings_text(overrides))  # drawn while the core loads
    with gc_hold.holding():  # until the first frame is on screen (the app releases it)
        try:
            return _ui_app().run_deferred(lambda: compile_file(path, overrides), str(path), first_frame=kept,
                                          real_cycles=real_cycles, preview=read_preview(path))
        except ScenarioError as exc:
            return print_problems(exc)


def _ui_app() -> ModuleType:
    """gomemtui.ui.app, imported only when the app is opened (it pulls in textual)."""
    return importlib.import_module("gomemtui.ui.app")


register(Command(
    "open", "open the app on a scenario (the default: gomemtui SCENARIO)",
    "Open the terminal app and play a scenario step by step. Without SCENARIO, pick one of "
    "the bundled scenarios. Keys: space play/pause, → step, ← step back, ? help, q quit.",
    """
    gomemtui tour                      # a bundled scenario, by name
    gomemtui my-scenario.toml          # your own file
    GOGC=50 gomemtui tour              # Go's environment variables work
    gomemtui tour --gomemlimit 64MiB   # ... and so do flags
    gomemtui gogc-100 --against real.log   # real Go's cycles on the pacer chart too
    gomemtui                           # choose from the bundled scenarios
    """,
    _configure_open, _run_open,
))


# -- list -----------------------------------------------------------------------------------

def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paths", action="store_true", help="also show where each file is")


def _run_list(args: argparse.Namespace) -> int:
    from gomemtui.scenario import list_bundled

    scenarios = list_bundled()
    if not scenarios:
        error("no bundled scenarios found (is the package installed completely?)")
        return EXIT_PROBLEMS
    width = max(len(s.short_name) for s in scenarios)
    for s in scenarios:
        print(f"{printable(s.short_name):<{width}}  {printable(s.summary or s.title, multiline=False)}")
        if args.paths:
            print(f"{'':<{width}}  {printable(str(s.path))}")
    print(f"\nopen one with: {PROG} NAME   (e.g. {PROG} {printable(scenarios[0].short_name)})")
    return EXIT_OK


register(Command(
    "list", "list the bundled scenarios with their summaries",
    "List the scenarios installed with gomemtui: the name to open each with, and its one-line summary.",
    """
    gomemtui list
    gomemtui list --paths              # where the files are, to copy one and edit it
    """,
    _configure_list, _run_list,
))


# -- check ----------------------------------------------------------------------------------

def _configure_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files (or bundled names)")
    p.add_argument("--bundled", action="store_true", help="check every bundled scenario too")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems, not \"ok\"")


def check_one(arg: str, out: TextIO) -> int | None:
    """Check one scenario, printing its problems; its number of steps if it is fine."""
    from gomemtui.scenario import (
        ScenarioError, ScenarioNotFound, compile_scenario, find_scenario, load_scenario,
    )
    from gomemtui.scenario.hints import source_warnings

    try:
        path = find_scenario(arg)
    except ScenarioNotFound as exc:
        print(printable(str(exc)), file=out)
        return None
    try:
        model = load_scenario(path)
        compile_scenario(model)
    except ScenarioError as exc:
        for problem in exc.problems + exc.warnings:  # errors first, then warnings
            print(problem, file=out)
        return None
    for warning in source_warnings(model):  # authoring help: the file is still fine
        print(warning, file=out)
    return len(model.steps)


def _run_check(args: argparse.Namespace) -> int:
    from gomemtui.scenario import list_bundled

    targets = list(args.files)
    if args.bundled:
        targets += [s.name for s in list_bundled()]
    if not targets:
        error("check: give at least one FILE (or --bundled)")
        return EXIT_USAGE
    bad = 0
    for target in targets:
        steps = check_one(target, sys.stdout)
        if steps is None:
            bad += 1
        elif not args.quiet:
            print(f"{printable(target)}: ok ({steps} steps)")
    if bad and len(targets) > 1:
        print(f"{bad} of {len(targets)} files have problems", file=sys.stderr)
    return EXIT_PROBLEMS if bad else EXIT_OK


register(Command(
    "check", "validate scenario files and print every problem, or \"ok\"",
    "Load and check scenario files the way the app would, without running them. Each problem is "
    "printed as FILE:LINE: message, naming the field and its value; all problems of a file are "
    "reported at once. A scenario whose run would cost more real memory or time than gomemtui "
    "allows is refused at the step responsible, with the figure and its limit (docs/scenario-format.md, "
    "Limits). A step whose source line does not look like its operation gets a warning "
    "(FILE:LINE: warning: ...), listed after the errors; warnings alone do not fail a file. "
    "Exit status: 0 if every file is fine, 1 otherwise.",
    """
    gomemtui check my-scenario.toml
    gomemtui check scenarios/*.toml
    gomemtui check --bundled -q       # every bundled scenario, only problems
    """,
    _configure_check, _run_check,
))


# -- run ------------------------------------------------------------------------------------

def _configure_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="FILE", help="a scenario file, or a bundled scenario's name")
    p.add_argument("--json", action="store_true",
                   help="print JSON Lines: one object per step, then a summary object")
    p.add_argument("--no-notes", dest="notes", action="store_false",
                   help="leave the scenario's notes out of the text output")
    p.add_argument("--all-events", action="store_true",
                   help="show every event of a step (a long loop's are cut to the first and last few)")
    p.add_argument("--max-memory", metavar="SIZE", type=_size_flag, default=None,
                   help="stop cleanly when the simulation's real memory passes SIZE (e.g. 4GiB; "
                        "default: GOMEMTUI_MAX_MEMORY, else three quarters of the machine's memory)")
    p.add_argument("--max-seconds", metavar="N", type=_seconds_flag, default=None,
                   help="stop cleanly after N seconds of real time (default: GOMEMTUI_MAX_SECONDS, else 600)")
    p.add_argument("--traceback", action="store_true", help=argparse.SUPPRESS)
    # run --against: a real gctrace log beside the model (gomemtui.against)
    p.add_argument("--against", metavar="LOG", default=None,
                   help="instead of the step log, print each GC cycle of the model beside the one in "
                        "LOG, a real GODEBUG=gctrace=1 log (- reads standard input); with --json, one "
                        "object per cycle pair, then a summary")
    add_runtime_flags(p)
    # -- what-if runs (issue 14) --
    p.add_argument("--what-if", metavar="SETTING", action="append", type=_what_if_flag, default=None,
                   dest="what_if",
                   help="also run the scenario with SETTING laid over its own settings (GOGC=50, "
                        "GOMEMLIMIT=64MiB, GOMAXPROCS=2, green_tea=false, or several joined by commas) and "
                        "print a table of cycles, peak heap, pauses and GC CPU, one row per run "
                        f"(up to {_MAX_WHAT_IFS} times; with --json, one object per run)")


_MAX_WHAT_IFS = 3  # gomemtui.scenario.whatif.MAX_WHAT_IFS, without importing the scenario package here


def _what_if_flag(text: str) -> object:
    from gomemtui.scenario.settings import SettingsError
    from gomemtui.scenario.whatif import parse_what_if

    try:
        return parse_what_if(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _run_what_if(args: argparse.Namespace) -> int:
    """`run X --what-if ...`: the run as written (or as given) and each what-if, as a table."""
    import dataclasses

    from gomemtui import headless
    from gomemtui.ceiling import DEFAULT_SECONDS, CeilingReached, RealCeiling
    from gomemtui.scenario.compiler import compile_scenario
    from gomemtui.scenario.errors import ScenarioError
    from gomemtui.scenario.loader import load_scenario
    from gomemtui.scenario.settings import Overrides, describe_overrides
    from gomemtui.scenario.budget import check_budget_with
    from gomemtui.scenario.errors import Problem
    from gomemtui.scenario.whatif import MAX_WHAT_IFS, program_with

    if getattr(args, "against", None) is not None:
        error("run: --what-if and --against cannot be combined: compare settings, or the model with a log")
        return EXIT_USAGE
    if len(args.what_if) > MAX_WHAT_IFS:
        error(f"run: --what-if: at most {MAX_WHAT_IFS} settings at once, not {len(args.what_if)}")
        return EXIT_USAGE
    resolved = resolve_for_command(args.scenario, args)
    if isinstance(resolved, int):
        return resolved
    path, overrides = resolved
    try:
        scenario = load_scenario(path)
        check_budget_with(scenario, overrides)
        base = compile_scenario(scenario, overrides)
        programs = [program_with(base, w.overrides) for w in args.what_if]
        problems: list[Problem] = []
        for w in args.what_if:  # each what-if is budgeted with its own settings
            try:
                check_budget_with(scenario, overrides.merged(w.overrides))
            except ScenarioError as exc:
                problems += [dataclasses.replace(p, message=f"with --what-if {w.label}: {p.message}")
                             for p in exc.problems]
        if problems:
            raise ScenarioError(problems)
    except ScenarioError as exc:
        return print_problems(exc)
    try:
        ceiling = RealCeiling.from_env(max_seconds=DEFAULT_SECONDS)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    if args.max_memory is not None:
        ceiling.max_bytes = args.max_memory
    if args.max_seconds is not None:
        ceiling.max_seconds = args.max_seconds
    given = describe_overrides(overrides) if overrides != Overrides() else ""
    runs = [(f"as given: {given}" if given else "as written", None, base)]
    runs += [(w.label, w.label, program) for w, program in zip(args.what_if, programs)]
    rows = []
    ceiling.start()
    for label, what_if, program in runs:
        try:
            figures = headless.play_what_if(program, ceiling.check)
        except CeilingReached as exc:
            error(f"{path}: {label}: {exc}")
            return EXIT_PROBLEMS
        except Exception as exc:  # a bug in the core must not end in a traceback for users
            if args.traceback or os.environ.get("GOMEMTUI_TRACEBACK"):
                raise
            error(f"{path}: {label}: the simulation failed: {type(exc).__name__}: {exc} "
                  "(this is a gomemtui bug; rerun with --traceback and report it)")
            return EXIT_PROBLEMS
        rows.append(headless.WhatIfRow(label, what_if, program.settings, figures))
    if args.json:
        headless.write_what_if_json(rows, sys.stdout)
    else:
        headless.write_what_if_table(base, rows, sys.stdout)
    return EXIT_OK


def _size_flag(text: str) -> int:
    from gomemtui.scenario.sizes import parse_byte_count

    try:
        return parse_byte_count(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds_flag(text: str) -> float:
    from gomemtui.ceiling import parse_seconds

    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _run_run(args: argparse.Namespace) -> int:
    if args.what_if:  # issue 14: a table of runs instead of one run's log
        return _run_what_if(args)
    loaded = load_for_command(args.scenario, args)
    if isinstance(loaded, int):
        return loaded
    program, path = loaded
    from gomemtui import headless

    against_log = None
    if args.against is not None:  # read before the (long) simulation: a bad log fails fast
        from gomemtui.against.report import read_log

        read = read_log(args.against)
        if isinstance(read, int):
            return read
        against_log = read
    from gomemtui.ceiling import DEFAULT_SECONDS, CeilingReached, RealCeiling

    try:
        ceiling = RealCeiling.from_env(max_seconds=DEFAULT_SECONDS)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    if args.max_memory is not None:
        ceiling.max_bytes = args.max_memory
    if args.max_seconds is not None:
        ceiling.max_seconds = args.max_seconds
    timeline = None
    try:
        from gomemtui.runtime.timeline import Timeline

        timeline = Timeline(program, rewind=False)  # played once, straight through
        ceiling.start()
        timeline.slice_hook = ceiling.check  # between slices of long steps
        if against_log is not None:
            from gomemtui.against.command import run_against

            run_against(timeline, against_log, sys.stdout, as_json=args.json)
        elif args.json:
            headless.run_json(timeline, sys.stdout)
        else:
            headless.run_text(timeline, sys.stdout, notes=args.notes, all_events=args.all_events)
        sys.stdout.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except CeilingReached as exc:
        sys.stdout.flush()
        error(f"{path}: {exc}")
        return EXIT_PROBLEMS
    except Exception as exc:  # a bug in the core must not end in a traceback for users
        if args.traceback or os.environ.get("GOMEMTUI_TRACEBACK"):
            raise
        step = getattr(timeline, "next_step", None) if timeline is not None else None
        where = ""
        if isinstance(step, int) and 0 <= step < len(program.steps):
            s = program.steps[step]
            where = f" at step {step + 1} ({s.do}, {program.source_name}:{s.line})"
        error(f"{path}: the simulation failed{where}: {type(exc).__name__}: {exc} "
               "(this is a gomemtui bug; rerun with --traceback and report it)")
        return EXIT_PROBLEMS
    return EXIT_OK


register(Command(
    "run", "play a scenario to the end without a UI (text log or --json)",
    "Play a scenario from the first step to the last without the app and print, for each step, "
    "its source line and what the runtime did, each GC cycle as a GODEBUG=gctrace=1 line, and a "
    "summary: peak heap, cycles, pauses, what is still live and why. With --json, print JSON "
    "Lines instead: one object per step (step, line, do, vars, heap, gc, pools, events), then "
    "one object with \"summary\": true. With --against LOG, print instead each GC cycle beside the "
    "same-numbered cycle of a real GODEBUG=gctrace=1 log, sizes compared in whole MiB as gctrace "
    "prints them (docs/real-go.md). With --what-if SETTING (up to three), print instead a table of "
    "cycles, peak heap, pauses and GC CPU: one row for the run as written and one per setting.",
    """
    gomemtui run tour
    gomemtui run tour | grep '^gc '             # only the gctrace lines
    GOGC=200 gomemtui run my-scenario.toml      # compare GOGC values
    gomemtui run tour --gogc off --gomemlimit 16MiB
    gomemtui run tour --json | jq -c '.heap'    # machine-readable, one line per step
    gomemtui run gogc-100 --against real.log    # the model's cycles beside real Go's
    GODEBUG=gctrace=1 ./prog 2>&1 >/dev/null | gomemtui run gogc-100 --against -
    gomemtui run tour --what-if GOGC=50 --what-if GOGC=200      # a table: cycles, peak, pauses, GC CPU
    gomemtui run tour --what-if green_tea=false --json          # one object per run
    gomemtui run tour --what-if GOMEMLIMIT=8MiB,GOGC=off
    """,
    _configure_run, _run_run,
))


# -- the parser ---------------------------------------------------------------------------------

def _load_command_modules() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register_commands(register)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: `gomemtui [SCENARIO]` plus every registered subcommand."""
    _load_command_modules()
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [SCENARIO] [--gogc N] [--gomemlimit SIZE] [--gomaxprocs N]\n"
              f"       {PROG} COMMAND [options]",
        description=(
            "Watch the Go 1.27 runtime manage memory, step by step, in your terminal: size "
            "classes, slices and strings over their backing arrays, Swiss-table maps, "
            "sync.Pool, goroutine stacks and the garbage collector with its pacer. A scenario "
            "is a TOML file that reads like the Go program it stands for (see "
            "docs/scenario-format.md)."),
        epilog=_examples("""
            gomemtui                         # pick a bundled scenario
            gomemtui tour                    # open the bundled scenario "tour"
            gomemtui list
            gomemtui check mine.toml
            gomemtui run tour --json
            """) + f"\n\n'{PROG} COMMAND --help' explains each command.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for command in COMMANDS.values():
        p = sub.add_parser(
            command.name, help=command.help, description=command.description,
            prog=PROG if command.name == "open" else f"{PROG} {command.name}",
            epilog=_examples(command.examples), formatter_class=_Formatter,
        )
        command.configure(p)
        p.set_defaults(handler=command.run)
    return parser


class _VersionAction(argparse.Action):
    """`--version`: the installed version, looked up only when asked (the lookup is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gomemtui")
    except PackageNotFoundError:
        return "(not installed)"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Wraps the description, keeps the examples' lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return super()._fill_text(text, width, indent)
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    top_level = {"-h", "--help", "--version"}
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in top_level):
        args_list = ["open", *args_list]
    try:
        args = parser.parse_args(args_list)
        problem = _environment_problem()
        if problem:
            error(problem)
            return EXIT_USAGE
        return args.handler(args)
    except BrokenPipeError:
        # `gomemtui run x | head`: the reader left; say nothing more.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _environment_problem() -> str:
    """What is wrong with GOMEMTUI_MAX_MEMORY / GOMEMTUI_MAX_SECONDS ("" if nothing)."""
    if not (os.environ.get("GOMEMTUI_MAX_MEMORY") or os.environ.get("GOMEMTUI_MAX_SECONDS")):
        return ""
    from gomemtui.ceiling import RealCeiling

    try:
        RealCeiling.from_env()
    except ValueError as exc:
        return str(exc)
    return ""


def entry_point() -> None:
    """The console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry_point()
