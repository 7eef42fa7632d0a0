"""Helpers for CLI tests: run `gomemtui` in-process and capture what it prints."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gomemtui.cli import main


@dataclass
class Result:
    status: int
    out: str
    err: str


@pytest.fixture
def gomemtui(capsys, monkeypatch):
    """Call as gomemtui("run", "tour"): runs main() with GOGC & co. cleared."""
    for name in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> Result:
        try:
            status = main(list(argv))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            status = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run
