"""The app's exit status is the command's: 0 when the user quits, non-zero when the app
stops on an error (a crash must not exit 0)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.app import App
from textual.pilot import Pilot

from gomemtui import cli
from gomemtui.scenario import load_program
from gomemtui.ui import app as ui_app
from gomemtui.ui.app import GoMemApp, run_deferred
from gomemtui.ui.player import Player
from gomemtui.ui.screens.main import MainScreen
from tests.ui.conftest import settle


def run_headless(monkeypatch: pytest.MonkeyPatch, drive: Callable[[Pilot], Awaitable[None]]) -> None:
    """Make `GoMemApp.run` run headless at 120x40, driven by `drive`."""

    def run(self: GoMemApp, **kwargs: object) -> None:
        return App.run(self, headless=True, size=(120, 40), auto_pilot=drive)

    monkeypatch.setattr(GoMemApp, "run", run)


async def quit_when_settled(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("q")


async def wait_for_the_end(pilot: Pilot) -> None:
    await settle(pilot)


def test_quitting_the_app_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    run_headless(monkeypatch, quit_when_settled)
    assert run_deferred(lambda: load_program("tour", env={}), "tour.toml") == 0


def test_an_exception_in_the_app_exits_non_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(screen: MainScreen, message: object) -> None:
        raise RuntimeError("a bug in a frame handler")

    monkeypatch.setattr(MainScreen, "on_frame_ready", crash)
    run_headless(monkeypatch, wait_for_the_end)
    assert run_deferred(lambda: load_program("tour", env={}), "tour.toml") == 1


def test_a_core_that_fails_before_the_first_frame_exits_non_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(player: Player, action: object) -> None:
        raise RuntimeError("a bug in the core")

    monkeypatch.setattr(Player, "perform", broken)
    run_headless(monkeypatch, wait_for_the_end)
    assert run_deferred(lambda: load_program("tour", env={}), "tour.toml") == 1


def test_the_command_line_exits_with_the_apps_status(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(screen: MainScreen, message: object) -> None:
        raise RuntimeError("a bug in a frame handler")

    monkeypatch.setattr(MainScreen, "on_frame_ready", crash)
    monkeypatch.setattr(cli, "_ui_app", lambda: ui_app)
    run_headless(monkeypatch, wait_for_the_end)
    assert cli.main(["tour"]) == 1


def test_a_crash_prints_one_short_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def crash(screen: MainScreen, message: object) -> None:
        raise RuntimeError("a bug\x1b]0;in a frame handler\x07")

    monkeypatch.setattr(MainScreen, "on_frame_ready", crash)
    monkeypatch.delenv("GOMEMTUI_TRACEBACK", raising=False)
    run_headless(monkeypatch, wait_for_the_end)
    assert run_deferred(lambda: load_program("tour", env={}), "tour.toml") == 1
    err = capsys.readouterr().err
    assert err == ("gomemtui: the app stopped on an error: RuntimeError: a bug\\x1b]0;in a frame "
                   "handler\\x07 (this is a gomemtui bug; rerun with GOMEMTUI_TRACEBACK=1 and report it)\n")


def test_gomemtui_traceback_shows_textuals_traceback(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    def crash(screen: MainScreen, message: object) -> None:
        raise RuntimeError("a bug in a frame handler")

    monkeypatch.setattr(MainScreen, "on_frame_ready", crash)
    monkeypatch.setenv("GOMEMTUI_TRACEBACK", "1")
    run_headless(monkeypatch, wait_for_the_end)
    assert run_deferred(lambda: load_program("tour", env={}), "tour.toml") == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "a bug in a frame handler" in err
    assert "the app stopped on an error" not in err
