"""Header, legend, tabs, footer and explanation strip at 80, 100 and 200 columns: each
fits its width by choosing shorter words, never by cutting one (pure functions, no app)."""

from __future__ import annotations

import pytest
from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from gomemtui.runtime.enums import GridMode
from gomemtui.ui.fit import fit_words, first_fitting, join_fitting
from gomemtui.ui.heap_palette import palette
from gomemtui.ui.widgets.explain import strip_lines
from gomemtui.ui.widgets.header import header_text
from gomemtui.ui.widgets.heap_map import legend_segments
from gomemtui.ui.widgets.key_footer import FooterItem, choose, item_width
from gomemtui.ui.widgets.panel_tabs import PanelTabs
from tests.ui.test_panels import frame_after


def test_fit_words_keeps_whole_words_and_ends_with_an_ellipsis():
    title = "Leaked goroutines keep their stacks and everything they reference"
    assert fit_words(title, 80) == title
    assert fit_words(title, 20) == "Leaked goroutines…"
    assert fit_words(title, 7) == "Leaked…"
    assert fit_words(title, 6) == ""  # not even one word and its ellipsis
    # nor does it end on a small word, or on punctuation before the "…"
    assert fit_words("Maps keep their memory; a pool forgets in two GCs", 26) == "Maps keep their memory…"
    assert fit_words("Tour: a slice, a reslice and a copy", 14) == "Tour: a slice…"


def test_first_fitting_takes_the_longest_tier_that_fits():
    tiers = ("heap 3.0 MiB / goal 6.4 MiB", "heap 3.0 MiB", "3.0 MiB")
    assert first_fitting(tiers, 30) == tiers[0]
    assert first_fitting(tiers, 12) == tiers[1]
    assert first_fitting(tiers, 8) == tiers[2]
    assert first_fitting(tiers, 4) == "3.0…"
    assert first_fitting(tiers, 3) == ""


def test_join_fitting_leaves_whole_parts_off_the_end():
    tiers = [["step 2/12", "GC: no cycle running", "cycle 0"], ["step 2/12", "no cycle", "cycle 0"]]
    assert join_fitting(tiers, 60, " │ ") == tiers[0]
    assert join_fitting(tiers, 30, " │ ") == tiers[1]  # 9 + 3 + 8 + 3 + 7 = 30
    assert join_fitting(tiers, 29, " │ ") == ["step 2/12", "no cycle"]


def test_header_tiers_at_200_100_and_80_columns():
    frame = frame_after(2)  # the fake: heap 3 × 8 KiB in use, goal 4 MiB, no cycle yet
    assert header_text(frame, False, 2.0, 200).plain == (
        " Fake growth │ step 2/12 │ GC: no cycle running │ heap 24.0 KiB / goal 4.0 MiB │ ‖ paused"
        " │ cycle 0 │ t=3.0 µs")
    assert header_text(frame, False, 2.0, 100).plain == (
        " Fake growth │ step 2/12 │ no GC cycle │ heap 24.0 KiB / goal 4.0 MiB │ ‖ paused │ cycle 0")
    # 80 columns: "paused" goes unsaid, to leave the title room
    assert header_text(frame, False, 2.0, 80).plain == (
        " Fake growth │ step 2/12 │ no cycle │ heap 24.0 KiB / goal 4.0 MiB │ cycle 0")
    # playing says so, and then there is no room for 11 cells of title

    assert header_text(frame, True, 4.0, 80).plain == (
        " step 2/12 │ no cycle │ heap 24.0 KiB / goal 4.0 MiB │ ▶ 4/s │ cycle 0")


@pytest.mark.parametrize("width", range(1, 120, 7))
def test_header_never_passes_its_width_nor_cuts_a_word(width: int):
    frame = frame_after(2)
    words = set(" Fake growth │ step 2/12 │ GC: no cycle running │ no GC cycle │ heap 24.0 KiB / goal 4.0 MiB "
                "│ ‖ paused │ cycle 0 │ t=3.0 µs".split())
    text = header_text(frame, False, 2.0, width).plain
    assert len(text) <= width or text == " "
    assert all(word.rstrip("…") in words for word in text.split())


def legend_text(mode: GridMode, width: int, spans: int = 454, pages: int = 6656) -> str:
    cells = palette(mode, True, Style())
    return "".join(s.text for s in legend_segments(mode, cells, Style(), spans, pages, width))


def test_legend_tiers_from_100_columns_down():
    # mono glyphs: class 1 is "1", 18 "i", 48 "M", large objects "@", idle "·"
    assert legend_text(GridMode.SIZE_CLASS, 100) == (
        "size class: 1 small class i medium M big @ large obj · idle · 454 spans, 6656 pages")
    assert legend_text(GridMode.SIZE_CLASS, 62) == "class: 1 small i mid M big @ large · idle · 454 spans, 6656 pg"
    assert legend_text(GridMode.SIZE_CLASS, 61) == "1 small i mid M big @ large · idle · 454 spans"
    assert legend_text(GridMode.SIZE_CLASS, 45) == "1 small i mid M big @ large · idle"
    assert legend_text(GridMode.SIZE_CLASS, 30) == "1 small i mid M big @ large"  # whole entries only
    assert legend_text(GridMode.MARK, 80, spans=1, pages=1) == (
        "mark: ○ white ◐ grey ● black ◆ queued □ free · 1 span, 1 page")


def test_tabs_use_short_labels_then_drop_whole_tabs_keeping_the_active_one():
    tabs = PanelTabs()
    titles = (("source", "Source"), ("heap", "Heap map"), ("gc", "GC & pacer"), ("explain", "Explain"),
              ("log", "Event log"))
    tabs.set_reactive(PanelTabs.tabs, tuple((p, t, True) for p, t in titles))
    tabs.set_reactive(PanelTabs.active, "explain")
    labels = lambda width: [label for _x, _p, label, _v in tabs.placed_tabs(width)]  # noqa: E731
    assert labels(60) == [" Source ", " Heap map ", " GC & pacer ", " Explain ", " Event log "]
    assert labels(40) == [" Src ", " Heap ", " GC ", " Explain ", " Log "]
    assert labels(25) == ["Src", "Heap", "GC", "Explain", "Log"]
    assert labels(20) == ["Src", "Heap", "GC", "Explain"]  # the far end goes first,
    assert labels(12) == ["GC", "Explain"]  # then the tabs before the active one


def items(*specs: tuple[str, str, str]) -> list[FooterItem]:
    return [FooterItem(Binding(key, action, description), True, "", order)
            for order, (key, action, description) in enumerate(specs)]


KEYS = items(("space", "toggle_play", "Play"), ("n", "step", "Step"), ("]", "next_phase", "Phase▸"),
             ("g", "run_gc", "GC"), ("w", "why_alive", "Why alive?"), ("?", "help", "Help"), ("q", "leave", "Quit"))
PRIORITY = ("help", "leave", "next_phase", "run_gc", "why_alive", "step", "toggle_play")
DISPLAY = {item.binding.action: item.binding.key for item in KEYS}


def shown(width: int, compact: bool = True) -> list[str]:
    return [item.binding.key for item in choose(KEYS, PRIORITY, width, compact, DISPLAY)]


def test_footer_item_widths_follow_textuals_footer_css():
    assert item_width("?", "Help", compact=False) == 8  # " ? " + "Help "
    assert item_width("?", "Help", compact=True) == 7  # "?" + " Help" + margin
    assert item_width("^p", "palette", compact=True, palette=True) == 12  # and a border


def test_footer_keeps_keys_by_priority_and_shows_them_in_order():
    # compact widths: ? 7, q 7, ] 9, g 5, w 13, n 7, space 11
    assert shown(200) == ["space", "n", "]", "g", "w", "?", "q"]
    assert shown(41) == ["]", "g", "w", "?", "q"]
    assert shown(40) == ["]", "g", "?", "q"]  # w does not fit: nothing after it is shown either
    assert shown(14) == ["?", "q"]
    assert shown(6) == []


def test_strip_shows_what_fits_and_says_which_key_shows_the_rest():
    lines = [Text(f"line {i}") for i in range(10)]
    assert strip_lines(lines[:3], 80, 7, "x") == lines[:3]
    cut = strip_lines(lines, 80, 7, "x")
    assert cut[:6] == lines[:6]
    assert cut[6].plain == "… 4 more lines: press x for the whole explanation"
    assert strip_lines(lines, 40, 7, "x")[6].plain == "… 4 more lines: press x to read all"
    assert strip_lines(lines, 13, 2, "x")[1].plain == "… x: read all"
    assert strip_lines(lines, 12, 2, "x")[1].plain == "…"
    assert strip_lines(lines, 80, 9, "x")[8].plain == "… 2 more lines: press x for the whole explanation"


def test_footer_puts_greyed_out_keys_after_the_others():
    keys = [item._replace(enabled=item.binding.action != "next_phase") for item in KEYS]
    # ] does nothing now: the keys after it in priority move up, and it goes last
    assert [item.binding.key for item in choose(keys, PRIORITY, 41, True, DISPLAY)] == ["n", "g", "w", "?", "q"]
    assert [item.binding.key for item in choose(keys, PRIORITY, 200, True, DISPLAY)] == [
        "space", "n", "]", "g", "w", "?", "q"]
