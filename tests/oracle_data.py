"""Access to ../shared/oracle: JSON observed by running real Go 1.27.3 programs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ORACLE_DIR = SHARED / "oracle"


@cache
def _read(name: str) -> dict[str, Any]:
    return json.loads((ORACLE_DIR / f"{name}.json").read_text())


def load_oracle(name: str) -> dict[str, Any]:
    """The parsed oracle file `name`.json; the test is skipped if shared/ is not beside the repo."""
    if not (ORACLE_DIR / f"{name}.json").exists():
        pytest.skip(f"oracle data not found at {ORACLE_DIR} (shared/ must sit beside the repo)")
    return _read(name)


def oracle_cases(name: str) -> list[dict[str, Any]]:
    """The `cases` list of an oracle file, for parametrizing (empty if shared/ is absent)."""
    path = ORACLE_DIR / f"{name}.json"
    if not path.exists():
        return []
    return _read(name)["cases"]
