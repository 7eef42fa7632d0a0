"""The totals at the top of the Goroutines, Maps and sync.Pool panels.

Each total is a sum of figures the panel already shows line by line (a goroutine's stack
size and retained bytes, a map's len, bytes and tombstones, a pool's counters), so it is
as checked against real Go as they are: `tests/realgo/test_goroutine_memory.py`,
`test_maps.py`, `test_sync_pool.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # annotations only: the UI imports this module before the core's views
    from gomemtui.runtime.read.views import GoroutineView, MapView, PoolView

GOROUTINE_STATES: tuple[str, ...] = ("running", "runnable", "blocked", "dead")
"""States in the order the totals name them."""


@dataclass(frozen=True)
class GoroutineTotals:
    """All goroutines listed, counted by state, with their stacks and retained heap."""

    count: int
    """Goroutines listed, exited ones included."""
    by_state: tuple[tuple[str, int], ...]
    """(state, goroutines) for the states present, in `GOROUTINE_STATES` order."""
    leaked: int
    """Blocked for ever (the panel marks each one LEAK)."""
    stack_bytes: int
    """Sum of their stack sizes (StackInuse's part for them; 0 for an exited one)."""
    retained_bytes: int
    """Sum of the heap bytes each one alone keeps alive. Bytes that two goroutines both
    reach are in neither's figure, so this can be less than what all of them hold."""


def goroutine_totals(goroutines: Iterable[GoroutineView]) -> GoroutineTotals:
    """The sums over a view's goroutines."""
    listed = tuple(goroutines)
    states = {state: sum(1 for g in listed if g.state == state) for state in GOROUTINE_STATES}
    others = sorted({g.state for g in listed} - set(GOROUTINE_STATES))
    for state in others:
        states[state] = sum(1 for g in listed if g.state == state)
    return GoroutineTotals(
        count=len(listed),
        by_state=tuple((state, n) for state, n in states.items() if n),
        leaked=sum(1 for g in listed if g.leaked),
        stack_bytes=sum(g.stack_size for g in listed),
        retained_bytes=sum(g.retained_bytes for g in listed),
    )


@dataclass(frozen=True)
class MapTotals:
    """All maps: how many, their entries, memory, tables, groups and tombstones."""

    count: int
    len: int
    bytes: int
    tables: int
    groups: int
    tombstones: int


def map_totals(maps: Iterable[MapView]) -> MapTotals:
    """The sums over a view's maps."""
    listed = tuple(maps)
    return MapTotals(
        count=len(listed),
        len=sum(m.len for m in listed),
        bytes=sum(m.bytes for m in listed),
        tables=sum(m.table_count for m in listed),
        groups=sum(m.groups for m in listed),
        tombstones=sum(m.tombstones for m in listed),
    )


@dataclass(frozen=True)
class PoolTotals:
    """All sync.Pools: objects cached (primary and victim), counters and own memory."""

    count: int
    cached: int
    local: int
    victim: int
    hits: int
    misses: int
    news: int
    bytes: int


def pool_totals(pools: Iterable[PoolView]) -> PoolTotals:
    """The sums over a view's pools."""
    listed = tuple(pools)
    return PoolTotals(
        count=len(listed),
        cached=sum(p.cached for p in listed),
        local=sum(p.local_cached for p in listed),
        victim=sum(p.victim_cached for p in listed),
        hits=sum(p.hits for p in listed),
        misses=sum(p.misses for p in listed),
        news=sum(p.news for p in listed),
        bytes=sum(p.bytes for p in listed),
    )
