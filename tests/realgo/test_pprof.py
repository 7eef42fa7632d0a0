"""`gomemtui profile` against real Go: `go tool pprof` reads the file, names the lines the
simulator names, and the bundled 13-pprof-heap program, run for real, writes the
profile the simulator writes for its steps (tests/oracle/pprof_heap.json).

Record the oracle again with `python -m tests.realgo.test_pprof` (needs go1.27).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gomemtui.cli import main
from gomemtui.pprof.encode import Profile
from gomemtui.scenario import find_scenario, load_scenario
from tests.oracle_data import ORACLE_DIR, load_oracle

SCENARIO = "13-pprof-heap"


def write_profile(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "heap.pb.gz"
    assert main(["profile", *args, "-o", str(out)]) == 0
    return out


def pprof(go_tool, *args: str) -> str:
    proc = subprocess.run([str(go_tool.go), "tool", "pprof", *args], env=go_tool.env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def top_rows(text: str) -> list[tuple[int, str, str]]:
    """`go tool pprof -top -lines -unit=B`'s rows: (flat bytes, function, file:line)."""
    rows = []
    for line in text.splitlines():
        found = re.match(r"\s*(\d+)B\s+[\d.]+%\s+[\d.]+%\s+\d+B\s+[\d.]+%\s+(\S+)\s+(\S+)", line)
        if found:
            rows.append((int(found.group(1)), found.group(2), found.group(3)))
    return rows


def test_go_tool_pprof_names_the_line_that_holds_the_memory(go_tool, tmp_path):
    out = write_profile(tmp_path, SCENARIO)
    inuse = top_rows(pprof(go_tool, "-top", "-lines", "-unit=B", "-nodefraction=0", str(out)))
    assert inuse[0] == (1048576, "main.handle", "main.go:20")
    alloc = top_rows(pprof(go_tool, "-sample_index=alloc_space", "-top", "-lines", "-unit=B", "-nodefraction=0",
                           str(out)))
    assert alloc[0] == (16777216, "main.handle", "main.go:18")


def test_go_tool_pprof_totals_are_the_hand_worked_ones(go_tool, tmp_path):
    """Three allocations, 112 + 8192 + 40960 B (size class 10, class 51, five pages),
    published by the runtime.GC() after them (tests/runtime/read/test_profile.py)."""
    from tests.runtime.read.test_profile import THREE_ALLOCATIONS

    scenario = tmp_path / "three.toml"
    scenario.write_text(THREE_ALLOCATIONS)
    out = write_profile(tmp_path, str(scenario), "--step", "4")
    text = pprof(go_tool, "-top", "-lines", "-unit=B", "-nodefraction=0", str(out))
    assert "of 49264B total" in text
    assert [row[2] for row in top_rows(text)] == ["main.go:8", "main.go:7", "main.go:6"]
    raw = pprof(go_tool, "-raw", str(out))
    assert "alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes" in raw
    assert "PeriodType: space bytes" in raw and "Period: 1" in raw
    assert "bytes:[40960]" in raw


def real_buckets(profile_gz: bytes) -> list[dict[str, object]]:
    """The samples of a real heap profile whose leaf frame is in package main, by line and size."""
    message = Profile()
    message.ParseFromString(gzip.decompress(profile_gz))
    strings = message.string_table
    functions = {f.id: strings[f.name] for f in message.function}
    locations = {loc.id: loc for loc in message.location}
    out: dict[tuple[int, str, int], list[int]] = {}
    for sample in message.sample:
        leaf = locations[sample.location_id[0]].line[-1]
        function = functions[leaf.function_id]
        if not function.startswith("main."):
            continue
        size = next(lab.num for lab in sample.label if strings[lab.key] == "bytes")
        acc = out.setdefault((leaf.line, function, size), [0, 0, 0, 0])
        for i, v in enumerate(sample.value):
            acc[i] += v
    return [
        {"line": line, "function": function, "bytes": size, "alloc_objects": a, "alloc_space": b,
         "inuse_objects": c, "inuse_space": d}
        for (line, function, size), (a, b, c, d) in sorted(out.items())
    ]


def run_real(go_tool, work: Path) -> bytes:
    source = load_scenario(find_scenario(SCENARIO)).source.code
    program = go_tool.build("pprofheap", source)
    env = {**go_tool.env(), "GOMAXPROCS": "1"}
    subprocess.run([str(program.binary)], cwd=work, env=env, check=True, timeout=120)
    return (work / "heap.pb.gz").read_bytes()


def test_the_real_program_profiles_as_the_simulator_does(go_tool, tmp_path):
    """Run now, the scenario's program gives the simulator's bucket for each line and size."""
    from gomemtui.runtime.read.profile import heap_profile
    from gomemtui.runtime.timeline import Timeline
    from gomemtui.scenario import load_program

    program = load_program(SCENARIO)
    timeline = Timeline(program, rewind=False)
    timeline.end()
    fresh = {(c["line"], c["bytes"]): c for c in real_buckets(run_real(go_tool, tmp_path))}
    for s in heap_profile(timeline.runtime, program).samples:
        real = fresh[(s.site.line, s.object_bytes)]
        assert (real["alloc_objects"], real["alloc_space"], real["inuse_objects"], real["inuse_space"]) == (
            s.alloc_objects, s.alloc_space, s.inuse_objects, s.inuse_space)


def record() -> None:
    """Run the scenario's program with real Go and write tests/oracle/pprof_heap.json."""
    from tests.realgo.conftest import _probe_go

    tool, why = _probe_go()
    if tool is None:
        sys.exit(f"no Go: {why}")
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "gomemtui-pprof-oracle"
    work.mkdir(exist_ok=True)
    data = {
        "go_version": tool.version,
        "description": (
            "The heap profile real Go writes for the 13-pprof-heap scenario's [source] (GOMAXPROCS=1, "
            "runtime.MemProfileRate = 1, pprof.WriteHeapProfile after runtime.GC()): the samples whose "
            "leaf frame is in package main, summed by source line and allocation size (the 'bytes' "
            "label). Line 18 also has a 16-byte and a 112-byte object that no statement of the "
            "program allocates (the runtime's own, on the allocation path there); the simulator has "
            "no such objects. Recorded by python -m tests.realgo.test_pprof."
        ),
        "cases": real_buckets(run_real(tool, work)),
    }
    path = ORACLE_DIR / "pprof_heap.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {path}: {len(data['cases'])} buckets")


if __name__ == "__main__":
    record()
