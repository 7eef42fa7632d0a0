"""Scenario text cannot act on the terminal (issue #15): the control characters of titles,
notes, source lines, names and echoed values are printed escaped by `check`, `run`, `list`
and the serve log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gomemtui.scenario.bundled import BundledScenario

ESC = "\x1b"
# In TOML: set the window title, clear the screen, leave the alternate screen, carriage return.
SCENARIO = r'''[scenario]
title = "Tour\u001b]0;pwned\u0007"
summary = "clear\u001b[2J"

[source]
code = """
package main

func main() {
	s := make([]int, 0, 8) // \u001b[31mred
	_ = s
}
"""

[[step]]
line = 4
do = "make_slice"
var = "s"
elem = "int"
len = 0
cap = 8
note = "bye\u001b[?1049l\rover"
'''


def _no_raw_controls(text: str) -> None:
    assert ESC not in text and "\x07" not in text and "\r" not in text


def test_run_prints_title_summary_source_and_note_escaped(tmp_path: Path, gomemtui) -> None:
    path = tmp_path / "evil.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = gomemtui("run", str(path))
    assert result.status == 0, result.err
    _no_raw_controls(result.out)
    lines = result.out.splitlines()
    assert lines[0] == "Tour\\x1b]0;pwned\\x07"
    assert lines[1] == "clear\\x1b[2J"
    assert lines[4].startswith("[1] main.go:4: s := make([]int, 0, 8) // \\x1b[31mred  (make_slice)")
    assert "    # bye\\x1b[?1049l\\x0dover" in lines


def test_check_echoes_a_bad_value_escaped(tmp_path: Path, gomemtui) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SCENARIO.replace('do = "make_slice"', r'do = "make\u001b]0;x\u0007"'), encoding="utf-8")
    result = gomemtui("check", str(path))
    assert result.status == 1
    _no_raw_controls(result.out + result.err)
    assert f'{path}:17: step 1: do = "make\\x1b]0;x\\x07": unknown operation' in result.out


def test_check_names_a_file_name_escaped(tmp_path: Path, gomemtui) -> None:
    path = tmp_path / "x\x1b[2J.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = gomemtui("check", str(path))
    assert result.status == 0
    _no_raw_controls(result.out + result.err)
    assert result.out == f"{tmp_path}/x\\x1b[2J.toml: ok (1 steps)\n"
    missing = gomemtui("run", str(tmp_path / "gone\x1b[2J.toml"))
    _no_raw_controls(missing.out + missing.err)
    assert "gone\\x1b[2J.toml" in missing.err


def test_list_prints_titles_escaped(monkeypatch: pytest.MonkeyPatch, gomemtui) -> None:
    import gomemtui.scenario as scenario

    evil = BundledScenario("01-evil\x1b[2J", Path("/x/01-evil.toml"), "T\x1b]0;t\x07", "")
    monkeypatch.setattr(scenario, "list_bundled", lambda: [evil])
    result = gomemtui("list")
    _no_raw_controls(result.out)
    assert result.out.splitlines()[0] == "evil\\x1b[2J  T\\x1b]0;t\\x07"


def test_serve_log_lines_are_escaped_and_stay_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from gomemtui.serve.command import _setup_logging

    _setup_logging(verbose=False)
    logging.getLogger("gomemtui.serve.ssh").info("ssh %s from %s", "eve\x1b]0;x\x07\n2026 forged", "10.0.0.1")
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert err.count("\n") == 1
    assert err.endswith(" gomemtui serve: ssh eve\\x1b]0;x\\x07\\x0a2026 forged from 10.0.0.1\n")
