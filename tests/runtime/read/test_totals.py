"""The panels' totals, from small scenarios, against sums worked out by hand.

Each expected figure comes from the scenario and Go's rules: 2 KiB starting stacks
(`stackMin`), a 1 MiB or 64 KiB buffer that is a large object of whole pages, 36,992 bytes
for a map[int]int of 1000 keys in two 1024-slot tables (tests/oracle/map_memory.json),
one 128-byte poolLocal per P for a sync.Pool (`poolLocal` is padded to 128 bytes).
"""

from __future__ import annotations

from pathlib import Path

from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.read.totals import GoroutineTotals, MapTotals, PoolTotals, goroutine_totals, map_totals, pool_totals
from gomemtui.runtime.read.views import RuntimeView
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import compile_scenario, load_program, load_text

TWO_MAPS = Path(__file__).parents[2] / "ui" / "scenarios" / "two-maps.toml"

TWO_POOLS = '''
[scenario]
title = "Two pools"
summary = "One pool with New and one without, a Put, a GC."

[runtime]
gomaxprocs = 1

[source]
code = """
package main

import (
	"runtime"
	"sync"
)

type Buffer struct{ buf []byte }

func main() {
	p := &sync.Pool{New: func() any { return new(Buffer) }}
	q := &sync.Pool{}
	x := p.Get().(*Buffer)
	p.Put(x)
	y, _ := q.Get().(*Buffer)
	runtime.GC()
	_ = y
}
"""

[types.Buffer]
size = 24
pointers = ["buf"]

[[step]]
line = 11
do = "pool_new"
var = "p"
type = "Buffer"

[[step]]
line = 12
do = "pool_new"
var = "q"
type = "Buffer"
has_new = false

[[step]]
line = 13
do = "pool_get"
pool = "p"
var = "x"

[[step]]
line = 14
do = "pool_put"
pool = "p"
var = "x"

[[step]]
line = 15
do = "pool_get"
pool = "q"
var = "y"

[[step]]
line = 16
do = "gc"
'''

SMALL_MAP = '''
[scenario]
title = "A small map"
summary = "Three keys: one group of 8 slots, no table."

[source]
code = """
package main

func main() {
	m := make(map[int]int)
	for i := 0; i < 3; i++ {
		m[i] = i
	}
	_ = m
}
"""

[[step]]
line = 4
do = "make_map"
var = "m"
key = "int"
value = "int"

[[step]]
line = 6
do = "map_insert"
var = "m"
count = 3
'''


def view_after(timeline: Timeline, steps: int | None = None) -> RuntimeView:
    if steps is None:
        timeline.end()
    else:
        timeline.goto_step(steps - 1)
    return RuntimeReader(timeline.runtime).view()


def test_goroutine_totals_of_three_leaks_and_one_return():
    """07-goroutine-leak: main, three fetches parked for ever with 1 MiB each (and their
    112 B hchan and 112 B sudog), one that returned: 5 listed, 4 stacks of 2 KiB (the
    returned one has none)."""
    view = view_after(Timeline(load_program("07-goroutine-leak")))
    assert goroutine_totals(view.goroutines) == GoroutineTotals(
        count=5, by_state=(("running", 1), ("blocked", 3), ("dead", 1)), leaked=3,
        stack_bytes=4 * 2048, retained_bytes=3 * ((1 << 20) + 112 + 112))


def test_goroutine_totals_of_100_leaks():
    """leak-100: 100 workers each keep a 64 KiB buffer, a 112 B hchan and a 112 B sudog:
    6.27 MiB retained, 101 stacks."""
    view = view_after(Timeline(load_program("leak-100")))
    assert goroutine_totals(view.goroutines) == GoroutineTotals(
        count=101, by_state=(("running", 1), ("blocked", 100)), leaked=100,
        stack_bytes=101 * 2048, retained_bytes=100 * (65536 + 112 + 112))
    assert 100 * 65536 == 6_553_600  # the scenario's "6.25 MiB"


def test_map_totals_of_a_deleted_and_a_cleared_map():
    """Both maps keep 2 tables of 1024 slots (128 groups each) and 36,992 bytes; only the
    deleted one has tombstones (clear resets every control byte)."""
    program = compile_scenario(load_text(TWO_MAPS.read_text(), str(TWO_MAPS)))
    view = view_after(Timeline(program), 6)
    a, b = view.maps
    assert (a.var, a.len, a.bytes, a.table_count, a.groups) == ("a", 0, 36_992, 2, 256)
    assert (b.var, b.len, b.bytes, b.table_count, b.groups, b.tombstones) == ("b", 0, 36_992, 2, 256, 0)
    assert a.tombstones > 0
    assert map_totals(view.maps) == MapTotals(
        count=2, len=0, bytes=2 * 36_992, tables=4, groups=512, tombstones=a.tombstones)


def test_a_small_map_has_one_group_and_no_table():
    view = view_after(Timeline(compile_scenario(load_text(SMALL_MAP))))
    (m,) = view.maps
    assert (m.small, m.len, m.table_count, m.groups, m.tombstones) == (True, 3, 0, 1, 0)
    assert map_totals(view.maps) == MapTotals(count=1, len=3, bytes=m.bytes, tables=0, groups=1, tombstones=0)


def test_pool_totals_after_a_gc():
    """p: Get misses and calls New, Put fills the private slot, the GC moves it to the
    victim cache; q (no New): Get misses and returns nil. Each pool has one 128-byte
    poolLocal array (GOMAXPROCS=1), moved to its victim by the GC."""
    view = view_after(Timeline(compile_scenario(load_text(TWO_POOLS))))
    p, q = view.pools
    assert (p.cached, p.local_cached, p.victim_cached, p.hits, p.misses, p.news, p.bytes) == (1, 0, 1, 0, 1, 1, 128)
    assert (q.cached, q.local_cached, q.victim_cached, q.hits, q.misses, q.news, q.bytes) == (0, 0, 0, 0, 1, 0, 128)
    assert pool_totals(view.pools) == PoolTotals(
        count=2, cached=1, local=0, victim=1, hits=0, misses=2, news=1, bytes=256)


def test_pool_totals_before_the_gc():
    view = view_after(Timeline(compile_scenario(load_text(TWO_POOLS))), 5)
    assert pool_totals(view.pools) == PoolTotals(
        count=2, cached=1, local=1, victim=0, hits=0, misses=2, news=1, bytes=256)


def test_no_goroutine_map_or_pool_sums_to_zero():
    assert map_totals(()) == MapTotals(0, 0, 0, 0, 0, 0)
    assert pool_totals(()) == PoolTotals(0, 0, 0, 0, 0, 0, 0, 0)
    assert goroutine_totals(()) == GoroutineTotals(0, (), 0, 0, 0)
