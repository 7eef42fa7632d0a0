"""A goroutine's own memory against real Go: its stack after calls, its heap cost.

* Stacks: 64 goroutines each recurse through N frames of a function with a local
  array, then park in a channel receive; StackInuse grows by 64 stacks. The frame size
  is read in Go from the stack pointer (two depths of the same recursion), and the
  simulator gets `go` + `call depth = N, frame = <that size>`. Real Go (go1.27.3):
  96 B frames keep 2 KiB stacks up to 7 frames and 4 KiB from 8, 200 B frames 2 KiB up
  to 3 frames and 4 KiB from 4, 544 B frames 4 KiB at 2-4 frames, 8 KiB at 6, 16 KiB
  at 15: the fixed use besides the frames lies in (352, 448] B (the simulator's
  `BASE_STACK_USED`, 408 B). With the 1024 B it used before, 2 × 200 B took 4 KiB.
* Heap: N goroutines started with `go blockSend()` (no closure) that block for ever on
  an unbuffered channel send; HeapAlloc after two `runtime.GC()` minus the same before.
  Real Go (go1.27.3, GOMAXPROCS=1, `MemStats.BySize`): one 480 B `g` and one 112 B
  `sudog` per goroutine, plus the growth of `allgs` (128, 256, 512, 1152, 2304, 4864,
  8192 B arrays for 1000 goroutines, the last one live). Measured: 9568 B for 16
  goroutines, 60176 B for 100, 600016 B for 1000; the simulator gives 176 B more (160 B
  for 16): Go frees the start-up allgs array (64 B, not in the simulated heap) and takes
  one sudog from a P's sudog cache (112 B).
"""

from __future__ import annotations

import pytest

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.types import parse_type

STACK_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"unsafe"
)

var ch = make(chan int)
var top, bottom uintptr

//go:noinline
func sp() uintptr { var x int; return uintptr(unsafe.Pointer(&x)) }

//go:noinline
func f64(d int, rec bool) { var b [64]byte; b[d%64] = 1; if rec && d == 10 { top = sp() }; if d == 0 { if rec { bottom = sp() } else { <-ch }; return }; f64(d-1, rec); b[0]++ }
//go:noinline
func f160(d int, rec bool) { var b [160]byte; b[d%160] = 1; if rec && d == 10 { top = sp() }; if d == 0 { if rec { bottom = sp() } else { <-ch }; return }; f160(d-1, rec); b[0]++ }
//go:noinline
func f512(d int, rec bool) { var b [512]byte; b[d%512] = 1; if rec && d == 10 { top = sp() }; if d == 0 { if rec { bottom = sp() } else { <-ch }; return }; f512(d-1, rec); b[0]++ }

var fns = map[int]func(int, bool){64: f64, 160: f160, 512: f512}

func main() {
	var c struct{ Local, Frames int }
	json.NewDecoder(os.Stdin).Decode(&c)
	f := fns[c.Local]
	done := make(chan int)
	go func() { f(10, true); f(10, true); done <- 1 }() // the second descent does not grow
	<-done
	frame := int(top-bottom) / 10
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	const n = 64
	for i := 0; i < n; i++ {
		go f(c.Frames-1, false)
	}
	for k := 0; k < 1000; k++ {
		runtime.Gosched()
	}
	runtime.ReadMemStats(&b)
	json.NewEncoder(os.Stdout).Encode([]int{frame, int(b.StackInuse-a.StackInuse) / n})
}
"""

HEAP_SOURCE = r"""
package main

import (
	"encoding/json"
	"os"
	"runtime"
)

var ch = make(chan int)

func blockSend() { ch <- 1 }

func main() {
	var n int
	json.NewDecoder(os.Stdin).Decode(&n)
	runtime.GC()
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	for i := 0; i < n; i++ {
		go blockSend()
	}
	for runtime.NumGoroutine() < n+1 {
		runtime.Gosched()
	}
	for k := 0; k < 1000; k++ {
		runtime.Gosched()
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&b)
	json.NewEncoder(os.Stdout).Encode([]int64{int64(b.HeapAlloc) - int64(a.HeapAlloc), int64(b.Mallocs - a.Mallocs)})
}
"""

STACK_CASES = [(64, 3), (64, 7), (64, 8), (64, 10), (160, 3), (160, 4), (160, 6),
               (512, 2), (512, 4), (512, 7), (512, 15)]
"""(local array bytes, frames of the recursion including the one that parks)."""


def floor_pow2(x: float) -> int:
    """A stack size from StackInuse per goroutine (whole 32 KiB spans: up to one span of
    slack over 64 goroutines, 512 B each)."""
    p = 1
    while p * 2 <= x:
        p *= 2
    return p


@pytest.mark.parametrize("local,frames", STACK_CASES)
def test_stack_size_after_calls_is_gos(go_tool, local, frames):
    frame, per_g = go_tool.build("stack_frames", STACK_SOURCE).run({"Local": local, "Frames": frames})
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), goroutines=("main", "worker"))
    rt.apply(ops.Go("worker"))
    rt.apply(ops.Call(depth=frames, frame=frame, g="worker"))
    rt.apply(ops.Block("worker"))
    assert rt.stacks.size("worker") == floor_pow2(per_g), (frame, per_g)


@pytest.mark.parametrize("n", [16, 100, 1000])
def test_heap_cost_of_leaked_goroutines_is_gos(go_tool, n):
    heap, _ = go_tool.build("goroutine_heap", HEAP_SOURCE).run(n)
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), goroutines=("main", *(f"w{i}" for i in range(n))))
    rt.gc()
    rt.gc()
    before = rt.heap.stats().heap_alloc
    for i in range(n):
        rt.apply(ops.Go(f"w{i}"))
        rt.apply(ops.Block(f"w{i}"))
    rt.gc()
    rt.gc()
    sim = rt.heap.stats().heap_alloc - before
    assert 0 <= sim - heap <= 176, (sim, heap)


# -- go count (issue 13) --

GO_HEAP_BYTES = {16: 9568, 100: 60176, 1000: 600016}
"""HeapAlloc growth real Go 1.27.3 measured for N goroutines parked on an unbuffered send
(HEAP_SOURCE, recorded above): what the simulator's `go` with count must match."""


def _go_count_heap(n: int) -> int:
    rt = Runtime(ops.RuntimeSettings(gomaxprocs=1), goroutines=("main", "w"))
    rt.apply(ops.MakeChan("ch", parse_type("int"), 0))
    rt.gc()
    rt.gc()
    before = rt.heap.stats().heap_alloc
    rt.apply(ops.Go("w", count=n, body=(ops.Send("ch", None, g="w"),)))
    rt.gc()
    rt.gc()
    return rt.heap.stats().heap_alloc - before


@pytest.mark.parametrize("n", sorted(GO_HEAP_BYTES))
def test_go_count_parks_what_real_go_parks(n):
    """`for i := 0; i < n; i++ { go blockSend() }` as one `go` step with count = n: the
    recorded real-Go figures, with the same 176 B apart as n separate `go` steps."""
    assert 0 <= _go_count_heap(n) - GO_HEAP_BYTES[n] <= 176


@pytest.mark.parametrize("n", [16, 100])
def test_go_count_heap_is_todays_go(go_tool, n):
    heap, _ = go_tool.build("goroutine_heap", HEAP_SOURCE).run(n)
    # A loaded machine sometimes shows one 16-byte runtime allocation more, or one fewer,
    # between the two readings (a tiny block the scheduler allocates or frees around them,
    # as tests/realgo/test_channels.py sees too); the recorded figure is the quiet one.
    assert heap in (GO_HEAP_BYTES[n] - 16, GO_HEAP_BYTES[n], GO_HEAP_BYTES[n] + 16)
