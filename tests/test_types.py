"""mypy finds no type error in gomemtui/ (its settings are in pyproject.toml's [tool.mypy])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_mypy_reports_no_error() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "" and done.returncode == 0, done.stdout[-20000:] + done.stderr[-2000:]
