"""What-if runs play in a child process: the same trace as in the app's own process,
killed at once when removed, and a failure said in one line."""

from __future__ import annotations

import threading
import time

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.read.outcome import play_trace
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.what_if_child import Cancelled, RunFailed, play_in_child


def test_the_child_plays_the_same_run_as_this_process() -> None:
    program = load_program("gogc-100", env={})
    here = play_trace(Timeline(program, rewind=False))
    there = play_in_child(program, threading.Event())
    assert there == here


def test_removing_a_what_if_kills_its_process_at_once() -> None:
    program = load_program("tests/ui/data/long-gc-loop.toml", env={})  # tens of seconds of work
    cancel = threading.Event()
    threading.Timer(1.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        play_in_child(program, cancel, ceiling=False)
    assert time.monotonic() - started < 10


def test_a_run_that_fails_in_the_child_says_why() -> None:
    bad = ops.Program(ops.RuntimeSettings(), (ops.Step(0, 1, "drop", ops.Drop("nowhere")),))
    with pytest.raises(RunFailed, match=r"\w+Error: .*nowhere|nowhere"):
        play_in_child(bad, threading.Event(), ceiling=False)
