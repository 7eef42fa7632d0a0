"""`gomemtui screenshot -o` writes files safely (issue #15): never over an existing file
unless --force, never through a symbolic link, never over the scenario it reads, only the
last folder level made, and OS errors as one line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from gomemtui.ui.output_file import OutputError, check_target, write_text


def test_a_new_file_is_written_with_the_usual_mode(tmp_path: Path) -> None:
    out = tmp_path / "a.svg"
    assert check_target(out) == []
    write_text(out, "<svg/>")
    assert out.read_text() == "<svg/>"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["a.svg"]  # no temporary file left


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "a.svg"
    out.write_text("old")
    with pytest.raises(OutputError, match="a.svg: a file of that name already exists \\(--force replaces it\\)"):
        check_target(out)
    with pytest.raises(OutputError, match="already exists"):
        write_text(out, "new")  # also when it appeared after the check
    assert out.read_text() == "old"
    check_target(out, force=True)
    write_text(out, "new", force=True)
    assert out.read_text() == "new"


def test_a_symbolic_link_at_the_target_is_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("keep me")
    link = tmp_path / "link.svg"
    link.symlink_to(secret)
    with pytest.raises(OutputError, match="a symbolic link of that name already exists"):
        check_target(link)
    with pytest.raises(OutputError):
        write_text(link, "<svg/>")
    dangling = tmp_path / "dangling.svg"
    dangling.symlink_to(tmp_path / "would-be-created")
    with pytest.raises(OutputError, match="symbolic link"):
        check_target(dangling)
    with pytest.raises(OutputError):
        write_text(dangling, "<svg/>")
    assert not (tmp_path / "would-be-created").exists()
    write_text(link, "<svg/>", force=True)  # the link itself is replaced by the file
    assert not link.is_symlink() and link.read_text() == "<svg/>"
    assert secret.read_text() == "keep me"


def test_the_scenario_being_read_is_never_written_over(tmp_path: Path) -> None:
    scenario = tmp_path / "tour.toml"
    scenario.write_text("[scenario]")
    with pytest.raises(OutputError, match="tour.toml: is the scenario being read"):
        check_target(scenario, force=True, inputs=[scenario])
    alias = tmp_path / "alias.svg"
    alias.symlink_to(scenario)
    with pytest.raises(OutputError, match="is the scenario being read"):
        check_target(alias, force=True, inputs=[scenario])


def test_only_the_last_folder_level_is_made_and_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="the folder .*shots does not exist \\(--mkdir makes it\\)"):
        check_target(tmp_path / "shots" / "a.svg")
    with pytest.raises(OutputError, match="does not exist either; --mkdir makes only the last folder"):
        check_target(tmp_path / "x" / "y" / "a.svg", mkdir=True)
    assert not (tmp_path / "x").exists()
    check_target(tmp_path / "shots" / "a.svg", mkdir=True)
    assert (tmp_path / "shots").is_dir()


def test_a_directory_and_a_name_not_ending_in_svg(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        check_target(tmp_path, force=True)
    (warning,) = check_target(tmp_path / "x.png")
    assert warning.endswith("x.png: the picture is SVG, but the name ends in .png; written as SVG all the same")


def test_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "a.svg"
    with pytest.raises(OutputError) as info:
        write_text(out, "<svg/>")
    assert str(info.value) == f"{out}: cannot write: no space left on the device"
    assert os.listdir(tmp_path) == []


def test_a_read_only_place_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    out = tmp_path / "a.svg"
    with pytest.raises(OutputError) as info:
        write_text(out, "<svg/>")
    assert str(info.value) == f"{out}: cannot write: read-only file system"
