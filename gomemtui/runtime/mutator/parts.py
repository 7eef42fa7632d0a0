"""Heap parts of maps and pools: allocated when their layout gains them, dropped when it loses them.

A Swiss map (`values.maps`) and a sync.Pool (`values.pool`) describe what they hold on
the heap as a layout of parts (`MapPart`, `PoolPart`), each with a stable identity; the
mutator keeps one heap object per identity and diffs layouts with these two helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from gomemtui.runtime.mutator.mutator import Mutator


def alloc_parts(m: Mutator, objects: dict, layout: list, name: Callable[[Any], str], *, rename: bool = False,
                 describe: tuple[str, Callable[[Any], str]] | None = None) -> set[tuple]:
    """Allocate, in layout order, each part (a `MapPart` or `PoolPart`) that has no heap
    object in `objects` yet, and record it there; name new objects (all, with `rename`).
    `describe` is (var, what the part is) for an `alloc` event of each new part.
    Returns the layout's identities."""
    for part in layout:
        oid = objects.get(part.identity)
        if oid is None:
            if describe is not None:
                var, what = describe
                m.describe_alloc(var, part.size, part.noscan, what(part))
            oid = objects[part.identity] = m.alloc(part.size, part.noscan)
        elif not rename:
            continue
        m.slots.name_internal(oid, name(part))
    return {part.identity for part in layout}


def drop_parts(objects: dict, keep: set[tuple], spared: tuple[str, ...] = ()) -> None:
    """Forget the objects of parts no longer in the layout (`keep`), except those whose
    identity starts with one of `spared`: nothing points to them now, they are garbage."""
    for key in [k for k in objects if k not in keep and k[0] not in spared]:
        del objects[key]
