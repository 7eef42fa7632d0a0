"""Retained bytes against real Go: what dropping one reference frees.

Each case builds a structure, runs `runtime.GC()` and reads HeapAlloc, then drops the one
reference (a global set to nil, a pool zeroed, leaked goroutines released so they
return), runs `runtime.GC()` twice and reads HeapAlloc again: the drop is what that
reference alone kept alive. The simulator plays the same program as a scenario (so
goroutine-local `buf`s are each goroutine's own) and must report that drop as the
variable's or each goroutine's retained bytes, with none left out for 17 or 1000
goroutines (GOMAXPROCS=1, GOGC=off so that only the forced cycles run). The Go workers wait
by polling a flag with `time.Sleep` rather than on a channel: a goroutine parked on a
channel holds a `sudog`, a runtime object of its own that this comparison leaves out.
"""

from __future__ import annotations

import pytest

from gomemtui.runtime.read.reader import RuntimeReader
from gomemtui.runtime.timeline import Timeline
from gomemtui.scenario import load_program

GO_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

type Leaf struct{ pad [200]byte }
type Pair struct {
	a, b *Leaf
	pad  [40]byte
}

var (
	sliceKeep []byte
	mapKeep   map[int]int
	pool      sync.Pool
	root      *Pair
	other     *Leaf
	release   atomic.Bool
	started   sync.WaitGroup
	done      sync.WaitGroup
	bufSize   int
)

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func worker() {
	buf := make([]byte, bufSize) // not a constant size: on the heap
	started.Done()
	for !release.Load() { // no channel: a goroutine parked on one holds a sudog
		time.Sleep(time.Millisecond)
	}
	runtime.KeepAlive(buf)
	done.Done()
}

// measure: build, one GC, HeapAlloc; drop, two GCs, HeapAlloc.
func measure(build, drop func()) uint64 {
	build()
	runtime.GC()
	before := heapAlloc()
	drop()
	runtime.GC()
	runtime.GC()
	return before - heapAlloc()
}

type Case struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
	K    int    `json:"k"`
}

func main() {
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := []uint64{}
	runtime.GC() // the start-up's and the decoder's garbage and pooled buffers go first
	runtime.GC()
	for _, c := range cases {
		// The median of five: now and then the runtime's own bookkeeping allocates or
		// frees another 16 B in the same window (seen on a loaded machine).
		runs := make([]uint64, 5)
		for i := range runs {
			runs[i] = run(c)
		}
		slices.Sort(runs)
		got := runs[2]
		out = append(out, got)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func run(c Case) uint64 {
	var got uint64
	{
		switch c.Kind {
		case "slice":
			got = measure(func() { sliceKeep = make([]byte, c.N) }, func() { sliceKeep = nil })
		case "map":
			got = measure(func() {
				mapKeep = make(map[int]int)
				for i := 0; i < c.N; i++ {
					mapKeep[i] = i
				}
			}, func() { mapKeep = nil })
		case "pool":
			got = measure(func() {
				for i := 0; i < c.N; i++ {
					pool.Put(new(Leaf))
				}
			}, func() { pool = sync.Pool{} })
		case "pair":
			got = measure(func() {
				root = &Pair{a: new(Leaf), b: new(Leaf)}
				other = root.b
			}, func() { root = nil })
		case "goroutines":
			got = measure(func() {
				bufSize = c.N
				release.Store(false)
				started.Add(c.K)
				done.Add(c.K)
				for i := 0; i < c.K; i++ {
					go worker()
				}
				started.Wait()
			}, func() {
				release.Store(true)
				done.Wait()
			})
		}
	}
	return got
}
"""

HEADER = """
[scenario]
title = "retained bytes"

[source]
code = "package main"

[runtime]
gogc = "off"
gomaxprocs = 1

[types.Leaf]
size = 200

[types.Pair]
size = 56
pointers = ["a", "b"]
"""

GOROUTINE_COUNTS = (1, 16, 17, 100, 1000)


def _steps(*steps: str) -> str:
    return "\n".join(f"[[step]]\nline = 1\n{s.strip()}\n" for s in steps) + "\n"


def _scenario(kind: str, n: int, k: int = 0) -> tuple[str, str]:
    """(TOML text, what to read: a variable name or "goroutines")."""
    if kind == "slice":
        body = _steps(f'do = "make_slice"\nvar = "keep"\nelem = "byte"\nlen = {n}', 'do = "global"\nvar = "keep"')
        return body, "keep"
    if kind == "map":
        body = _steps('do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"',
                      f'do = "map_insert"\nvar = "m"\ncount = {n}', 'do = "global"\nvar = "m"')
        return body, "m"
    if kind == "pool":
        body = _steps('do = "pool_new"\nvar = "p"\ntype = "Leaf"', 'do = "global"\nvar = "p"')
        for _ in range(n):
            body += _steps('do = "new"\nvar = "x"\ntype = "Leaf"', 'do = "pool_put"\npool = "p"\nvar = "x"',
                           'do = "drop"\nvar = "x"')
        return body, "p"
    if kind == "pair":
        body = _steps('do = "new"\nvar = "root"\ntype = "Pair"', 'do = "new"\nvar = "a"\ntype = "Leaf"',
                      'do = "new"\nvar = "other"\ntype = "Leaf"', 'do = "assign"\ntarget = "root.a"\nvalue = "a"',
                      'do = "assign"\ntarget = "root.b"\nvalue = "other"', 'do = "drop"\nvar = "a"',
                      'do = "global"\nvar = "root"', 'do = "global"\nvar = "other"')
        return body, "root"
    assert kind == "goroutines"
    decls = "".join(f'[[goroutine]]\nname = "w{i}"\n\n' for i in range(k))
    body = ""
    for i in range(k):
        body += _steps(f'do = "go"\ngoroutine = "w{i}"',
                       f'in = "w{i}"\ndo = "make_slice"\nvar = "buf"\nelem = "byte"\nlen = {n}',
                       f'in = "w{i}"\ndo = "block"')
    return decls + body, "goroutines"


def simulate(tmp_path, kind: str, n: int, k: int = 0) -> int:
    """The simulator's retained bytes of the reference the Go case drops, after one GC."""
    body, what = _scenario(kind, n, k)
    path = tmp_path / f"{kind}-{n}-{k}.toml"
    path.write_text(HEADER + body + _steps('do = "gc"'))
    timeline = Timeline(load_program(path, env={}))
    while not timeline.at_end:
        timeline.step()
    view = RuntimeReader(timeline.runtime).view()
    if what == "goroutines":
        figures = [g.retained_bytes for g in view.goroutines if g.leaked]
        assert len(figures) == k
        assert len(set(figures)) == 1, f"every goroutine holds one equal buffer: {sorted(set(figures))}"
        return sum(figures)
    return RuntimeReader(timeline.runtime).why_alive(what).retained_bytes


CASES = [
    ("slice", 1000, 0), ("slice", 40000, 0), ("slice", 1 << 20, 0),
    ("map", 8, 0), ("map", 1000, 0), ("map", 5000, 0),
    ("pool", 3, 0), ("pool", 40, 0),
    ("pair", 0, 0),
] + [("goroutines", 65536, k) for k in GOROUTINE_COUNTS] + [("goroutines", 1000, 17)]


BASELINES = [("goroutines", 0, k) for k in sorted({k for c, _, k in CASES if c == "goroutines"})]
"""The same goroutines without a buffer (`make([]byte, 0)` allocates nothing): what each
goroutine's own runtime objects free at its exit (96 B per goroutine here: the timer
`time.Sleep` gives it), which the simulator does not model yet (issue 11, item 5)."""


@pytest.fixture(scope="module")
def real_drops(go_tool) -> dict[tuple[str, int, int], int]:
    program = go_tool.build("retainedbytes", GO_SOURCE)
    runs = CASES + BASELINES
    got = dict(zip(runs, program.run([{"kind": c, "n": n, "k": k} for c, n, k in runs],
                                     env={"GOGC": "off"}), strict=True))
    return {case: got[case] - (got[("goroutines", 0, case[2])] if case[0] == "goroutines" else 0)
            for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[f"{c}-{n}-{k}" for c, n, k in CASES])
def test_retained_bytes_are_what_dropping_the_reference_frees(real_drops, tmp_path, case, monkeypatch):
    # The 1,000-goroutine case (3,001 steps) is past what `gomemtui run` may take: the
    # budget prices reading its JSON state after every step. The timeline alone, which
    # this compares with real Go, plays it in seconds, so the budget stays out of it here.
    monkeypatch.setattr("gomemtui.scenario.budget.budget_problems", lambda scenario: [])
    kind, n, k = case
    assert simulate(tmp_path, kind, n, k) == real_drops[case]
