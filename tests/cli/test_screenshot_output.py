"""`gomemtui screenshot -o` on the command line: refusals before the app runs, one line
each; --force; a warning for a name not ending in .svg (issue #15)."""

from __future__ import annotations

from pathlib import Path


def test_screenshot_command_refuses_before_running_and_writes_with_force(tmp_path: Path, gomemtui) -> None:
    out = tmp_path / "tour.svg"
    out.write_text("old")
    refused = gomemtui("screenshot", "tour", "-o", str(out))
    assert (refused.status, refused.out) == (1, "")
    assert refused.err == f"gomemtui: {out}: a file of that name already exists (--force replaces it)\n"
    assert out.read_text() == "old"
    png = tmp_path / "tour.png"
    done = gomemtui("screenshot", "tour", "--step", "1", "-o", str(png))
    assert done.status == 0 and done.out == f"{png}\n"
    assert done.err == (f"gomemtui: warning: {png}: the picture is SVG, but the name ends in .png; "
                        "written as SVG all the same\n")
    assert png.read_text().startswith("<svg")
    forced = gomemtui("screenshot", "tour", "--force", "-o", str(out))
    assert forced.status == 0 and out.read_text().startswith("<svg")
