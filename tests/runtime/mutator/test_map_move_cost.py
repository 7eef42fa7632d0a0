"""Map growth takes the time of the entries it moves (no Go needed).

`Map.growToTable`, `(*table).grow` and `(*table).split` (internal/runtime/maps) hash
every entry of what they replace again and put it into the new table(s) with
`uncheckedPutSlot`; the insert that grows the map pays for that, `clock.MAP_MOVE_NS`
an entry, on top of its own insert and the new tables' allocation. Tombstones are not
moved. Without this, a split wave ran the mutator at ~8 GB/s of allocation and the
pacer measured a negative cons/mark (assists took more than 75 % of every mark phase).
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import clock

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.values.maps import MAP_GROUP_SLOTS, MAX_AVG_GROUP_LOAD, MAX_TABLE_CAPACITY, SwissMap
from gomemtui.runtime.types import parse_type

INT = parse_type("int")
FULL_TABLE = MAX_TABLE_CAPACITY * MAX_AVG_GROUP_LOAD // MAP_GROUP_SLOTS
"""896 keys fill a 1024-slot table; the 897th splits it."""


def test_every_growth_reports_the_entries_it_moved() -> None:
    m = SwissMap(INT, INT, None, seed=1)
    events = m.insert(FULL_TABLE + 1)
    moved = [(e.cause, e.len, e.moved) for e in events]
    # growToSmall moves nothing; growToTable the 8 small entries; each grow the full
    # table (16 slots hold 14, 32 hold 28, ...); the split the 896 of the full 1024.
    assert moved == [
        ("growToSmall", 0, 0), ("growToTable", 8, 8), ("grow", 14, 14), ("grow", 28, 28), ("grow", 56, 56),
        ("grow", 112, 112), ("grow", 224, 224), ("grow", 448, 448), ("split", FULL_TABLE, FULL_TABLE),
    ]


def test_grow_after_deletes_moves_only_present_entries() -> None:
    m = SwissMap(INT, INT, None, seed=3)
    m.insert(14)  # a full 16-slot table
    m.delete(5)
    events = []
    while not events:
        events = [e for e in m.insert(1) if e.cause in ("grow", "pruneTombstones")]
    grow = [e for e in events if e.cause == "grow"]
    if grow:  # tombstones stay behind: only the entries present are rehashed
        assert grow[0].moved == grow[0].len
    assert all(e.moved == 0 for e in events if e.cause == "pruneTombstones")


@pytest.mark.parametrize("before, moved", [(8, 8), (448, 448), (FULL_TABLE, FULL_TABLE)])
def test_the_growing_insert_pays_per_moved_entry(monkeypatch: pytest.MonkeyPatch, before: int, moved: int) -> None:
    def elapsed() -> int:
        r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
        r.apply(ops.MakeMap("m", INT, INT))
        r.apply(ops.MapInsert("m", before))
        t0 = r.time_ns
        r.apply(ops.MapInsert("m", 1))  # growToTable / grow 512 → 1024 / split
        return r.time_ns - t0

    per_entry = clock.MAP_MOVE_NS
    with_moves = elapsed()
    monkeypatch.setattr(clock, "MAP_MOVE_NS", 0)
    assert with_moves - elapsed() == moved * per_entry


def test_an_insert_that_does_not_grow_pays_no_move() -> None:
    r = Runtime(ops.RuntimeSettings(gogc=None, gomaxprocs=1))
    r.apply(ops.MakeMap("m", INT, INT))
    r.apply(ops.MapInsert("m", 20))  # a 32-slot table, room up to 28
    t0 = r.time_ns
    r.apply(ops.MapInsert("m", 8))
    assert r.time_ns - t0 == 8 * clock.MAP_INSERT_NS
