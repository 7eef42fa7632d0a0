"""What the budget accepts runs for real: scenarios near its limits complete under a 3 GiB
cap on address space, within the memory the budget estimated; a bomb it refuses ends
with the refusal, not a MemoryError, under a 1 GiB cap. Each runs `gomemtui run` in a
subprocess (a few seconds each)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui.scenario import load_text
from gomemtui.scenario.cost_walk import estimate
from tests.scenario.cost_cases import loop, scenario

NEAR_THE_LIMITS = [
    ("an_array_of_16_million_pointers_and_a_gc",
     scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 16000000', 'do = "gc"')),
    ("a_map_of_a_million_keys",
     scenario('do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"',
              'do = "map_insert"\nvar = "m"\ncount = 1000000')),
    ("a_million_objects_then_20_gc",
     scenario('do = "new"\nvar = "b"\ntype = "Node"\nrepeat = 999000', loop(20, 'do = "gc"'))),
]


def _run(path: Path, cap: int) -> tuple[int, int, str]:
    """(exit status, peak resident bytes, stderr) of `gomemtui run path` with `cap` bytes of
    address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {k: v for k, v in os.environ.items() if k not in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS")}
    child = subprocess.Popen([sys.executable, "-m", "gomemtui", "run", str(path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=limit, env=env)
    assert child.stderr is not None
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.stderr.close()
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, err


@pytest.mark.parametrize(("case_id", "text"), NEAR_THE_LIMITS, ids=[c[0] for c in NEAR_THE_LIMITS])
def test_a_scenario_the_budget_accepts_runs_within_its_estimate(tmp_path: Path, case_id: str, text: str) -> None:
    path = tmp_path / f"{case_id}.toml"
    path.write_text(text)
    status, peak, err = _run(path, 3 << 30)
    assert status == 0, err
    assert peak <= estimate(load_text(text, str(path))).memory_bytes


def test_a_bomb_is_refused_before_it_takes_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.toml"
    path.write_text(scenario('do = "make_slice"\nvar = "s"\nelem = "*int"\nlen = 536869888'))
    status, _, err = _run(path, 1 << 30)
    assert status == 1
    assert f"{path}:" in err and "536,869,888 pointer slots" in err
    assert "MemoryError" not in err and "Traceback" not in err
