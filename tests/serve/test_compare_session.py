"""A compare session over SSH: `ssh -t host compare A B` opens the split view of served
scenarios; anything but served names and settings is refused, as any other command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gomemtui.scenario import find_scenario
from gomemtui.serve.compare_session import CompareRequest, parse_compare_command
from gomemtui.serve.scenarios import Served
from tests.serve.viewer import open_viewer


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "talk"
    folder.mkdir()
    for name in ("10-gogc-50", "10-gogc-200"):
        shutil.copy(find_scenario(name), folder / f"{name}.toml")
    return folder


def _served(folder: Path) -> Served:
    files = tuple(sorted(p.resolve() for p in folder.glob("*.toml")))
    return Served(folder.resolve(), files, True)


def test_a_compare_command_names_served_scenarios_and_settings(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    served = _served(folder)
    assert parse_compare_command("compare gogc-50 gogc-200", served) == CompareRequest(
        (folder / "10-gogc-50.toml").resolve(), (folder / "10-gogc-200.toml").resolve(), None, None)
    assert parse_compare_command("compare gogc-50 --left GOGC=30 --right=green_tea=false", served) == CompareRequest(
        (folder / "10-gogc-50.toml").resolve(), None, "GOGC=30", "green_tea=false")


@pytest.mark.parametrize(("command", "says"), [
    ("compare gogc-50", "one scenario needs --left and/or --right"),
    ("compare ../secret gogc-50", "'../secret' is not a served scenario"),
    ("compare /etc/passwd --left GOGC=50", "'/etc/passwd' is not a served scenario"),
    ("compare gogc-50 --left GOGC=many", "--left: GOGC=many: expected a percentage"),
    ("compare gogc-50 --left", "--left needs settings"),
    ("compare gogc-50 gogc-200 tour", "give one or two served scenarios"),
    ("compare gogc-50 --json", "'--json': not an option here"),
    ("compare 'gogc-50", "No closing quotation"),
])
def test_anything_else_is_refused_with_what_is_wrong(tmp_path: Path, command: str, says: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_compare_command(command, _served(_folder(tmp_path)))
    assert says in str(raised.value)


on_the_session_loop = pytest.mark.asyncio(loop_scope="session")


@on_the_session_loop
async def test_ssh_compare_opens_the_split_view_of_two_served_scenarios(serve, ssh, keys, tmp_path):
    server = await serve(str(_folder(tmp_path)))
    conn = await ssh(server.ssh_port, keys.viewer)
    viewer = await open_viewer(conn, size=(80, 24), command="compare gogc-50 gogc-200")
    await viewer.wait_for(r"left: gogc-50 · as written")
    await viewer.wait_for(r"L│R  step 0/5│0/5")
    mark = viewer.mark
    viewer.press("n")
    await viewer.wait_for(r"step 1/5│1/5", since=mark)
    viewer.press("q")
    assert await viewer.closed_with() == 0


@on_the_session_loop
async def test_ssh_compare_of_one_scenario_with_side_settings_and_a_refused_one(serve, ssh, keys, tmp_path):
    server = await serve(str(_folder(tmp_path)))
    conn = await ssh(server.ssh_port, keys.viewer)
    refused = await open_viewer(conn, command="compare ../secret gogc-50")
    assert await refused.closed_with() == 1
    assert "is not a served scenario" in refused.text()
    viewer = await open_viewer(conn, size=(80, 24), command="compare gogc-50 --left GOGC=30 --right GOGC=off")
    await viewer.wait_for(r"left: gogc-50 · GOGC=30")
    viewer.press("q")
    assert await viewer.closed_with() == 0
