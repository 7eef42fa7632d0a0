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


def index_of(screen: PickerScreen, name: str) -> int:
    return next(i for i, c in enumerate(screen.choices) if c.name == name)


async def pick(app: GoMemApp, pilot, name: str, key: str) -> None:
    """Highlight the scenario `name` in the picker and press `key`."""
    screen = app.screen
    assert isinstance(screen, PickerScreen)
    screen.query_one(OptionList).highlighted = index_of(screen, name)
    await pilot.press(key)
    await pilot.pause()


async def test_c_then_enter_compares_two_scenarios_and_q_comes_back() -> None:
    from gomemtui.ui.compare.screen import CompareScreen

    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pick(app, pilot, "gogc-50", "c")
        picker = app.screen
        assert isinstance(picker, PickerScreen) and picker.choices[picker.left or 0].name == "gogc-50"
        first_line = str(picker.query_one(OptionList).get_option_at_index(picker.left).prompt).splitlines()[0]
        assert first_line.endswith("◧ left side")
        await pick(app, pilot, "gogc-200", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [side.label for side in screen.sides] == ["gogc-50 · as written", "gogc-200 · as written"]
        await pilot.press("n")
        await settle(pilot)
        frames = screen.lockstep.frames
        assert frames["left"].position == 1 and frames["right"].position == 1
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PickerScreen) and app.screen.left is None
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_enter_on_the_marked_scenario_asks_the_right_side_s_settings() -> None:
    from textual.widgets import Input, Static

    from gomemtui.ui.compare.screen import CompareScreen
    from gomemtui.ui.screens.what_if import WhatIfScreen

    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pick(app, pilot, "tour", "c")
        await pick(app, pilot, "tour", "enter")
        assert isinstance(app.screen, WhatIfScreen)
        app.screen.query_one(Input).value = "GOGC=fast"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)  # a bad setting is said, the dialog stays
        assert "GOGC" in str(app.screen.query_one("#what-if-error", Static).render())
        app.screen.query_one(Input).value = "GOGC=50"
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [side.label for side in screen.sides] == ["tour · as written", "tour · GOGC=50"]


async def test_escape_unmarks_and_c_twice_unmarks() -> None:
    app = GoMemApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pick(app, pilot, "tour", "c")
        picker = app.screen
        assert isinstance(picker, PickerScreen) and picker.left is not None
        await pilot.press("c")  # the same one again
        await pilot.pause()
        assert picker.left is None
        await pilot.press("c")
        await pilot.press("escape")
        await pilot.pause()
        assert picker.left is None and app.is_running
        await pilot.press("escape")  # nothing marked: Esc quits, as q does
        await pilot.pause()
        assert not app.is_running
