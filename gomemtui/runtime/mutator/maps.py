"""Maps: `make(map[K]V, hint)`, inserts (with growth), deletes and `clear`.

Keys come two ways: `count` new keys no step names (a loop inserting or deleting many),
or one key a step names (`m["alice"] = p`, `delete(m, "alice")`), which can be deleted,
inserted again and given a new value. A value may point at a program object
(`value`): the pointer lives in the key's slot of the map's groups, so the object stays
reachable through the map until the key is deleted, its value replaced or the map
cleared or dropped, and it moves with its entry when a table grows or splits.
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.mutator.parts import alloc_parts, drop_parts
from gomemtui.runtime.values.maps import MapGrowth, SwissMap
from gomemtui.runtime.values.variables import NIL, MapRecord, Var

GROUP_ROLES = ("group", "groups")
"""The parts whose slots hold the entries: a small map's group, a table's groups array."""


def make_map(m: Mutator, op: ops.MakeMap) -> None:
    """`make(map[K]V, hint)` (`runtime.makemap`): the Swiss-table map and its first parts."""
    owner = m.owner(op.g)
    model = SwissMap(op.key, op.value, op.hint, seed=len(m.state.maps) + 1)
    rec = MapRecord(m.state.new_id(), op.var, model)
    m.state.maps[rec.id] = rec
    m.bind(Var(op.var, "map", owner, op.value, map_id=rec.id, key_type=op.key))
    hint = "" if op.hint is None else f", {op.hint}"
    m.emit("alloc", f"make(map[{op.key.name}]{op.value.name}{hint}): Swiss-table map",
           var=op.var, bytes=0, size=0, size_class=0, span_class=0, noscan=False, tiny=False,
           large=False, stack=False)
    sync_map(m, rec)


def sync_map(m: Mutator, rec: MapRecord, inserted: Sequence[int] | None = None, moved: int = 0) -> None:
    """Allocate the map's new parts; parts it no longer has become garbage.

    New parts are allocated in the order the runtime creates them, while the parts
    they replace are still referenced (`table.grow` and `table.split` build the new
    tables before `replaceTable` / `installTableSplit` drop the old one), then the
    old parts are dropped. After an insert step (`inserted`: the keys it put in),
    only the structure is diffed; the `moved` entries the step's growth rehashed
    into the new tables take their time, then the indirect keys/values of the
    inserted keys follow, and each of their allocations may start a cycle.
    """
    model = rec.model
    name = lambda part: f"{rec.name}.{part.role}"  # noqa: E731
    born, died = model.take_structure_changes()
    if inserted is None:
        before = set(rec.parts)
        keep = alloc_parts(m, rec.parts, model.layout(), name)
        drop_parts(rec.parts, keep)
        _give_elem_slots(m, rec, [i for i in rec.parts if i not in before])
        return
    # Only what changed since the last sync: `born` are the parts of the layout that
    # have no object yet, in layout order, `died` those that left it.
    alloc_parts(m, rec.parts, born, name)
    # uncheckedPutSlot copied each moved entry's value, pointers included, into its new slot.
    _give_elem_slots(m, rec, [p.identity for p in born])
    # A cycle started by the new tables' allocation still finds the old ones: the
    # write barrier of replaceTable/installTableSplit shades the pointers they drop.
    m.collector.check_trigger()
    # internal/runtime/maps (*table).grow / (*table).split / (*Map).growToTable:
    # between allocating the new table(s) and installing them, every entry of the
    # old one is hashed again and put into its new table (uncheckedPutSlot).
    m.advance(moved * clock.MAP_MOVE_NS)
    for identity in died:  # drop_parts, sparing the keys and values: nothing points to them now
        rec.parts.pop(identity, None)
    parts = model.value_parts(inserted)  # Map.PutSlot: newobject for the key, then the elem
    if not parts:
        return
    if model.indirect_keys and model.indirect_values:
        for i in range(0, len(parts), 2):  # each key's pair, then the trigger test
            alloc_parts(m, rec.parts, parts[i : i + 2], name)
            m.collector.check_trigger()
        return
    # One object per key, all of one size: in runs up to the trigger, as _new_many does.
    size, noscan, label = parts[0].size, parts[0].noscan, f"{rec.name}.{parts[0].role}"
    done = 0
    while done < len(parts):
        chunk = m.chunk_before_trigger(len(parts) - done, size, noscan)
        oids = m.alloc_many(chunk, size, noscan)
        for part, oid in zip(parts[done : done + chunk], oids.tolist()):
            m.slots.name_internal(oid, label)
            rec.parts[part.identity] = oid
        done += chunk
        m.collector.check_trigger()


def map_events(m: Mutator, rec: MapRecord, changes: list[MapGrowth]) -> None:
    """One event per structural change an insert made (growth to a table, table grow, split)."""
    for change in changes:
        m.emit(change.kind, change.text, var=rec.name, cause=change.cause, len=change.len,
               old_slots=change.old_slots, new_slots=change.new_slots, tables=change.tables,
               dir_len=change.dir_len)


# -- values that point at objects: pointer slots in the map's groups ---------------------


def _holds_elems(rec: MapRecord) -> bool:
    """Whether values point at objects and live in the group slots (not indirect)."""
    return rec.model.has_elems and not rec.model.indirect_values


def _give_elem_slots(m: Mutator, rec: MapRecord, identities: list[tuple]) -> None:
    """New group parts of a map whose values point at objects get one pointer slot per
    map slot, holding the value of the entry there (copied in by `uncheckedPutSlot`)."""
    if not _holds_elems(rec):
        return
    model = rec.model
    for identity in identities:
        if identity[0] not in GROUP_ROLES:
            continue
        oid = rec.parts[identity]
        if m.slots.slot_count(oid) == 0:
            m.slots.add_slots(oid, model.part_slots(identity))
        slots, keys = model.part_keys(identity)
        targets = model.elems(keys)
        pointed = targets >= 0
        if pointed.any():
            m.slots.set_many(oid, slots[pointed], targets[pointed])


def _write_elems(m: Mutator, rec: MapRecord, keys: np.ndarray, targets: np.ndarray) -> list[int]:
    """Store the values of present `keys` in their slots; returns the group objects written."""
    model = rec.model
    rows, slots = model.slots_of(keys)
    written = []
    for row in np.unique(rows).tolist():
        oid = rec.parts[model.row_identity(row)]
        here = rows == row
        m.slots.set_many(oid, slots[here], targets[here])
        written.append(oid)
    return written


def _store_values(m: Mutator, rec: MapRecord, keys: np.ndarray, value: str | None) -> tuple[int, list[int]]:
    """The values of `keys` now point at `value`'s object (None: at nothing): the slot
    writes, with the write barrier while marking (`typedmemmove` → `bulkBarrierPreWrite`
    shades the old and the new pointer). Returns (the object, the old ones replaced)."""
    model = rec.model
    target = NIL if value is None else m.state.vars[value].oid
    if target == NIL and not model.has_elems:
        return NIL, []  # values that point at nothing, in a map that never held a pointer
    first = not model.has_elems
    old = model.set_elems(keys, target)
    if model.indirect_values:
        return target, []
    if first:  # the first pointer: every group part gets its slots
        _give_elem_slots(m, rec, [i for i in rec.parts if i[0] in GROUP_ROLES])
    holders = _write_elems(m, rec, keys, np.full(len(keys), target, dtype=np.int64))
    replaced = sorted({int(o) for o in old.tolist() if o != NIL})
    if m.collector.write_barrier_on() and (replaced or target != NIL):
        for old_target in replaced or [NIL]:
            m.collector.write_barrier(holders[0], old_target, target)
    return target, replaced


def _clear_values(m: Mutator, rec: MapRecord, keys: np.ndarray) -> None:
    """`typedmemclr` of deleted or cleared values (still in their slots): nil pointers,
    the old ones shaded by the write barrier while marking."""
    if not _holds_elems(rec) or not len(keys):
        return
    old = rec.model.elems(keys)
    pointed = old >= 0
    if not pointed.any():
        return
    keys = keys[pointed]
    holders = _write_elems(m, rec, keys, np.full(len(keys), NIL, dtype=np.int64))
    if m.collector.write_barrier_on():
        for old_target in sorted(set(old[pointed].tolist())):
            m.collector.write_barrier(holders[0], int(old_target), NIL)


# -- the operations ------------------------------------------------------------------------


def map_insert(m: Mutator, op: ops.MapInsert) -> None:
    """`m[k] = v` for op.count new keys, one growth at a time, or for the one key op.key.

    Each step starts with the key that grows the map (`Map.growToSmall`,
    `Map.growToTable`, `table.grow`, `table.split`): its new memory is allocated
    then, and what it replaced is garbage from then on, so the intermediate tables
    of a big insert count in HeapAlloc and TotalAlloc until the next sweep frees
    them, and their bytes bring the next cycle closer, as in real Go.
    """
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    if op.key is not None:
        insert_key(m, rec, op)
        return
    saved = m.resumed()
    done = 0 if saved is None else saved[1]
    while done < op.count:
        keys, changes = rec.model.insert_step(op.count - done)
        map_events(m, rec, changes)
        sync_map(m, rec, keys, moved=sum(change.moved for change in changes))
        if op.value is not None:
            _store_values(m, rec, np.arange(keys.start, keys.stop, dtype=np.int64), op.value)
        m.advance(len(keys) * clock.MAP_INSERT_NS)
        done += len(keys)
        m.pause_point(("map_insert", done, op.count))
    if op.value is not None:
        m.emit("map_insert", f"{op.count} new key(s) in {op.var}, each value pointing at {op.value}: "
               f"{op.value} stays reachable through {op.var}'s groups", var=op.var, key=None,
               value=op.value, new=op.count, len=len(rec.model))


def key_text(key: object) -> str:
    """A key as Go writes it in an index expression: `"alice"`, `42` (a string quoted
    with its control characters escaped, as `strconv.Quote` does)."""
    if isinstance(key, str):
        return json.dumps(key, ensure_ascii=False)
    return str(key)


def insert_key(m: Mutator, rec: MapRecord, op: ops.MapInsert) -> None:
    """`m[k] = v` for one key the step names (`runtime.mapassign` → `Map.PutSlot`)."""
    model = rec.model
    assert op.key is not None
    key = model.key_id(op.key)
    new, changes = model.insert_key(key)
    map_events(m, rec, changes)
    if new:
        sync_map(m, rec, [key], moved=sum(change.moved for change in changes))
    target, replaced = _store_values(m, rec, np.array([key], dtype=np.int64), op.value)
    table, group, slot = model.where(key)
    value = "nil" if op.value is None else op.value
    where = f"slot {slot} of group {group}" + ("" if model.small else f" of table {table}")
    go = f"{op.var}[{key_text(op.key)}] = {value if op.value is not None else 'v'}"
    if new:
        reused = model.last_put[2]
        text = (f"{go}: a new key in {where}"
                + (", reusing a tombstone (no growth used)" if reused else "")
                + f"; len {len(model)}")
    else:
        reused = False
        text = f"{go}: the key is in the map ({where}): its value is replaced, no new slot"
    if replaced:
        text += f"; {', '.join(m.name_of(o) for o in replaced)} is no longer reachable through {op.var}"
    if target != NIL:
        text += f"; {m.name_of(target)} is reachable through {op.var}'s groups"
    m.emit("map_insert", text, var=op.var, key=op.key, value=op.value, new=int(new), len=len(model),
           table=table, group=group, slot=slot, reused_tombstone=reused)
    m.advance(clock.MAP_INSERT_NS)


def map_delete(m: Mutator, op: ops.MapDelete) -> None:
    """`delete(m, k)` for `count` keys, oldest first, every key, or the key op.key: slots
    emptied or tombstoned, no memory freed."""
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    model = rec.model
    if op.key is not None:
        delete_key(m, rec, op)
        return
    before = len(model)
    victims = model.oldest(before if op.all else op.count) if _holds_elems(rec) else None
    if victims is not None:
        _clear_values(m, rec, victims)
    if op.all:
        model.delete_all()
    else:
        model.delete(op.count)
    sync_map(m, rec)
    gone = before - len(model)
    m.emit("map_delete", f"deleted {gone} key(s) from {op.var}: slots emptied or tombstoned, "
           "no memory released (maps never shrink)", var=op.var, deleted=gone, len=len(model))
    m.advance(gone * clock.MAP_DELETE_NS)


def delete_key(m: Mutator, rec: MapRecord, op: ops.MapDelete) -> None:
    """`delete(m, k)` for one key (`runtime.mapdelete` → `Map.Delete` → `table.Delete`)."""
    model = rec.model
    assert op.key is not None
    go = f"delete({op.var}, {key_text(op.key)})"
    key = model.named(op.key)
    if key is None or not model.has(key):
        m.emit("map_delete", f"{go}: the key is not in the map: nothing changes", var=op.var,
               key=op.key, deleted=0, len=len(model), tombstone=False)
        m.advance(clock.MAP_DELETE_NS)
        return
    table, group, slot = model.where(key)
    old = int(model.elems(np.array([key]))[0])
    _clear_values(m, rec, np.array([key], dtype=np.int64))
    small = model.small
    _, tombstone = model.delete_key(key)
    for role in ("key", "value"):  # indirect ones: the slot's pointer is cleared, the object is garbage
        rec.parts.pop((role, key), None)
    where = f"slot {slot} of group {group}" + ("" if small else f" of table {table}")
    if tombstone:
        how = f"its group was full, so {where} becomes a tombstone (it still counts against growth)"
    else:
        how = f"{where} is empty again" + ("" if small else " (its group had an empty slot)")
    text = f"{go}: {how}; len {len(model)}, no memory released"
    if old != NIL:
        text += f"; {m.name_of(old)} is no longer reachable through {op.var}"
    m.emit("map_delete", text, var=op.var, key=op.key, deleted=1, len=len(model), tombstone=tombstone)
    m.advance(clock.MAP_DELETE_NS)


def map_clear(m: Mutator, op: ops.MapClear) -> None:
    """`clear(m)` (`maps.(*Map).Clear`): every entry gone, every table and the directory kept."""
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    before = len(rec.model)
    if _holds_elems(rec):
        _clear_values(m, rec, rec.model.pointed_keys())
    rec.model.clear()
    sync_map(m, rec)
    m.emit("map_clear", f"clear({op.var}): {before} entries gone, tombstones reset, every table "
           "and the directory kept — memory unchanged", var=op.var, deleted=before)

