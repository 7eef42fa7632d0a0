"""Maps: `make(map[K]V, hint)`, inserts (with growth), deletes and `clear`."""

from __future__ import annotations

from gomemtui.runtime import clock
from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator.mutator import Mutator
from gomemtui.runtime.mutator.parts import alloc_parts, drop_parts
from gomemtui.runtime.values.maps import MapGrowth, MapPart, SwissMap
from gomemtui.runtime.values.variables import MapRecord, Var


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


def sync_map(m: Mutator, rec: MapRecord, inserted: range | None = None, moved: int = 0) -> None:
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
        keep = alloc_parts(m, rec.parts, model.layout(), name)
        drop_parts(rec.parts, keep)
        return
    # Only what changed since the last sync: `born` are the parts of the layout that
    # have no object yet, in layout order, `died` those that left it.
    alloc_parts(m, rec.parts, born, name)
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


def map_events(m: Mutator, rec: MapRecord, changes) -> None:
    """One event per structural change an insert made (growth to a table, table grow, split)."""
    for change in changes:
        m.emit(change.kind, change.text, var=rec.name, cause=change.cause, len=change.len,
               old_slots=change.old_slots, new_slots=change.new_slots, tables=change.tables,
               dir_len=change.dir_len)


def map_insert(m: Mutator, op: ops.MapInsert) -> None:
    """`m[k] = v` for op.count new keys, one growth at a time.

    Each step starts with the key that grows the map (`Map.growToSmall`,
    `Map.growToTable`, `table.grow`, `table.split`): its new memory is allocated
    then, and what it replaced is garbage from then on, so the intermediate tables
    of a big insert count in HeapAlloc and TotalAlloc until the next sweep frees
    them, and their bytes bring the next cycle closer, as in real Go.
    """
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    saved = m.resumed()
    done = 0 if saved is None else saved[1]
    while done < op.count:
        keys, changes = rec.model.insert_step(op.count - done)
        map_events(m, rec, changes)
        sync_map(m, rec, keys, moved=sum(change.moved for change in changes))
        m.advance(len(keys) * clock.MAP_INSERT_NS)
        done += len(keys)
        m.pause_point(("map_insert", done, op.count))


def map_delete(m: Mutator, op: ops.MapDelete) -> None:
    """`delete(m, k)` for `count` keys, oldest first, or every key: slots emptied or tombstoned, no memory freed."""
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    before = len(rec.model)
    if op.all:
        rec.model.delete_all()
    else:
        rec.model.delete(op.count)
    sync_map(m, rec)
    gone = before - len(rec.model)
    m.emit("map_delete", f"deleted {gone} key(s) from {op.var}: slots emptied or tombstoned, "
           "no memory released (maps never shrink)", var=op.var, deleted=gone, len=len(rec.model))
    m.advance(gone * clock.MAP_DELETE_NS)


def map_clear(m: Mutator, op: ops.MapClear) -> None:
    """`clear(m)` (`maps.(*Map).Clear`): every entry gone, every table and the directory kept."""
    m.owner(op.g)
    rec = m.state.maps[m.state.vars[op.var].map_ref]
    before = len(rec.model)
    rec.model.clear()
    sync_map(m, rec)
    m.emit("map_clear", f"clear({op.var}): {before} entries gone, tombstones reset, every table "
           "and the directory kept — memory unchanged", var=op.var, deleted=before)
