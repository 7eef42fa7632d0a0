"""`gomemtui profile`: the file it writes (decoded here, `go tool pprof` reads it in
tests/realgo/test_pprof.py), and clear messages for what it cannot do."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui.pprof.encode import Profile
from tests.runtime.read.test_profile import THREE_ALLOCATIONS


@pytest.fixture
def three(tmp_path: Path) -> Path:
    path = tmp_path / "three.toml"
    path.write_text(THREE_ALLOCATIONS)
    return path


def decode(path: Path):
    message = Profile()
    message.ParseFromString(gzip.decompress(path.read_bytes()))
    return message


def test_the_file_is_a_go_heap_profile(gomemtui, three: Path, tmp_path: Path):
    out = tmp_path / "heap.pb.gz"
    r = gomemtui("profile", str(three), "--step", "6", "-o", str(out))
    assert r.status == 0, r.err
    p = decode(out)
    s = p.string_table
    assert [(s[t.type], s[t.unit]) for t in p.sample_type] == [
        ("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")]
    assert (s[p.period_type.type], s[p.period_type.unit], p.period) == ("space", "bytes", 1)
    # Hand-worked: 112 B (class 10) + 8192 B (class 51) + 40960 B (5 pages); b dropped.
    totals = [sum(sample.value[i] for sample in p.sample) for i in range(4)]
    assert totals == [3, 112 + 8192 + 40960, 2, 112 + 40960]
    lines = {loc.id: loc.line[0] for loc in p.location}
    names = {f.id: s[f.name] for f in p.function}
    by_line = {lines[sample.location_id[0]].line: (names[lines[sample.location_id[0]].function_id],
                                                   [s[lab.key] for lab in sample.label], sample.label[0].num)
               for sample in p.sample}
    assert by_line == {6: ("main.main", ["bytes"], 112), 7: ("main.main", ["bytes"], 8192),
                       8: ("main.main", ["bytes"], 40960)}
    assert "as of gc 2" in r.err and "inuse 40.1 KiB in 2 objects" in r.err


def test_the_default_step_is_the_last(gomemtui, three: Path, tmp_path: Path):
    out = tmp_path / "last.pb.gz"
    assert gomemtui("profile", str(three), "-o", str(out)).status == 0
    assert "after step 6 of 6" in " ".join(decode(out).string_table)


def test_the_same_profile_gives_the_same_bytes(gomemtui, three: Path, tmp_path: Path):
    a, b = tmp_path / "a.pb.gz", tmp_path / "b.pb.gz"
    assert gomemtui("profile", str(three), "-o", str(a)).status == 0
    assert gomemtui("profile", str(three), "-o", str(b)).status == 0
    assert a.read_bytes() == b.read_bytes()


def test_before_any_gc_the_profile_is_empty_and_says_why(gomemtui, three: Path, tmp_path: Path):
    out = tmp_path / "early.pb.gz"
    r = gomemtui("profile", str(three), "--step", "3", "-o", str(out))
    assert r.status == 0
    assert len(decode(out).sample) == 0
    assert "no GC has published a heap profile yet" in r.err


def test_dash_writes_the_profile_to_standard_output(three: Path):
    proc = subprocess.run([sys.executable, "-m", "gomemtui", "profile", str(three), "-o", "-"],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    message = Profile()
    message.ParseFromString(gzip.decompress(proc.stdout))
    assert len(message.sample) == 3


@pytest.mark.parametrize("step", ["0", "7", "-1"])
def test_a_step_out_of_range_is_refused(gomemtui, three: Path, tmp_path: Path, step: str):
    out = tmp_path / "never.pb.gz"
    r = gomemtui("profile", str(three), "--step", step, "-o", str(out))
    assert r.status == 2
    assert f"--step {step}: the scenario has 6 steps (1 to 6)" in r.err
    assert "Traceback" not in r.err and not out.exists()


def test_a_step_that_is_not_a_number_is_a_usage_error(gomemtui, three: Path):
    r = gomemtui("profile", str(three), "--step", "last")
    assert r.status == 2 and "--step: invalid int value: 'last'" in r.err


def test_a_missing_folder_is_refused_before_the_run(gomemtui, three: Path, tmp_path: Path):
    out = tmp_path / "no-such-dir" / "heap.pb.gz"
    r = gomemtui("profile", str(three), "-o", str(out))
    assert r.status == 1
    assert f"{out}: the folder {out.parent} does not exist" in r.err


def test_a_folder_is_not_a_file_name(gomemtui, three: Path, tmp_path: Path):
    r = gomemtui("profile", str(three), "-o", str(tmp_path))
    assert r.status == 1 and "is a folder; give a file name" in r.err


def test_the_scenario_is_never_written_over(gomemtui, three: Path):
    before = three.read_text()
    r = gomemtui("profile", str(three), "-o", str(three))
    assert r.status == 1 and "is the scenario being read" in r.err
    assert three.read_text() == before


def test_an_unwritable_file_gives_a_clear_message(gomemtui, three: Path, tmp_path: Path, monkeypatch):
    """Root may write anywhere, so the refusal is made to happen at the write itself."""
    import gomemtui.pprof.command as command

    def refuse(out: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(command, "write_output", refuse)
    out = tmp_path / "heap.pb.gz"
    r = gomemtui("profile", str(three), "-o", str(out))
    assert r.status == 1
    assert r.err.strip() == f"gomemtui: {out}: cannot write: permission denied"


def test_an_unknown_scenario_is_a_usage_error(gomemtui):
    r = gomemtui("profile", "no-such-scenario")
    assert r.status == 2 and "no-such-scenario" in r.err and "Traceback" not in r.err


def test_help_says_what_the_figures_are(gomemtui):
    r = gomemtui("profile", "--help")
    assert r.status == 0
    text = " ".join(r.out.split())
    assert "MemProfileRate=1" in text and "go tool pprof -top -lines heap.pb.gz" in r.out
