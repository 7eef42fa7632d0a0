"""A what-if run in a child process.

A what-if plays a whole run of the simulated runtime: seconds of numpy and Python work.
In a thread of the app it shared the GIL with the event loop and made every key about
twice as slow while it ran (`benchmarks/bench_what_if.py`); in its own process the app's
keys keep their speed. The child is `python -m gomemtui.ui.what_if_child`, started with
`subprocess` (not `multiprocessing`: under Textual, whose standard streams are not real
files, multiprocessing cannot start its helper process, and a fork would copy the app's
threads). The program goes to it pickled on its standard input and its `RunTrace` (a few
KB) comes back pickled on its standard output; both ends are this package, so the
pickles never come from outside. The child plays the run under the app's real-cost
ceilings, measured on its own memory; removing the what-if kills it at once. It writes
nothing to the terminal the app draws on.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from gomemtui.runtime.program import Program
    from gomemtui.runtime.read.outcome import RunTrace

POLL_SECONDS = 0.1
"""How often the waiting thread looks for the result or a removal."""


class Cancelled(Exception):
    """A what-if was removed while it ran."""


class RunFailed(Exception):
    """The run stopped: a ceiling, a core error, or the child died; str() says which."""


def what_if_ceiling() -> Callable[[str], None]:
    """The real-cost check of one what-if run: the app's memory ceiling, and `run`'s
    time ceiling (a what-if plays a whole run, as `run` does)."""
    from gomemtui.ceiling import DEFAULT_SECONDS, RealCeiling

    try:
        ceiling = RealCeiling.from_env(max_seconds=DEFAULT_SECONDS)
    except ValueError:  # the command line reports a bad variable before the app starts
        ceiling = RealCeiling(max_seconds=DEFAULT_SECONDS)
    ceiling.start()
    return ceiling.check


def play_in_child(program: Program, cancel: threading.Event, ceiling: bool = True) -> RunTrace:
    """Play `program` to its end in a child process and return its trace.

    Raises:
        Cancelled: `cancel` was set (the child is killed).
        RunFailed: the child stopped at a ceiling, on an error, or died.
    """
    child = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    request: bytes | None = pickle.dumps((program, ceiling))
    out = b""
    try:
        while True:
            try:
                out, _ = child.communicate(request, timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                request = None  # sent; later calls only wait
                if cancel.is_set():
                    raise Cancelled from None
    finally:
        if child.poll() is None:  # removed, or gone wrong: no reason to let it run on
            child.kill()
            child.wait()
    try:
        kind, value = pickle.loads(out)
    except Exception:
        raise RunFailed(f"the what-if process ended without a result (exit status {child.returncode})") from None
    if kind == "trace":
        return value
    raise RunFailed(str(value))


def main() -> None:
    """The child: read (program, ceiling), play the run, write ("trace", RunTrace) or
    ("error", why), both pickled."""
    result = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing else may reach the result's stream
    os.close(devnull)
    program, ceiling = pickle.load(sys.stdin.buffer)
    from gomemtui.ceiling import CeilingReached
    from gomemtui.runtime.read.outcome import play_trace
    from gomemtui.runtime.timeline import Timeline

    check = what_if_ceiling() if ceiling else None
    try:
        answer: tuple[str, object] = ("trace", play_trace(Timeline(program, rewind=False), check))
    except CeilingReached as exc:
        answer = ("error", str(exc))
    except Exception as exc:  # a core bug: said in the header and a notice, not fatal
        answer = ("error", f"{type(exc).__name__}: {exc}")
    pickle.dump(answer, result)
    result.close()


if __name__ == "__main__":
    main()
