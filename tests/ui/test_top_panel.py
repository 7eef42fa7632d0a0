"""The Top (pprof) panel over the real core: `t` opens and closes it, it shows the figures
`gomemtui profile` writes (hand-worked for 13-pprof-heap: real go1.27.3 gave the same),
`s` changes the sort, and its picture at 80×24."""

from __future__ import annotations

from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.widgets.panel_tabs import PanelTabs
from gomemtui.ui.widgets.top import TopView
from tests.ui.conftest import before, screen_text, settle

SMALL = (80, 24)


def pprof_app(step: int = 4) -> GoMemApp:
    return GoMemApp(Timeline(load_program("13-pprof-heap")), path="13-pprof-heap.toml", start_step=step)


def rows(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "main.go:" in line]


async def test_t_opens_the_top_panel_with_the_profile_by_line_and_t_closes_it():
    app = pprof_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert not screen.panel("pprof").display
        assert "Top" not in [t[1] for t in screen.query_one(PanelTabs).tabs]
        await pilot.press("t")
        await settle(pilot)
        assert screen.panel("pprof").display and screen.active == "pprof"
        text = screen_text(app)
        # After runtime.GC(): line 20 keeps 64 × 16,384 B = 1 MiB of the 1,049,088 B in use;
        # line 22 the 512-B cache array (1016 B allocated over 7 growths).
        assert "as of gc 7 · inuse 1.0 MiB in 65 objects · alloc 17.0 MiB in 135" in text
        assert rows(text) == [
            "1.0 MiB 100.0%   1.0 MiB   5.9%  main.go:20 main.handle  s := new(Summary)",
            "512 B   0.0%    1016 B   0.0%  main.go:22 main.handle  cache = append(cach…",
        ]
        assert "Top" in [t[1] for t in screen.query_one(PanelTabs).tabs] or any(
            t[0] == "pprof" for t in screen.query_one(PanelTabs).tabs)
        await pilot.press("t")
        await settle(pilot)
        assert not screen.panel("pprof").display and screen.active != "pprof"


async def test_s_sorts_by_alloc_space_and_the_scratch_line_comes_first():
    app = pprof_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("t", "s")
        await settle(pilot)
        assert app.screen.query_one(TopView).sort == "alloc_space"
        first = rows(screen_text(app))[0]
        # 64 scratch buffers of 262,144 B (large objects of 32 pages), all garbage now.
        assert first.startswith("0 B   0.0%  16.0 MiB  94.1%  main.go:18 main.handle")


async def test_before_a_gc_publishes_the_panel_says_why_it_is_empty():
    app = pprof_app(step=2)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        text = screen_text(app)
        assert "no heap profile yet" in text
        assert "Go publishes a GC's allocations and frees after the GC that follows it" in text


async def test_the_panel_follows_the_step_and_lags_a_heap_triggered_gc():
    app = pprof_app(step=3)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        text = screen_text(app)
        frame = app.screen.frame
        assert frame is not None and frame.profile is not None
        assert frame.profile.as_of_gc == frame.profile.cycles - 1 == 5
        assert "as of gc 5" in text
        await pilot.press("n")
        await settle(pilot)
        assert "as of gc 7" in screen_text(app)


def test_top_panel_at_80x24(snap_compare):
    assert snap_compare(pprof_app(), terminal_size=SMALL, run_before=before(keys=("t",)))
