"""The scenario picker (`gomemtui` without a scenario): `q` in a picked scenario goes
back to the picker; `q` in the picker, or ctrl+q anywhere, quits."""

from __future__ import annotations

from textual.widgets import OptionList

from gomemtui.ui.app import GoMemApp
from gomemtui.ui.screens.main import MainScreen
from gomemtui.ui.screens.picker import PickerScreen
from tests.ui.conftest import settle

SIZE = (120, 40)


async def open_first(app: GoMemApp, pilot) -> MainScreen:
    """Choose the picker's first scenario and wait for its screen."""
    assert isinstance(app.screen, PickerScreen)
    app.screen.query_one(OptionList).highlighted = 0
    await pilot.press("enter")
    await pilot.pause()
    await settle(pilot)
    assert isinstance(app.screen, MainScreen)
    return app.screen


async def test_q_in_a_picked_scenario_returns_to_the_picker_and_q_there_quits() -> None:
    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_first(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PickerScreen)
        await open_first(app, pilot)  # a second scenario can be picked: it starts at step 0
        assert app.screen.frame is not None and app.screen.frame.position == 0
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_q_in_a_picked_scenario_quits() -> None:
    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_first(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_the_picker_shows_the_name_each_scenario_has_on_the_command_line() -> None:
    from gomemtui.scenario import find_scenario

    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.option_count >= 10
        for i in range(options.option_count):
            first_line = str(options.get_option_at_index(i).prompt).splitlines()[0]
            name = first_line.rsplit("  ", 1)[1]
            assert " " not in name and (find_scenario(name) == app.screen.choices[i].path)
        assert any(str(options.get_option_at_index(i).prompt).splitlines()[0].endswith("  tour")
                   for i in range(options.option_count))
