"""`gomemtui run` prints, for every bundled scenario, exactly what tests/golden holds.

The rule for updating the golden files is in tests/golden/README.md.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.golden.regenerate import VARIANTS, golden_path, run_output, scenario_files


@pytest.mark.parametrize("scenario", scenario_files(), ids=lambda p: p.stem)
def test_run_output_is_unchanged(scenario: Path) -> None:
    for variant, flags in VARIANTS.items():
        expected = gzip.decompress(golden_path(scenario, variant).read_bytes()).decode()
        actual = run_output(scenario, flags).decode()
        if actual != expected:
            old, new = expected.splitlines(), actual.splitlines()
            first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
            pytest.fail(
                f"{scenario.name} {' '.join(flags) or '(text)'}: output differs from line {first + 1} "
                f"({len(old)} lines expected, {len(new)} printed)\n"
                f"expected: {old[first] if first < len(old) else '<end>'}\n"
                f"printed:  {new[first] if first < len(new) else '<end>'}\n"
                "(see tests/golden/README.md for when and how to regenerate)"
            )


def test_every_bundled_scenario_has_golden_output() -> None:
    for scenario in scenario_files():
        for variant in VARIANTS:
            assert golden_path(scenario, variant).exists(), golden_path(scenario, variant)
