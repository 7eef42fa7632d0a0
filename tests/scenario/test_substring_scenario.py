"""The bundled 03-substring scenario against what real Go did with its program.

go1.27.3 ran the scenario's source with probes (tests/realgo/test_strings.py) and the
figures are recorded in tests/oracle/strings.json (`substring_scenario`): HeapAlloc and
Mallocs above main's start after the steps it names. The simulator, playing the scenario
as `gomemtui run --json` does, must show the same, and the notes must quote them.
"""

from __future__ import annotations

import functools
import io
import json

from gomemtui.headless import run_json
from gomemtui.runtime.read.build import why_alive
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import find_scenario, load_program, load_scenario
from tests.oracle_data import load_oracle

MiB = 1 << 20
RECORDED = load_oracle("strings")["substring_scenario"]
PROBES = dict(zip(RECORDED["after_steps"], RECORDED["probes"]))
"""Scenario step → [HeapAlloc, Mallocs] real Go had above main's start after it."""


@functools.cache
def played() -> list[dict]:
    out = io.StringIO()
    run_json(Timeline(load_program("03-substring", env={})), out)
    return [json.loads(line) for line in out.getvalue().splitlines()][:-1]


def heap(step: int) -> tuple[int, int]:
    h = played()[step - 1]["heap"]
    return h["alloc_bytes"], h["mallocs"]


def test_reading_a_body_takes_two_large_objects() -> None:
    assert heap(3) == tuple(PROBES[3]) == (2 * MiB, 2)


def test_the_16_byte_substring_keeps_the_whole_body() -> None:
    assert heap(7)[0] == PROBES[7][0] == MiB
    assert played()[6]["vars"]["slowID"] == {"kind": "string", "len": 16, "array_bytes": MiB, "shared_with": []}


def test_the_clone_takes_16_bytes_in_one_malloc() -> None:
    (a10, m10), (a12, m12) = heap(10), heap(12)
    assert (a12 - a10, m12 - m10) == (PROBES[12][0] - PROBES[10][0], PROBES[12][1] - PROBES[10][1]) == (16, 1)


def test_only_the_clone_stays() -> None:
    """Go's last figure holds what fmt.Println left in its pool between the first GC and
    the second read (the bytes beyond the two MiB read): without it, the 16 bytes."""
    fmt_residue = PROBES[10][0] - PROBES[7][0] - 2 * MiB
    assert heap(17)[0] == PROBES[17][0] - fmt_residue == 16


def test_why_alive_shows_the_substring_holding_the_body() -> None:
    timeline = Timeline(load_program("03-substring", env={}))
    timeline.goto_step(6)  # after the first runtime.GC() (step 7)
    path = why_alive(timeline.runtime, "slowID")
    assert (path.root, path.path, path.retained_bytes) == ("global slowID", ("body.data",), MiB)
    assert "uses 16 of the 1,048,576 bytes of body.data (from byte 8)" in path.explanation


def test_the_notes_quote_real_gos_numbers() -> None:
    notes = {i: s.note for i, s in enumerate(load_scenario(find_scenario("03-substring")).steps, 1)}
    assert f"{PROBES[3][0]:,} bytes" in notes[2]
    assert f"{PROBES[7][0]:,} bytes" in notes[7]
    assert f"{PROBES[10][0]:,} bytes" in notes[9]
