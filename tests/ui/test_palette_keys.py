"""The command palette's keys never crash the app (issue #15): Textual 8.2 raised
`KeyError: 0` on PageDown/PageUp when the palette's list had no rows on screen."""

from __future__ import annotations

import pytest
from textual.command import CommandList

from gomemtui.scenario import load_program
from gomemtui.ui.app import make_app
from gomemtui.ui.commands import GoMemPalette
from tests.ui.conftest import settle


@pytest.mark.parametrize("size", [(80, 3), (80, 1), (120, 40)], ids=["3 rows", "1 row", "120x40"])
async def test_page_keys_in_the_palette_do_not_crash(size: tuple[int, int]) -> None:
    app = make_app(load_program("tour", env={}), "tour.toml")
    async with app.run_test(size=size) as pilot:  # an exception in the app fails the test here
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GoMemPalette)
        commands = app.screen.query_one(CommandList)
        assert commands.option_count > 1 and commands.highlighted == 0
        await pilot.press("pagedown", "pagedown", "pageup", "pagedown", "pageup", "pageup")
        await pilot.pause(0.1)
        assert commands.highlighted == 0  # back where it started, whether it paged or stepped
        await pilot.press("pagedown")
        assert commands.highlighted is not None and commands.highlighted > 0
        await pilot.press("escape")
        assert not isinstance(app.screen, GoMemPalette)
        await pilot.press("q")
    assert app.return_code == 0


async def test_closing_the_palette_while_it_searches_does_not_crash() -> None:
    # "No matches" is shown by a timer half a second after a search finds nothing; closing
    # the palette before it fires must not leave it looking for the list.
    app = make_app(load_program("tour", env={}), "tour.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("ctrl+p", "z", "z", "q", "escape")
            await pilot.pause(0.7)
            await pilot.press("ctrl+p", "x", "pagedown", "escape", "ctrl+p", "escape")
        await pilot.pause(0.7)
        await pilot.press("q")
    assert app.return_code == 0
