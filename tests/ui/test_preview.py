"""The scenario on screen the first time it is opened, before the core has loaded: the
file's own title, step count, source and summary (gomemtui.ui.preview), replaced by the
core's first frame without moving a line."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from gomemtui.scenario import find_scenario, list_bundled, load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.preview import MAX_PREVIEW_BYTES, ScenarioPreview, read_preview
from gomemtui.ui.screens.main import MainScreen
from tests.ui.conftest import screen_text, settle
from tests.ui.test_first_frame import SlowCore

BUNDLED = [b.short_name for b in list_bundled()]
NARROW = (80, 24)
WIDE = (160, 48)


@pytest.mark.parametrize("name", BUNDLED)
def test_the_preview_says_what_the_loader_reads(name: str) -> None:
    """Title, summary, source, step count and step lines read with tomllib alone are the
    checked program's (the loader and the compiler are the other reading)."""
    program = load_program(name)
    preview = read_preview(find_scenario(name))
    assert preview == ScenarioPreview(program.title, program.summary, program.source,
                                      frozenset(step.line for step in program.steps), len(program.steps))


MINIMAL = '''
[scenario]
title = "t"
[source]
code = """
package main
"""
[[step]]
line = 2
do = "gc"
'''


@pytest.mark.parametrize("text", [
    "this is not TOML = = =",
    MINIMAL.replace('title = "t"', 'title = "  "'),  # the loader's "title is empty"
    MINIMAL.replace('title = "t"', "title = 3"),
    MINIMAL.replace("[[step]]", "[step]"),
    MINIMAL.replace("line = 2", "line = true"),
    MINIMAL.replace("line = 2", 'line = "2"'),
    MINIMAL.replace('code = """\npackage main\n"""', "code = 1"),
    MINIMAL.split("[[step]]")[0],  # no step
])
def test_a_file_the_loader_would_refuse_gives_no_preview(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text)
    assert read_preview(path) is None


def test_a_step_without_a_line_is_on_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(MINIMAL.replace("line = 2\n", ""))
    assert read_preview(path) == ScenarioPreview("t", "", "package main\n", frozenset({1}), 1)


def test_no_preview_of_a_missing_binary_or_huge_file(tmp_path: Path) -> None:
    assert read_preview(tmp_path / "missing.toml") is None
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    assert read_preview(binary) is None
    huge = tmp_path / "h.toml"
    huge.write_text(MINIMAL + "#" * MAX_PREVIEW_BYTES)
    assert read_preview(huge) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_reading_a_preview_never_raises(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.toml"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        result = read_preview(path)
        assert result is None or isinstance(result, ScenarioPreview)


def panel_text(text: str, top: str) -> list[str]:
    """The lines of the panel whose top border holds `top` (a panel at the left edge)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if top in line)
    width = lines[start].index("╮") + 1
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("╰"))
    return [line[:width] for line in lines[start:end + 1]]


@asynccontextmanager
async def first_paint(name: str, size: tuple[int, int]) -> AsyncIterator[tuple[GoMemApp, Pilot, SlowCore, str]]:
    """`gomemtui NAME` opened with nothing kept and the core held back: the app, its pilot,
    its core (`ready.set()` lets it load) and the screen's text as the first paint drew it."""
    core = SlowCore(name)
    app = GoMemApp(core, path=f"{name}.toml", preview=read_preview(find_scenario(name)))
    painted: list[str] = []
    fill = MainScreen._fill_panels

    async def record_then_fill(screen: MainScreen) -> None:
        painted.append(screen_text(app))
        await fill(screen)

    MainScreen._fill_panels = record_then_fill  # type: ignore[method-assign]
    try:
        async with app.run_test(size=size) as pilot:
            for _ in range(50):
                await pilot.pause()
                if app.screen.filled:
                    break
            yield app, pilot, core, painted[0]
    finally:
        MainScreen._fill_panels = fill  # type: ignore[method-assign]
        core.ready.set()


async def test_the_first_paint_shows_the_scenario_before_the_core_loads() -> None:
    """160×48, nothing kept: the first paint has the title and step 0/N in the header, the
    numbered source with its step lines marked, and the explanation before the first step;
    no figure. The core's frame then fills in the figures, and the source reads the same."""
    async with first_paint("tour", WIDE) as (app, pilot, core, painted):
        program = core.program
        assert isinstance(app.screen, MainScreen) and app.screen.frames_shown == 0
        header = painted.splitlines()[0]
        assert header == f" {program.title} │ step 0/{len(program.steps)} │ loading the runtime…"
        assert "│  1 package main" in painted
        gutter = [re.match(r"│([·▶ ])\s*(\d+) ", line) for line in painted.splitlines()]
        numbered = {int(m.group(2)): m.group(1) for m in gutter if m}
        assert len(numbered) >= 10
        steps = {step.line for step in program.steps}
        assert {n for n, mark in numbered.items() if mark == "·"} == steps & set(numbered)
        assert f"{program.title}:" in painted and "before the first step" in painted
        assert "goal" not in painted and "MiB" not in painted  # no figure before the core's
        core.ready.set()
        await settle(pilot)
        assert app.screen.frames_shown >= 1
        after = screen_text(app)
        assert "goal 4.0 MiB" in after.splitlines()[0]
        assert panel_text(after, "─ Source ─") == panel_text(painted, "─ Source ─")


async def test_at_80x24_the_first_paint_is_the_narrow_layout_with_the_explanation() -> None:
    """The narrow layout from the first paint (one panel, the strip under it), and the
    strip already holds the scenario's explanation."""
    async with first_paint("tour", NARROW) as (app, pilot, core, painted):
        assert "╭─ Source" not in painted and "╭─ Slices" not in painted  # one panel at a time
        assert f"{core.program.title}: before the first step" in painted
        assert "Press n or → to run the first step" in painted
        core.ready.set()
        await settle(pilot)
        assert f"{core.program.title}: before the first step" in screen_text(app)
