"""Keys a scenario names in the Swiss-table model: delete any key, insert it again, values
that point at objects — slot by slot as `internal/runtime/maps` does it."""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gomemtui.runtime.types import parse_type
from gomemtui.runtime.values.maps import CTRL_DELETED, CTRL_EMPTY, MAP_GROUP_SLOTS, SwissMap

INT = parse_type("int")


def _ctrl(m: SwissMap, key: int) -> str:
    """The control character ('F', '.', 'x') of a present key's slot, and its group's."""
    table, group, slot = m.where(key)
    view = m.tables_view()[table].ctrl
    return view[group * MAP_GROUP_SLOTS + slot]


def _group(m: SwissMap, key: int) -> str:
    table, group, _ = m.where(key)
    return m.tables_view()[table].ctrl[group * MAP_GROUP_SLOTS:(group + 1) * MAP_GROUP_SLOTS]


def test_a_small_map_deletes_to_an_empty_slot_and_reinserts_there() -> None:
    """`deleteSmall` empties the slot (no tombstones in a small map); `putSlotSmall` takes
    the first empty slot, which is the one just emptied."""
    m = SwissMap(INT, INT, None, seed=4)
    keys = [m.key_id(f"k{i}") for i in range(8)]
    assert all(m.insert_key(k)[0] for k in keys)
    assert m.small and m.tables_view()[0].ctrl == "FFFFFFFF"
    assert m.delete_key(keys[3]) == (True, False)
    assert m.tables_view()[0].ctrl == "FFF.FFFF" and len(m) == 7
    assert m.insert_key(keys[3]) == (True, [])
    assert m.where(keys[3]) == (0, 0, 3) and m.small


def test_the_first_insert_of_a_named_key_allocates_the_small_group() -> None:
    m = SwissMap(INT, INT, None, seed=4)
    new, growth = m.insert_key(m.key_id("only"))
    assert new and [g.cause for g in growth] == ["growToSmall"]


def test_a_present_key_gets_a_new_value_without_a_slot() -> None:
    m = SwissMap(INT, INT, None, seed=4)
    k = m.key_id("a")
    m.insert_key(k)
    where = m.where(k)
    assert m.insert_key(k) == (False, [])
    assert m.where(k) == where and len(m) == 1


def test_deleting_from_a_full_group_leaves_a_tombstone_the_same_key_reuses() -> None:
    """`table.Delete`: a full group gets a tombstone (growth left unchanged); inserting
    the same key again probes from the same hash and takes it back (`PutSlot` reuses the
    first tombstone of the probe sequence: no growth spent)."""
    m = SwissMap(INT, INT, None, seed=11)
    keys = [m.key_id(i) for i in range(800)]
    for k in keys:
        m.insert_key(k)
    in_full = next(k for k in keys if "." not in _group(m, k))
    in_open = next(k for k in keys if "." in _group(m, k))
    table = m.tables_view()[0]
    where = m.where(in_full)
    assert m.delete_key(in_full) == (True, True)
    after = m.tables_view()[0]
    assert after.ctrl[where[1] * 8 + where[2]] == "x"
    assert (after.tombstones, after.growth_left) == (table.tombstones + 1, table.growth_left)
    assert m.insert_key(in_full) == (True, [])
    assert m.where(in_full) == where and m.last_put[2]  # reused its tombstone
    assert (m.tables_view()[0].tombstones, m.tables_view()[0].growth_left) == (table.tombstones, table.growth_left)
    assert m.delete_key(in_open) == (True, False)  # its group had an empty slot: empty again
    assert m.tables_view()[0].growth_left == table.growth_left + 1


def test_deleting_a_key_not_in_the_map_changes_nothing() -> None:
    m = SwissMap(INT, INT, None, seed=2)
    k = m.key_id("a")
    m.insert_key(k)
    before = (m.tables_view(), m.hash_seed, len(m))
    assert m.delete_key(m.key_id("never inserted")) == (False, False)
    assert (m.tables_view(), m.hash_seed, len(m)) == before
    assert m.delete_key(k) == (True, False)
    seed = m.hash_seed
    assert m.delete_key(k) == (False, False)
    assert m.hash_seed == seed and len(m) == 0  # an empty map: Map.Delete returns at once


def test_deleting_the_last_key_gives_a_new_seed_so_the_key_probes_elsewhere() -> None:
    """`Map.Delete`: when `used` drops to 0 the map draws a new hash seed."""
    m = SwissMap(INT, INT, None, seed=6)
    k = m.key_id("a")
    m.insert_key(k)
    h = m.hash(k)
    m.delete_key(k)
    assert m.hash(k) != h


def test_count_deletes_the_keys_inserted_longest_ago_named_or_not() -> None:
    m = SwissMap(INT, INT, None, seed=6)
    a, b = m.key_id("a"), m.key_id("b")
    m.insert_key(a)
    m.insert(2)  # two keys by count
    m.insert_key(b)
    m.delete_key(a)
    m.insert_key(a)  # now the newest
    order = m.keys()
    assert order[-1] == a and order[-2] == b and len(order) == 4
    m.delete(3)
    assert m.keys() == [a]


def test_values_point_at_objects_until_deleted_or_cleared() -> None:
    m = SwissMap(INT, parse_type("pointer"), None, seed=1)
    keys = np.array([m.key_id(i) for i in range(5)], dtype=np.int64)
    for k in keys.tolist():
        m.insert_key(k)
    assert not m.has_elems
    assert m.set_elems(keys[:3], 42).tolist() == [-1, -1, -1]
    assert m.pointed_keys().tolist() == keys[:3].tolist()
    m.delete_key(int(keys[0]))
    assert m.pointed_keys().tolist() == keys[1:3].tolist()
    m.insert_key(int(keys[0]))  # inserted again: its value points at nothing until set
    assert m.elems(keys[:1]).tolist() == [-1]
    m.clear()
    assert m.pointed_keys().tolist() == []


def test_the_slots_of_a_group_part_hold_its_keys() -> None:
    m = SwissMap(INT, INT, None, seed=3)
    keys = [m.key_id(i) for i in range(20)]
    for k in keys:
        m.insert_key(k)
    (identity,) = {m.row_identity(r) for r in m.slots_of(np.array(keys))[0].tolist()}
    slots, held = m.part_keys(identity)
    assert sorted(held.tolist()) == keys and m.part_slots(identity) == 32
    rows, where = m.slots_of(held)
    assert where.tolist() == slots.tolist()


def test_a_checkpoint_copy_keeps_named_keys_and_values_apart() -> None:
    m = SwissMap(INT, INT, None, seed=9)
    for i in range(30):
        m.insert_key(m.key_id(f"k{i}"))
    m.set_elems(np.array([m.key_id("k1")]), 7)
    saved = copy.deepcopy(m)
    m.delete_key(m.key_id("k1"))
    m.insert_key(m.key_id("new"))
    assert saved.has(saved.key_id("k1")) and saved.named("new") is None
    assert saved.elems(np.array([saved.key_id("k1")])).tolist() == [7]
    saved.delete_key(saved.key_id("k1"))
    saved.insert_key(saved.key_id("new"))
    assert saved.tables_view() == m.tables_view() and saved.keys() == m.keys()


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 40)),
        st.tuples(st.just("del"), st.integers(0, 40)),
        st.tuples(st.just("insert"), st.integers(1, 60)),
        st.tuples(st.just("delete"), st.integers(1, 60)),
        st.tuples(st.just("clear"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(OPS, st.integers(0, 2**32))
def test_any_mix_of_named_and_counted_keys_keeps_the_tables_consistent(ops: list, seed: int) -> None:
    """Against a plain model of insertion order: the same keys, in the same order; every
    present key found by probing from its hash (tombstones kept where a probe sequence
    needs them); tombstones only in groups with no empty slot; the counters add up."""
    m = SwissMap(INT, INT, None, seed)
    order: list[int] = []  # present keys, oldest insertion first
    for op, n in ops:
        if op == "put":
            k = m.key_id(n)
            new, _ = m.insert_key(k)
            assert new == (k not in order)
            if new:
                order.append(k)
        elif op == "del":
            k = m.named(n)
            present, _ = m.delete_key(k) if k is not None else (False, False)
            assert present == (k in order)
            if present:
                order.remove(k)
        elif op == "insert":
            first = m.keys()
            m.insert(n)
            order += [k for k in m.keys() if k not in first]
        elif op == "delete":
            n = min(n, len(order))
            m.delete(n)
            order = order[n:]
        else:
            m.clear()
            order = []
        assert m.keys() == order and len(m) == len(order)
        assert all(m.contains(k) for k in order)
        for t, ctrl in zip(m.tables_view(), m.ctrl_arrays()):
            groups = ctrl.reshape(-1, 8)
            assert not ((groups == CTRL_DELETED).any(axis=1) & (groups == CTRL_EMPTY).any(axis=1)).any()
            if not m.small:
                assert t.used + t.tombstones + t.growth_left == t.capacity * 7 // 8
