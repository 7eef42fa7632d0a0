"""ctrl+c (SIGINT) during a long step: `run` and `screenshot` stop with status 130, no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LONG = Path(__file__).resolve().parents[1] / "ui" / "data" / "long-gc-loop.toml"
"""Step 2 runs 9,000 runtime.GC() calls: tens of seconds."""


def interrupt_after(args: list[str], seconds: float) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([sys.executable, "-m", "gomemtui", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.parametrize("command", ["run", "screenshot"])
def test_ctrl_c_during_a_long_step_exits_130_without_a_traceback(command, tmp_path):
    target = tmp_path / "shot.svg"
    args = ["run", str(LONG)] if command == "run" else ["screenshot", str(LONG), "--step", "2", "-o", str(target)]
    done = interrupt_after(args, 6.0)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()
