"""What every subcommand shares: the registry of `Command`s and the helpers to read a
SCENARIO argument, Go's runtime flags and report problems.

`gomemtui.cli` builds the command line from `COMMANDS`. A part of gomemtui that adds a
subcommand (the UI's `screenshot`, `serve`) has a module with
``register_commands(register)`` named in `gomemtui.cli.COMMAND_MODULES`; it imports this
module, never `gomemtui.cli`, so the arrows point one way.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from gomemtui.units import printable
from gomemtui.scenario.settings import Overrides, SettingsError, parse_gogc, parse_gomaxprocs, parse_gomemlimit

if TYPE_CHECKING:  # the scenario reader and the program's classes load when a command reads a file
    from gomemtui.runtime.program import Program
    from gomemtui.scenario.errors import ScenarioError

PROG = "gomemtui"

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, help texts, arguments and what it does."""

    name: str
    help: str
    """One line for `gomemtui --help`'s list of commands."""
    description: str
    examples: str
    """Example command lines for its --help (one per line, with a comment)."""
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> Command:
    """Add a subcommand (a later registration of the same name replaces it)."""
    COMMANDS[command.name] = command
    return command


# -- shared arguments and helpers ----------------------------------------------------------

def add_runtime_flags(parser: argparse.ArgumentParser) -> None:
    """--gogc / --gomemlimit / --gomaxprocs, which override the environment and [runtime]."""
    group = parser.add_argument_group(
        "runtime settings (override GOGC, GOMEMLIMIT, GOMAXPROCS and the file's [runtime])")
    group.add_argument("--gogc", metavar="N|off", type=_flag(parse_gogc, "--gogc"), default=argparse.SUPPRESS,
                       help="GC percent, as GOGC (e.g. 50, 200, off)")
    group.add_argument("--gomemlimit", metavar="SIZE|off", type=_flag(parse_gomemlimit, "--gomemlimit"),
                       default=argparse.SUPPRESS, help="soft memory limit, as GOMEMLIMIT (e.g. 64MiB)")
    group.add_argument("--gomaxprocs", metavar="N", type=_flag(parse_gomaxprocs, "--gomaxprocs"),
                       default=argparse.SUPPRESS, help="number of Ps, as GOMAXPROCS")


def _flag(parse: Callable[[str, str], object], name: str) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return parse(text, name)
        except SettingsError as exc:
            raise argparse.ArgumentTypeError(str(exc).replace(f"{name}=", "", 1)) from None
    convert.__name__ = name.lstrip("-")
    return convert


def flag_overrides(args: argparse.Namespace) -> Overrides:
    """The runtime settings given as flags (--gogc, --gomemlimit, --gomaxprocs)."""
    values = {k: getattr(args, k) for k in ("gogc", "gomemlimit", "gomaxprocs") if hasattr(args, k)}
    return Overrides(**values)


def error(message: str) -> None:
    """Print `gomemtui: message` to stderr (control characters, e.g. of a file name, escaped)."""
    print(f"{PROG}: {printable(message)}", file=sys.stderr)


def resolve_for_command(scenario: str, args: argparse.Namespace) -> tuple[Path, Overrides] | int:
    """(path, overrides) for a SCENARIO argument — the file, and the environment's and
    `args`' runtime settings — or an exit status after printing why not. Cheap: reads
    no scenario and imports no runtime."""
    from gomemtui.scenario.bundled import ScenarioNotFound, find_scenario
    from gomemtui.scenario.settings import overrides_from_env

    try:
        path = find_scenario(scenario)
        overrides = overrides_from_env(os.environ).merged(flag_overrides(args))
    except (ScenarioNotFound, SettingsError) as exc:
        error(str(exc))
        return EXIT_USAGE
    return path, overrides


def compile_file(path: Path, overrides: Overrides) -> Program:
    """Load, check and compile a scenario file (raises ScenarioError)."""
    from gomemtui.scenario.budget import check_budget_with
    from gomemtui.scenario.compiler import compile_scenario
    from gomemtui.scenario.loader import load_scenario

    scenario = load_scenario(path)
    check_budget_with(scenario, overrides)
    return compile_scenario(scenario, overrides)


def print_problems(exc: ScenarioError) -> int:
    """Print a ScenarioError's `file:line: message` problems; the exit status for them."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return EXIT_PROBLEMS


def load_for_command(scenario: str, args: argparse.Namespace) -> tuple[Program, Path] | int:
    """(Program, path) for a SCENARIO argument with the environment and `args`' runtime
    flags applied, or an exit status after printing why not (for subcommands)."""
    from gomemtui.scenario.errors import ScenarioError

    resolved = resolve_for_command(scenario, args)
    if isinstance(resolved, int):
        return resolved
    path, overrides = resolved
    try:
        return compile_file(path, overrides), path
    except ScenarioError as exc:
        return print_problems(exc)
