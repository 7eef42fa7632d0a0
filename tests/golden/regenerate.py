"""Rewrite tests/golden/*.gz from the current code (see README.md beside this file)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
SCENARIOS = GOLDEN.parents[1] / "gomemtui" / "scenarios"
GO_SETTINGS = ("GOGC", "GOMEMLIMIT", "GOMAXPROCS")
VARIANTS = {"jsonl": ["--json"], "txt": []}


def scenario_files() -> list[Path]:
    """Every bundled scenario, in name order."""
    return sorted(SCENARIOS.glob("*.toml"))


def run_output(scenario: Path, flags: list[str]) -> bytes:
    """What `gomemtui run SCENARIO FLAGS` prints, with Go's settings left to the scenario."""
    env = {k: v for k, v in os.environ.items() if k not in GO_SETTINGS}
    done = subprocess.run([sys.executable, "-m", "gomemtui", "run", str(scenario), *flags],
                          capture_output=True, env=env, check=True, timeout=300)
    return done.stdout


def golden_path(scenario: Path, variant: str) -> Path:
    return GOLDEN / f"{scenario.stem}.{variant}.gz"


def main() -> None:
    for scenario in scenario_files():
        for variant, flags in VARIANTS.items():
            # mtime=0: the same output gives the same file, so git sees no change.
            data = gzip.compress(run_output(scenario, flags), compresslevel=9, mtime=0)
            golden_path(scenario, variant).write_bytes(data)
            print(golden_path(scenario, variant).name)


if __name__ == "__main__":
    main()
