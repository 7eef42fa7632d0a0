"""The delta line: its words for hand-made changes, and where it sits on the screen."""

from __future__ import annotations

from gomemtui.runtime.read.delta import StepDelta, StepFigures
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.widgets.step_delta import BEFORE_FIRST, delta_text
from tests.ui.conftest import screen_text, settle
from tests.ui.fakes import FakeTimeline

BEFORE = StepFigures(heap=65_536, live=40_000, objects=10, spans=4, goroutines=1)


def line(after: StepFigures, width: int = 200) -> str:
    return delta_text(StepDelta(BEFORE, after), width).plain


def test_an_allocation_names_what_changed_then_what_did_not():
    """One 8 KiB object in a new span: heap +8192 B."""
    after = StepFigures(heap=65_536 + 8192, live=40_000, objects=11, spans=5, goroutines=1)
    assert line(after) == "changed: heap +8 KiB · +1 object · +1 span · live, goroutines unchanged"


def test_a_collection_shrinks_the_heap_and_moves_the_live_heap():
    """The sweep frees 3 objects (48 KiB) and a span; the cycle marked 1.5 MiB more live."""
    after = StepFigures(heap=65_536 - 49_152, live=40_000 + 1_572_864, objects=7, spans=3, goroutines=1)
    assert line(after) == "changed: heap −48 KiB · live +1.5 MiB · −3 objects · −1 span · goroutines unchanged"


def test_a_new_goroutine_and_small_counts():
    after = StepFigures(heap=65_536 + 112, live=40_000, objects=12, spans=4, goroutines=2)
    assert line(after) == "changed: heap +112 B · +2 objects · +1 goroutine · live, spans unchanged"


def test_a_step_that_changes_none_of_the_five_says_so():
    assert line(BEFORE) == "no change to heap, live, objects, spans, goroutines"


def test_a_narrow_line_drops_the_label_then_the_unchanged_names():
    after = StepFigures(heap=65_536 + 8192, live=40_000, objects=11, spans=5, goroutines=1)
    full = "changed: heap +8 KiB · +1 object · +1 span · live, goroutines unchanged"
    assert line(after, len(full)) == full
    assert line(after, len(full) - 1) == full.removeprefix("changed: ")
    assert line(after, 40) == "heap +8 KiB · +1 object · +1 span"


def test_two_lines_keep_what_one_line_would_drop():
    after = StepFigures(heap=65_536 + 8192, live=40_000, objects=11, spans=5, goroutines=1)
    full = "changed: heap +8 KiB · +1 object · +1 span · live, goroutines unchanged"
    assert delta_text(StepDelta(BEFORE, after), 40, lines=2).plain == full
    assert delta_text(StepDelta(BEFORE, after), 40, lines=1).plain == "heap +8 KiB · +1 object · +1 span"


def test_before_the_first_step_it_says_what_it_will_show():
    assert delta_text(None, 80).plain == BEFORE_FIRST


async def test_the_line_sits_above_the_explanation_in_both_layouts():
    """Fake steps add 5 objects of 48 B and a span: heap +240 B. (In the wide layout's
    explain panel the line wraps to a second line.)"""
    expected = "changed: heap +240 B · +5 objects · +1"
    for size in ((80, 24), (160, 48)):
        app = GoMemApp(FakeTimeline(), path="fake.toml", start_step=2)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            rows = screen_text(app).splitlines()
            at = [i for i, row in enumerate(rows) if expected in row]
            assert len(at) == 1, (size, rows)
            below = "\n".join(rows[at[0] + 1: at[0] + 5])
            assert "step 2/12 · line 8 · append" in below, (size, rows)
