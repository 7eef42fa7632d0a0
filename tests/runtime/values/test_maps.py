"""Swiss-table maps against map_memory.json (real Go 1.27.3).

Exact wherever real Go is deterministic: heap bytes (sum of alloc_size over the
layout), object counts, growth points without deletes, directory/table structure,
growth_left, tombstone_possible. Where the oracle itself shows seed-dependent values
(Go hashes with a random per-map seed, re-drawn on make, on deleting the last key and
on clear), the test checks the range the oracle documents and says why.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemtui.runtime.values.maps import CTRL_DELETED, CTRL_EMPTY, MapGrowth, SwissMap, group_layout
from gomemtui.runtime.memory.sizeclasses import alloc_size
from gomemtui.runtime.types import parse_type
from gomemtui.runtime.read.build import map_view
from tests.oracle_data import oracle_cases

INT = parse_type("int")
SEED = 7


def _types(map_type: str):
    key, value = map_type[len("map[") :].split("]", 1)
    return parse_type(key), parse_type(value)


def _step_cases() -> list[dict]:
    return [c for c in oracle_cases("map_memory") if "steps" in c]


def _heap(m: SwissMap) -> int:
    return sum(alloc_size(p.size, p.noscan) for p in m.layout())


def _play(case: dict, seed: int = SEED):
    """Yield (oracle step, model map) after applying each step to the model."""
    key, value = _types(case["map_type"])
    m = SwissMap(key, value, None if case["make_hint"] < 0 else case["make_hint"], seed)
    n = case["n"]
    for step in case["steps"]:
        name = step["step"]
        if name.startswith("insert"):
            m.insert(n)
        elif name.startswith("delete all"):
            m.delete_all()
        elif name.startswith("clear"):
            m.clear()
        elif name == "m = nil":
            m = None
        yield step, m


def _residual(case: dict) -> tuple[int, int]:
    """Heap bytes/objects the oracle still counts after `m = nil`: not the map's.

    (One case reads 16 B / 1 object there: an allocation of the test harness that
    landed after the baseline; it is present in every step of that case.)
    """
    last = case["steps"][-1]
    assert last["step"] == "m = nil"
    return last["heap_alloc_minus_baseline"], last["heap_objects_minus_baseline"]


def _ids(c: dict) -> str:
    return f"{c['map_type']}-n{c['n']}-hint{c['make_hint']}"


# -- heap bytes and objects: exact at every step ---------------------------------


@pytest.mark.parametrize("case", _step_cases(), ids=_ids)
def test_heap_bytes_and_objects_match_real_go_at_every_step(case: dict) -> None:
    res_bytes, res_objs = _residual(case)
    for step, m in _play(case):
        want = step["heap_alloc_minus_baseline"] - res_bytes
        if m is None:
            assert want == 0
            continue
        assert _heap(m) == want == m.heap_bytes(), step["step"]
        assert len(m.layout()) == step["heap_objects_minus_baseline"] - res_objs, step["step"]
        assert len(m) == step["len"]


# -- structure: exact where deterministic ------------------------------------------


@pytest.mark.parametrize("case", _step_cases(), ids=_ids)
def test_structure_matches_real_go_at_every_step(case: dict) -> None:
    for step, m in _play(case):
        it = step.get("internals")
        if m is None or it is None:
            continue
        name = step["step"]
        assert m.used == it["used"], name
        assert m.small == it["small_map_single_group"], name
        assert m.has_storage == it["has_storage"], name
        assert m.dir_len == it["dir_len"], name
        assert m.global_depth == it["global_depth"], name
        assert m.distinct_tables == it["distinct_tables"], name
        assert m.total_slots == it["total_slots"], name
        assert m.tombstone_possible == it["tombstone_possible"], name
        tables = it.get("tables")
        if not tables:
            continue
        got = m.tables_view()
        assert [t.capacity for t in got] == [t["capacity_slots"] for t in tables]
        assert [t.local_depth for t in got] == [t["local_depth"] for t in tables]
        for t, want in zip(got, tables):
            # Invariant Go's table.tombstones() relies on, in the model and the oracle.
            cap78 = t.capacity * 7 // 8
            assert t.used + t.tombstones + t.growth_left == cap78
            assert want["used"] + want["tombstones"] + want["growth_left"] == cap78


def test_one_table_numbers_exact_where_no_tombstones() -> None:
    """Without deletes a single table's used/growth_left are pure arithmetic (100 keys)."""
    for case in _step_cases():
        if case["n"] != 100:
            continue
        for step, m in _play(case):
            if m is None or step["step"] not in ("make", "insert N keys 0..N-1", "clear(m)", "insert N keys again after clear"):
                continue
            for t, want in zip(m.tables_view(), step["internals"].get("tables", [])):
                assert (t.used, t.growth_left, t.tombstones) == (want["used"], want["growth_left"], want["tombstones"])


def test_split_tables_share_keys_within_binomial_range() -> None:
    """Which of two split tables a key lands in is a hash bit: seed-dependent.

    The oracle's per-table `used` for 1000 keys ranges 477..523 across its runs; that is
    a Binomial(1000, 1/2) (sd ≈ 15.8). Model and oracle must both be within ±4 sd.
    """
    bound = 4 * math.sqrt(1000 * 0.25)
    oracle_used = [
        t["used"] for c in _step_cases() if c["n"] == 1000 and c["map_type"] == "map[int]int"
        for s in c["steps"] if s.get("internals", {}).get("tables") and s["len"] == 1000
        for t in s["internals"]["tables"]
    ]
    assert oracle_used and all(abs(u - 500) <= bound for u in oracle_used)
    for seed in range(5):
        m = SwissMap(INT, INT, None, seed)
        m.insert(1000)
        used = [t.used for t in m.tables_view()]
        assert sum(used) == 1000 and all(abs(u - 500) <= bound for u in used)


def _oracle_tombstones_after_delete_all(n: int) -> list[int]:
    return [
        t["tombstones"] for c in _step_cases() if c["n"] == n and c["map_type"] == "map[int]int"
        for s in c["steps"] if s["step"] == "delete all keys in a loop"
        for t in s["internals"].get("tables", [])
    ]


@pytest.mark.parametrize("n", [100, 1000])
def test_tombstones_after_deleting_all_keys(n: int) -> None:
    """Tombstones after delete-all are seed-dependent but structured.

    A deleted slot becomes a tombstone only if its group had no empty slot, and a group
    with a tombstone never gets an empty one back, so after deleting every key each
    group that was full left exactly 8 tombstones: the count is a multiple of 8 (the
    oracle's 40, 40, 72, 48 are). How many groups were full depends on the hash seed;
    the oracle's values must lie inside the model's range over seeds.
    """
    oracle = _oracle_tombstones_after_delete_all(n)
    assert oracle and all(x % 8 == 0 for x in oracle)
    seen = []
    for seed in range(40 if n == 100 else 15):
        m = SwissMap(INT, INT, None, seed)
        m.insert(n)
        before = m.heap_bytes()
        m.delete_all()
        assert m.heap_bytes() == before  # deleting frees nothing
        for t in m.tables_view():
            assert t.tombstones % 8 == 0
            assert t.ctrl.count("x") == t.tombstones and t.ctrl.count("F") == 0
            seen.append(t.tombstones)
    assert min(seen) <= min(oracle) and max(oracle) <= max(seen)


def test_reinsert_after_delete_all_reuses_tombstones_without_growing() -> None:
    """Oracle: 100/1000 new keys after delete-all fit (same heap); inserts reuse tombstones.

    (Oracle runs kept 5..44 tombstones per table; how many depends on the seed.)"""
    for n in (100, 1000):
        for seed in range(10):
            m = SwissMap(INT, INT, None, seed)
            m.insert(n)
            m.delete_all()
            before = (m.heap_bytes(), m.tombstones)
            events = m.insert(n)
            # Some seeds fill the 100-key table's growth_left and prune instead (no memory).
            assert all(e.cause == "pruneTombstones" for e in events)
            assert m.heap_bytes() == before[0]
            assert m.tombstones < before[1]
            assert m.tombstone_possible


# -- growth: exact without deletes, seed-dependent after the first split ------------


def _growth_trace_case() -> dict:
    return next(c for c in oracle_cases("map_memory") if "growth_trace" in c)


def _model_trace(n: int, seed: int) -> list[dict]:
    m = SwissMap(INT, INT, None, seed)
    trace, prev = [], None
    for i in range(1, n + 1):
        m.insert(1)
        state = (m.dir_len, m.global_depth, m.distinct_tables, m.total_slots, m.small)
        if state != prev:
            trace.append(dict(zip(
                ("len_after_insert", "dir_len", "global_depth", "distinct_tables", "total_slots", "small_map_single_group"),
                (i, *state),
            )))
            prev = state
    return trace


def test_growth_points_are_exact_up_to_the_first_split() -> None:
    """1 → small group, 9 → 16 slots, then doubling at 15, 29, 57, 113, 225, 449, split at 897.

    These follow from the 7/8 load factor alone (no hashing involved), so they are exact.
    """
    oracle = _growth_trace_case()["growth_trace"]
    model = _model_trace(897, SEED)
    assert model == oracle[: len(model)]
    assert model[-1]["len_after_insert"] == 897


def test_growth_events_name_the_go_function() -> None:
    m = SwissMap(INT, INT, None, SEED)
    causes = []
    for _ in range(897):
        causes += [(e.cause, e.len, e.old_slots, e.new_slots) for e in m.insert(1)]
    assert causes == [
        ("growToSmall", 0, 0, 8), ("growToTable", 8, 8, 16), ("grow", 14, 16, 32), ("grow", 28, 32, 64),
        ("grow", 56, 64, 128), ("grow", 112, 128, 256), ("grow", 224, 256, 512),
        ("grow", 448, 512, 1024), ("split", 896, 1024, 2048),
    ]


def test_splits_after_the_first_are_seed_dependent_within_documented_range() -> None:
    """After 897 each table splits when *it* fills, which depends on the hash seed.

    The oracle note says split timing varies run to run (facts.md records another real
    run: 3 tables at 1787 vs the oracle's 1770, 32 tables at ~15134 vs 14949). The
    allowed range follows from the hashing: a table of local depth d receives each key
    with probability p = 2^-d, so its load after n inserts is Binomial(n, p), and it
    splits when that load reaches 896. The insert count of a split therefore has a
    standard deviation of about sqrt(n·p·(1−p))/p; we allow 3 of them. Exact in any
    case: the directory size at each table count, 1024 slots per table, and the hard
    bound that k tables hold at most 896·k keys.
    """
    oracle = _growth_trace_case()["growth_trace"]
    model = _model_trace(oracle[-1]["len_after_insert"] * 112 // 100, SEED)
    by_tables: dict[int, dict] = {}
    for g in model:
        by_tables.setdefault(g["distinct_tables"], g)  # first insert with that many tables
    for want in oracle:
        if want["distinct_tables"] < 3:
            continue  # exact, see test_growth_points_are_exact_up_to_the_first_split
        got = by_tables[want["distinct_tables"]]
        assert got["dir_len"] == want["dir_len"] and got["global_depth"] == want["global_depth"]
        assert got["total_slots"] == want["total_slots"] == 1024 * want["distinct_tables"]
        n = want["len_after_insert"]
        p = 2.0 ** -(want["global_depth"] - 1)  # depth of the table that split
        sd = math.sqrt(n * p * (1 - p)) / p
        assert abs(got["len_after_insert"] - n) <= 3 * sd, (want, got, sd)
    for g in model:
        if g["distinct_tables"] >= 2:
            assert g["len_after_insert"] <= 896 * (g["distinct_tables"] - 1) + 1


def test_hint_presizes_exactly_like_newmap() -> None:
    """`NewMap`: hint*8/7 slots, directory of pow2(ceil(target/1024)) tables (facts.md c)."""
    for hint, tables, slots, dir_len in [(8, 0, 0, 0), (9, 1, 16, 1), (100, 1, 128, 1), (1000, 2, 1024, 2), (100000, 128, 1024, 128)]:
        m = SwissMap(INT, INT, hint, SEED)
        assert m.distinct_tables == tables and m.dir_len == dir_len
        assert all(t.capacity == slots for t in m.tables_view()) if tables else m.total_slots == 0
    # facts.md: 100000 keys = 2364592 B (128 × (18432 + 32) + directory 1152 + 48)
    m = SwissMap(INT, INT, 100000, SEED)
    assert m.heap_bytes() == 2364592


def test_100000_keys_delete_all_reinsert_grows_like_real_go() -> None:
    """facts.md c: 100000 keys, delete all, 100000 new keys: 128 → 132..140 tables, dir
    128 → 256, +75..223 KB across real runs (tombstones fill tables: seed-dependent)."""
    m = SwissMap(INT, INT, None, SEED)
    m.insert(100000)
    assert m.heap_bytes() == 2364592 and m.distinct_tables == 128
    m.delete_all()
    assert m.heap_bytes() == 2364592
    events = m.insert(100000)
    assert 132 <= m.distinct_tables <= 140 and m.dir_len == 256
    assert 75_000 <= m.heap_bytes() - 2364592 <= 223_000
    assert {e.cause for e in events} <= {"split", "pruneTombstones"} and any(e.cause == "split" for e in events)


# -- layout identities ------------------------------------------------------------


def test_layout_identities_stable_until_replaced() -> None:
    m = SwissMap(INT, INT, None, SEED)
    assert [p.identity for p in m.layout()] == [("header",)]
    m.insert(1)
    small = {p.identity for p in m.layout()}
    m.insert(7)
    assert {p.identity for p in m.layout()} == small  # same group
    m.insert(1)  # 9th: growToTable → the small group is garbage
    after = {p.identity: p for p in m.layout()}
    assert not (small - {("header",)}) & set(after)
    roles = sorted(p.role for p in after.values())
    assert roles == ["directory", "groups", "header", "table"]
    m.insert(5)  # 14 entries: still the same 16-slot table
    assert {p.identity for p in m.layout()} == set(after)
    m.insert(1)  # 15th: grow → new table struct and groups array, same directory
    grown = {p.identity for p in m.layout()}
    assert ("header",) in grown and next(i for i in grown if i[0] == "directory") in after
    assert not {i for i in after if i[0] in ("table", "groups")} & grown
    for p in m.layout():
        assert p.parent is None or p.parent in grown


def test_clear_keeps_every_part() -> None:
    m = SwissMap(INT, INT, None, SEED)
    m.insert(1000)
    before = m.layout()
    m.clear()
    assert m.layout() == before and len(m) == 0 and m.tombstones == 0


def test_indirect_values_are_own_objects_freed_on_delete_and_clear() -> None:
    key, value = INT, parse_type("[256]byte")
    assert group_layout(key, value)[:2] == (136, 16)  # slot holds 8-B key + 8-B pointer
    m = SwissMap(key, value, None, SEED)
    m.insert(3)
    values = [p for p in m.layout() if p.role == "value"]
    assert [p.identity for p in values] == [("value", 0), ("value", 1), ("value", 2)]
    assert all(p.size == 256 and p.noscan for p in values)
    m.delete(1)  # the oldest key
    assert [p.identity for p in m.layout() if p.role == "value"] == [("value", 1), ("value", 2)]
    m.insert(10)  # grows to a table: values keep their identity, parent is the new groups
    parents = {p.parent for p in m.layout() if p.role == "value"}
    assert len(parents) == 1 and next(iter(parents))[0] == "groups"
    m.clear()
    assert not [p for p in m.layout() if p.role == "value"]
    assert m.indirect_values


def test_group_layouts() -> None:
    assert group_layout(INT, INT)[0] == 136
    assert group_layout(parse_type("string"), parse_type("[64]byte"))[:3] == (648, 80, False)
    assert group_layout(parse_type("int8"), parse_type("int8"))[0] == 24
    assert group_layout(parse_type("int64"), parse_type("int8"))[0] == 8 + 8 * 16
    assert group_layout(parse_type("[200]byte"), INT)[3] is True  # indirect key


def test_same_seed_same_map_different_seed_different_placement() -> None:
    a, b, c = (SwissMap(INT, INT, None, s) for s in (1, 1, 2))
    for m in (a, b, c):
        m.insert(500)
    assert a.tables_view() == b.tables_view()
    assert a.tables_view() != c.tables_view()


def test_view_fields() -> None:
    m = SwissMap(INT, INT, 100, SEED)
    m.insert(100)
    v = map_view(m, "m", "main", m.heap_bytes())
    assert (v.len, v.bytes, v.small, v.dir_len, v.global_depth, v.group_bytes) == (100, 2392, False, 1, 0, 136)
    assert len(v.tables) == 1 and len(v.tables[0].ctrl) == 128 and v.tables[0].ctrl.count("F") == 100
    s = SwissMap(INT, INT, None, SEED)
    s.insert(3)
    sv = map_view(s, "s", None, s.heap_bytes())
    assert sv.small and sv.tables[0].capacity == 8 and sv.tables[0].ctrl.count("F") == 3


# -- properties -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["insert", "delete", "clear"]), st.integers(1, 300)), max_size=12),
    st.integers(0, 2**32),
    st.one_of(st.none(), st.integers(0, 3000)),
)
def test_invariants_hold_under_any_sequence(ops, seed: int, hint: int | None) -> None:
    m = SwissMap(INT, INT, hint, seed)
    max_bytes = m.heap_bytes()
    for op, n in ops:
        if op == "insert":
            m.insert(n)
        elif op == "delete":
            m.delete(min(n, len(m)))
        else:
            m.clear()
        b = m.heap_bytes()
        assert b >= max_bytes  # map[int]int memory never shrinks
        max_bytes = b
        assert len(m) == m.used == len(m.keys())
        total_used = 0
        for t, ctrl in zip(m.tables_view(), m.ctrl_arrays()):
            full = int(((ctrl & CTRL_EMPTY) == 0).sum())
            assert full == t.used and int((ctrl == CTRL_DELETED).sum()) == t.tombstones
            groups = ctrl.reshape(-1, 8)
            has_del = (groups == CTRL_DELETED).any(axis=1)
            has_empty = (groups == CTRL_EMPTY).any(axis=1)
            assert not (has_del & has_empty).any()  # tombstones only in groups without empties
            if not m.small:
                assert t.used + t.tombstones + t.growth_left == t.capacity * 7 // 8
            total_used += t.used
        assert total_used == len(m)
        assert all(m.contains(k) for k in m.keys())  # every key still reachable by probing
        if m.dir_len:
            assert m.dir_len == 1 << m.global_depth


def test_growth_records_are_frozen() -> None:
    m = SwissMap(INT, INT, None, SEED)
    ev = m.insert(9)
    assert all(isinstance(e, MapGrowth) for e in ev)
    with pytest.raises(AttributeError):
        ev[0].len = 3  # type: ignore[misc]
