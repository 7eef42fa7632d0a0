"""`gomemtui verify X`, and the part of `gomemtui run X --against FILE` after the flags.

Exit status of verify: 0 the program and the steps agree, 4 they disagree, 3 verify
cannot run here (no `go`, or the source is not a whole program), 1 a problem (the
scenario, the build, the run), 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Callable, TextIO

from gomemtui.commands import EXIT_OK, EXIT_PROBLEMS, Command, add_runtime_flags, error, load_for_command

if TYPE_CHECKING:
    from gomemtui.headless import TimelineLike
    from gomemtui.runtime.read.gctrace_log import GCTraceLog

__all__ = ["EXIT_CANNOT_VERIFY", "EXIT_DISAGREE", "register_commands", "run_against"]

EXIT_CANNOT_VERIFY = 3
EXIT_DISAGREE = 4


def run_against(timeline: TimelineLike, log: GCTraceLog, out: TextIO, *, as_json: bool) -> None:
    """`run X --against FILE` once the log is read: play the model, print the pairs."""
    from gomemtui.against.report import play_model, write_json, write_text
    from gomemtui.runtime.read.against import compare

    comparison = compare(play_model(timeline), log)
    if as_json:
        write_json(comparison, log, out)
    else:
        write_text(comparison, log, timeline.program, out)


def _positive_seconds(text: str) -> float:
    from gomemtui.ceiling import parse_seconds

    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _configure_verify(p: argparse.ArgumentParser) -> None:
    from gomemtui.against.timeouts import BUILD_TIMEOUT_S, RUN_TIMEOUT_S

    p.add_argument("scenario", metavar="FILE", help="a scenario file, or a bundled scenario's name")
    p.add_argument("--json", action="store_true",
                   help="print JSON Lines: one object per cycle (model and real side by side), then a summary")
    p.add_argument("--build-timeout", metavar="SECONDS", type=_positive_seconds, default=BUILD_TIMEOUT_S,
                   help=f"give up on go build after this long (default {BUILD_TIMEOUT_S:g})")
    p.add_argument("--run-timeout", metavar="SECONDS", type=_positive_seconds, default=RUN_TIMEOUT_S,
                   help=f"stop the program after this long (default {RUN_TIMEOUT_S:g})")
    p.add_argument("--keep-log", metavar="FILE", default=None,
                   help="also write the real program's standard error (its gctrace log) to FILE")
    add_runtime_flags(p)


def _run_verify(args: argparse.Namespace) -> int:
    loaded = load_for_command(args.scenario, args)
    if isinstance(loaded, int):
        return loaded
    program, path = loaded
    from gomemtui.against.report import play_model, report_skipped, verdict_lines, write_json, write_text
    from gomemtui.against.verify import CannotVerify, RealRunFailed, run_real
    from gomemtui.runtime.read.against import compare
    from gomemtui.runtime.read.gctrace_log import parse_gctrace
    from gomemtui.runtime.timeline import Timeline

    try:
        real = run_real(program.source, program.settings, build_timeout=args.build_timeout,
                        run_timeout=args.run_timeout)
    except CannotVerify as exc:
        error(f"{path}: cannot verify: {exc}")
        return EXIT_CANNOT_VERIFY
    except RealRunFailed as exc:
        error(f"{path}: {exc}")
        return EXIT_PROBLEMS
    if args.keep_log:
        try:
            with open(args.keep_log, "w", encoding="utf-8") as f:
                f.write(real.stderr)
        except OSError as exc:
            error(f"{args.keep_log}: cannot write the log: {exc.strerror or exc}")
            return EXIT_PROBLEMS
    log = parse_gctrace(real.stderr, "<real run stderr>")
    report_skipped(log)  # a program that ran no cycle is compared all the same: the model may have run some
    try:
        model = play_model(Timeline(program, rewind=False))
    except Exception as exc:  # a bug in the core must not end in a traceback for users
        if os.environ.get("GOMEMTUI_TRACEBACK"):
            raise
        error(f"{path}: the simulation failed: {type(exc).__name__}: {exc} (this is a gomemtui bug)")
        return EXIT_PROBLEMS
    comparison = compare(model, log)
    env = " ".join(f"{k}={v}" for k, v in real.env.items())
    if args.json:
        write_json(comparison, log, sys.stdout, extra={"go_version": real.go_version, "env": real.env})
    else:
        write_text(comparison, log, program, sys.stdout, real_what=f"{real.go_version}, {env}")
        print()
        for line in verdict_lines(comparison, log):
            print(line)
    return EXIT_OK if comparison.all_agree else EXIT_DISAGREE


def register_commands(register: Callable[[Command], Command]) -> None:
    register(Command(
        "verify", "build and run a scenario's Go source with gctrace; compare its cycles with the model's",
        "Where `go` is on PATH (or GOMEMTUI_GO names it) and the scenario's [source] is a whole program "
        "(package main with func main()), build it in a temporary directory (standard library only, no "
        "network: GOTOOLCHAIN=local GOPROXY=off) and run it with GODEBUG=gctrace=1 and the scenario's "
        "GOGC, GOMEMLIMIT and GOMAXPROCS. Then print each of the model's GC cycles beside the real one "
        "(heap at start, heap at end, live heap, goal, forced), as `run --against` does, and say plainly "
        "whether the program and the steps agree. Sizes are compared as gctrace prints them, in whole "
        "MiB (bytes >> 20). Real Go's cycle triggers depend on measured timings, so two real runs may "
        "differ by a cycle. Exit status: 0 they agree, 4 they disagree, 3 cannot verify here (no go, or "
        "not a whole program), 1 a problem with the scenario, the build or the run, 2 a usage error.",
        """
        gomemtui verify gogc-100
        gomemtui verify gogc-100 --gogc 50             # other settings, for both sides
        gomemtui verify my-scenario.toml --keep-log real.log
        gomemtui verify memory-limit --run-timeout 5   # a program that never ends
        """,
        _configure_verify, _run_verify,
    ))
