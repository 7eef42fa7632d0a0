"""Snapshot tests of the compare screen: one side at a time with tabs at 80×24, both
sides next to each other at 200×50. Real runs of a bundled scenario (the core is
deterministic), paused, with nothing on screen that depends on the wall clock."""

from __future__ import annotations

from tests.ui.compare_helpers import compare_app, press


def _before(*keys: str):
    async def run(pilot) -> None:
        await press(pilot, *keys)
        await pilot.pause(0.05)
        await press(pilot)

    return run


def test_split_view_80x24_heap_map_one_side(snap_compare) -> None:
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=200")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_before("n", "n", "n", "n"))


def test_split_view_80x24_right_side_pacer(snap_compare) -> None:
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=200")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_before("n", "n", "n", "n", "tab", "s"))


def test_split_view_200x50_side_by_side_mid_cycle(snap_compare) -> None:
    app = compare_app("gogc-100", left="GOGC=50", right="GOGC=200")
    assert snap_compare(app, terminal_size=(200, 50),
                        run_before=_before("n", "n", "n", "right_square_bracket"))


def test_split_view_200x50_two_scenarios_pacer(snap_compare) -> None:
    app = compare_app("gogc-50", "gogc-200", panel="gc")
    assert snap_compare(app, terminal_size=(200, 50), run_before=_before("end"))
