"""`run` stops cleanly at its real-cost ceilings (memory, time), with a message, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from gomemtui.ceiling import CeilingReached, RealCeiling, parse_seconds


def gomemtui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gomemtui", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_run_stops_at_the_memory_ceiling_with_a_message():
    # Python with numpy alone is well above 20 MiB resident.
    done = gomemtui("run", "gogc-100", "--max-memory", "20MiB")
    assert done.returncode == 1
    assert re.search(r"stopped \((after )?step 1\): the simulation uses [\d.]+ MiB of real memory, "
                     r"over its ceiling of 20.0 MiB", done.stderr), done.stderr
    assert "Traceback" not in done.stderr


def test_run_stops_at_the_time_ceiling_from_the_environment():
    done = gomemtui("run", "gogc-100", env={"GOMEMTUI_MAX_SECONDS": "0.001"})
    assert done.returncode == 1 and "over the ceiling of 0.001 s" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("name", "value", "words"), [
    ("GOMEMTUI_MAX_MEMORY", "4GB", 'did you mean "4GiB"?'),
    ("GOMEMTUI_MAX_SECONDS", "soon", "not a number of seconds"),
    ("GOMEMTUI_MAX_SECONDS", "-1", "above 0 seconds"),
])
def test_a_bad_ceiling_variable_is_a_usage_error(name, value, words):
    done = gomemtui("run", "gogc-100", env={name: value})
    assert done.returncode == 2 and name in done.stderr and words in done.stderr
    assert done.stdout == ""


def test_the_ceiling_counts_time_from_its_start():
    ceiling = RealCeiling(max_bytes=None, max_seconds=3600)
    ceiling.check("here")  # well inside
    ceiling.started -= 3601
    with pytest.raises(CeilingReached, match=r"stopped \(here\): 360\d\.\d s of real time"):
        ceiling.check("here")
    ceiling.start()
    ceiling.check()


def test_seconds_must_be_a_positive_number():
    assert parse_seconds("2.5") == 2.5
    for bad in ("0", "nan", "x"):
        with pytest.raises(ValueError):
            parse_seconds(bad)
