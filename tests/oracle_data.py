"""The real-Go data the fidelity tests read: tests/oracle/*.json (see tests/oracle/README.md).

The files are part of the repository. A missing or unreadable file is an error, never a
skip: a test that compares with real Go must not pass quietly without its data.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"


@cache
def load_oracle(name: str) -> dict[str, Any]:
    """The parsed oracle file `name`.json (FileNotFoundError if it is missing)."""
    data: dict[str, Any] = json.loads((ORACLE_DIR / f"{name}.json").read_text())
    return data


def oracle_cases(name: str) -> list[dict[str, Any]]:
    """The `cases` list of an oracle file, for parametrizing."""
    cases: list[dict[str, Any]] = load_oracle(name)["cases"]
    return cases
