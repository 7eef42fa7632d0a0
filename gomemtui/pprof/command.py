"""`gomemtui profile`: a scenario's Go heap profile after a step, for `go tool pprof`.

Cheap to import (the command line loads it for every command): the simulator and the
protobuf encoder are imported when the command runs.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from gomemtui import commands
from gomemtui.commands import Command
from gomemtui.units import printable

if TYPE_CHECKING:
    from gomemtui.runtime.program import Program

DEFAULT_OUTPUT = "heap.pb.gz"


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled scenario's name")
    p.add_argument("--step", type=int, default=None, metavar="N",
                   help="profile the heap just after step N (1 is the first; default: the last step)")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="FILE",
                   help=f"where to write the gzipped profile (default {DEFAULT_OUTPUT}, replaced if it "
                        "exists); - writes it to standard output")
    p.add_argument("--traceback", action="store_true", help=argparse.SUPPRESS)
    commands.add_runtime_flags(p)


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def check_output(out: Path, scenario: Path) -> str | None:
    """Why `out` cannot take the profile (None: it can), checked before the run."""
    if out.is_dir():
        return f"{out}: is a folder; give a file name, e.g. {out / DEFAULT_OUTPUT}"
    try:
        if out.exists() and os.path.samefile(out, scenario):
            return f"{out}: is the scenario being read; write the profile to another file"
    except OSError:
        pass
    folder = out.parent
    if not folder.is_dir():
        return f"{out}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{out}: cannot write in {folder}: permission denied"
    if out.exists() and not os.access(out, os.W_OK):
        return f"{out}: permission denied"
    return None


def write_output(out: Path, data: bytes) -> None:
    """Write `data` through a temporary file in the same folder, then rename it, so an
    error never leaves half a profile under the name (raises OSError)."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _run(args: argparse.Namespace) -> int:
    to_stdout = args.output == "-"
    if to_stdout and sys.stdout.isatty():
        commands.error("-o -: standard output is a terminal; the profile is binary (gzip). "
                       "Pipe it, or give a file name")
        return commands.EXIT_USAGE
    loaded = commands.load_for_command(args.scenario, args)
    if isinstance(loaded, int):
        return loaded
    program, path = loaded
    total = len(program.steps)
    step = total if args.step is None else args.step
    if total == 0:
        commands.error(f"{path}: the scenario has no steps, so nothing to profile")
        return commands.EXIT_USAGE
    if not 1 <= step <= total:
        commands.error(f"{path}: --step {args.step}: the scenario has {total} step"
                       f"{'s' if total != 1 else ''} (1 to {total})")
        return commands.EXIT_USAGE
    out = Path(args.output)
    if not to_stdout:
        problem = check_output(out, path)
        if problem:
            commands.error(problem)
            return commands.EXIT_PROBLEMS
    from gomemtui.ceiling import CeilingReached

    try:
        data, summary = _profile(program, path, step)
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except CeilingReached as exc:
        commands.error(f"{path}: {exc}")
        return commands.EXIT_PROBLEMS
    except Exception as exc:  # a bug in the core must not end in a traceback for users
        if args.traceback or os.environ.get("GOMEMTUI_TRACEBACK"):
            raise
        commands.error(f"{path}: the simulation failed: {type(exc).__name__}: {exc} "
                       "(this is a gomemtui bug; rerun with --traceback and report it)")
        return commands.EXIT_PROBLEMS
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            write_output(out, data)
        except OSError as exc:
            commands.error(f"{out}: cannot write: {_os_reason(exc)}")
            return commands.EXIT_PROBLEMS
    print(printable(("" if to_stdout else f"{out}: ") + summary), file=sys.stderr)
    return commands.EXIT_OK


def _profile(program: Program, path: Path, step: int) -> tuple[bytes, str]:
    """The profile's bytes just after `step` (1-based), and a line saying what it holds."""
    from gomemtui.ceiling import DEFAULT_SECONDS, RealCeiling
    from gomemtui.pprof.encode import profile_bytes
    from gomemtui.runtime.read.profile import heap_profile
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.units import format_bytes

    ceiling = RealCeiling.from_env(max_seconds=DEFAULT_SECONDS)
    timeline = Timeline(program, rewind=False)
    ceiling.start()
    timeline.slice_hook = ceiling.check
    while timeline.next_step < step and not timeline.at_end:
        timeline.step()
    profile = heap_profile(timeline.runtime, program)
    s = program.steps[step - 1]
    where = f"after step {step} of {len(program.steps)} ({program.source_name}:{s.line})"
    if profile.as_of_gc:
        as_of = f"as of gc {profile.as_of_gc}'s mark termination"
    else:
        as_of = "empty: no GC has published a heap profile yet (Go publishes after the GC that follows)"
    comments = (
        f"gomemtui profile {path.name} --step {step}: {where}",
        f"figures {as_of}; MemProfileRate=1 (every allocation counted)",
    )
    data = profile_bytes(profile, comments, binary_name=path.stem)
    inuse = profile.total("inuse_objects")
    summary = (f"heap profile {where}, {as_of}: inuse {format_bytes(profile.total('inuse_space'))} "
               f"in {inuse:,} object{'' if inuse == 1 else 's'}, "
               f"alloc {format_bytes(profile.total('alloc_space'))} in {profile.total('alloc_objects'):,}")
    return data, summary


def register_commands(register: Callable[[Command], Command]) -> None:
    """Add `profile` to the gomemtui command line."""
    register(Command(
        "profile",
        "write a Go heap profile (pprof) of a scenario after a step",
        "Run a scenario up to a step and write the Go heap profile a real program would publish "
        "there, as runtime/pprof writes it: gzipped profile.proto with the sample types "
        "alloc_objects, alloc_space, inuse_objects and inuse_space, each sample a source line "
        "of the scenario's [source] in its function. Read it with go tool pprof. As in Go, the "
        "figures are as of a completed GC: a GC publishes the allocations and frees of the cycle "
        "before it, runtime.GC() its own, so the profile is empty until then. Unlike a real "
        "program's default sampling (one allocation per 512 KiB, runtime.MemProfileRate), every "
        "allocation is counted (MemProfileRate=1, period 1), so the totals are the simulator's "
        "own figures; sizes are whole slots (a size class, a large object's pages, 16 bytes per "
        "tiny block). Stacks are one frame: the scenario does not say who called the function.",
        """
        gomemtui profile pprof-top                       # after the last step, to heap.pb.gz
        go tool pprof -top -lines heap.pb.gz             # which line holds the memory
        go tool pprof -sample_index=alloc_space -top -lines heap.pb.gz   # which line allocates
        gomemtui profile tour --step 12 -o tour12.pb.gz  # after step 12
        go tool pprof -http=:8080 tour12.pb.gz           # pprof's web UI
        gomemtui profile tour -o - | go tool pprof -top /dev/stdin
        """,
        _configure,
        _run,
    ))
