"""Strings in the Slices panel: each string over the bytes it points into, beside the
slices, drawn from the real core's views of 03-substring."""

from __future__ import annotations

from gomemtui.runtime.enums import MarkColor
from gomemtui.runtime.read.views import ArrayView, StringView
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program
from gomemtui.ui.app import GoMemApp
from gomemtui.ui.player import Action, Player
from gomemtui.ui.screenshot import wait_idle
from gomemtui.ui.widgets.slices import slices_lines, string_bar, string_bytes_header, string_header
from tests.ui.conftest import screen_text


def plain(lines) -> str:
    return "\n".join(line.plain for line in lines)


def substring_frame(step: int):
    player = Player(Timeline(load_program("03-substring", env={})), grid_shape=(4, 16))
    return player.perform(Action("goto", step - 1))


def test_a_substring_is_drawn_over_the_whole_string_it_keeps():
    text = plain(slices_lines(substring_frame(7), 60))
    assert "body.data string [1048576]byte · 1.0 MiB · held by slowID" in text
    assert "  slowID string  len 16 at 8  (global)" in text
    assert "buf[]" not in text  # freed by the cycle: no longer drawn


def test_strings_sit_beside_the_slices_and_garbage_after_them():
    lines = plain(slices_lines(substring_frame(12), 60)).splitlines()
    headers = [line for line in lines if not line.startswith(" ")]
    assert headers[:4] == [
        "body.data string [1048576]byte · 1.0 MiB · held by slowID",
        "body.data#2 string [1048576]byte · 1.0 MiB · held by body, id",
        "fastID.data string [16]byte · 16 B · held by fastID",
        "buf[]#2 [1048576]byte · 1.0 MiB · garbage: the next GC frees it",
    ]


def _string(**changes) -> StringView:
    base = dict(var="id", goroutine="main", len=16, array="body.data", offset=8, array_len=64,
                array_bytes=64, on_stack=False, static="", shared_with=(), tiny=False)
    base.update(changes)
    return StringView(**base)  # type: ignore[arg-type]


def test_a_string_bar_marks_its_bytes_and_leaves_the_rest_of_the_array_alive():
    bar = string_bar(_string(), 32, {}).plain
    assert bar == "░" * 4 + "█" * 8 + "░" * 20
    assert "▒" not in bar  # a string has no capacity beyond its len


def test_string_headers_say_where_the_bytes_are():
    assert string_header(_string()) == "id string  len 16 at 8  (main)"
    assert string_header(_string(offset=0, goroutine=None)) == "id string  len 16  (global)"
    stack = ArrayView("loc.stack", "byte", 32, 32, True, ("loc",), False, MarkColor.WHITE, string_data=True)
    assert string_bytes_header(stack, []) == "loc.stack string [32]byte · 32 B on the stack · held by loc"
    tiny = ArrayView("k.data", "byte", 5, 16, False, ("k",), False, MarkColor.WHITE, string_data=True)
    assert (string_bytes_header(tiny, [_string(tiny=True)])
            == "k.data string [5]byte · in a 16-byte tiny block · held by k")


def test_strings_with_no_bytes_of_their_own_are_listed_with_where_they_point():
    from dataclasses import replace

    frame = substring_frame(1)
    strings = (_string(var="one", len=1, array=None, offset=0, array_len=0, array_bytes=0,
                       static="runtime.staticuint64s"),
               _string(var="none", len=0, array=None, offset=0, array_len=0, array_bytes=0))
    frame = replace(frame, view=replace(frame.view, strings=strings))
    text = plain(slices_lines(frame, 80))
    assert "one string  len 1  (main)  → runtime.staticuint64s (static data, never freed)" in text
    assert "none string  len 0  (main)  empty: no bytes" in text


async def test_the_app_shows_the_substring_in_the_slices_panel():
    app = GoMemApp(Timeline(load_program("03-substring", env={})), start_step=7)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_idle(pilot)
        text = screen_text(app)
    assert "body.data string [1048576]byte" in text and "slowID string  len 16 at 8" in text


def test_dropped_strings_are_counted_in_one_line():
    """Both bodies and the second buf are garbage after step 16, before the last GC."""
    text = plain(slices_lines(substring_frame(16), 60))
    assert "2 string(s) nothing points to: 2.0 MiB, garbage the next GC frees" in text
    assert "body.data string" not in text
    assert "buf[]#2 [1048576]byte · 1.0 MiB · garbage: the next GC frees it" in text
