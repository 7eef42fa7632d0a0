"""Goroutine stacks as Go 1.27 allocates, grows, shrinks and accounts them.

Rules (`runtime/stack.go`, `runtime/proc.go`):

* A brand-new goroutine (`newproc1` → `malg(stackMin)`) gets 2 KiB. A goroutine that
  reuses a dead G (`gfget`) gets `startingStackSize`, which `gcComputeStartingStackSize`
  recomputes at every GC as `round2(average used stack of the scanned goroutines + 928)`
  (GODEBUG=adaptivestackstart=1, the default). A dead G keeps its stack only if it is
  exactly `startingStackSize` (`gfput`); dead Gs moved to the global free list lose
  their stacks at the next GC (`markrootFreeGStacks`).
* Growth (`newstack` → `copystack`): the size doubles until the used part plus the
  928-byte `stackGuard` fits; each doubling allocates the new stack and frees the old.
* Shrink (`shrinkstack`, from `scanstack` during GC): halve when
  `used + 800 (stackNosplit) < size/4` and the half is at least 2 KiB — one halving per GC.
* Accounting (`stackalloc`/`stackfree`): stacks below 32 KiB are carved from 32 KiB
  stack spans, one pool per order (2, 4, 8, 16 KiB), through a per-P cache that is
  refilled with 16 KiB worth of stacks and released down to 16 KiB when it reaches
  32 KiB; bigger stacks get a dedicated span. `StackInuse` counts whole stack spans,
  free slots and cached stacks included. A small-stack span is returned to the heap as
  soon as its last stack is freed outside GC; during GC, freed spans wait for
  `freeStackSpans` at the end of the cycle (large ones in `stackLarge`), after which
  every P's cache is flushed (`mcache.prepareForSweep` → `stackcache_clear`).

Where this simplifies real Go:
* One stack cache (P 0) serves every stack operation. Real Go uses the cache of the P
  doing the work; with GOMAXPROCS=1 (the oracle) that is always the same P.
* `used` is what the caller says (`set_used`): the deepest point the goroutine
  reached, which decides growth, and the depth it sits at, which decides scanning
  and shrinking. Growth goes one doubling (one copy) at a time, as a goroutine that
  deepens frame by frame does; a single frame bigger than the stack would make Go
  jump several doublings in one copy.
* The runtime's own stacks (threads' g0/gsignal stacks, the system goroutines) are a
  fixed baseline reconstructed to give the observed `StackInuse` of an idle program
  (229376 B = 7 spans with main, oracle `stacks.json`) and the observed free 2 KiB
  slots (a 1000-goroutine spawn takes 62 new spans, not 63).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "FIXED_STACK",
    "MAX_STACK_SIZE",
    "PARKED_USED",
    "STACK_CACHE_SIZE",
    "STACK_GUARD",
    "STACK_NOSPLIT",
    "StackChange",
    "StackOverflow",
    "Stacks",
]

FIXED_STACK = 2048
"""`fixedStack` = `stackMin` on linux/amd64: a brand-new goroutine's stack."""
STACK_GUARD = 928
"""`stackGuard` = stackNosplit (800) + stackSystem (0) + StackSmall (128)."""
STACK_NOSPLIT = 800
"""`stackNosplit`: reserve counted as used when deciding to shrink."""
STACK_CACHE_SIZE = 32 * 1024
"""`_StackCacheSize`: a small-stack span, and the per-P cache's high-water mark."""
NUM_STACK_ORDERS = 4
"""`_NumStackOrders`: 2, 4, 8 and 16 KiB stacks come from pools."""
PAGE_SIZE = 8192
MAX_STACK_SIZE = 1_000_000_000
"""`maxstacksize` on 64-bit (set in `runtime.main`, decimal on purpose)."""
PARKED_USED = 408
"""Stack bytes a goroutine parked in a channel receive, directly in its function, uses.

Measured with go1.27.3 (`/gc/scan/stack:bytes` over 1000 such goroutines); a
sensible default for goroutines whose depth the scenario does not state."""

RUNTIME_BASELINE_SPANS = 6
"""Stack spans of the runtime's threads (g0 and gsignal stacks of m0, sysmon, ...) and
init-time growth, outside the model's control; with the order-0 span of the system
goroutines and main they make the 7 spans (229376 B) an idle oracle program shows."""
RUNTIME_GOROUTINES = (
    "runtime.forcegchelper",
    "runtime.bgsweep",
    "runtime.bgscavenge",
    "runtime.runfinq",
    "runtime.gcBgMarkWorker",
    "runtime.unique_runtime_registerUniqueMapCleanup",
    "runtime.runCleanups",
)
"""System goroutines parked for ever, 2 KiB stacks, scanned at every GC."""
RUNTIME_GOROUTINE_USED = 176
"""Their used stack (they park right away); with main they scan ~2.3 KB, as measured."""


class StackOverflow(RuntimeError):
    """`newstack`: "runtime: goroutine stack exceeds 1000000000-byte limit" + fatal error."""


@dataclass(frozen=True)
class StackChange:
    """One stack copy: growth (`newstack`) or shrink (`shrinkstack`)."""

    goroutine: str
    old_size: int
    new_size: int


@dataclass
class _Span:
    """A stack span (`mSpanManual`): a 32 KiB pool span of one order, or one large stack."""

    id: int
    npages: int
    order: int | None
    """Pool order (0..3) or None for a dedicated large-stack span."""
    free: list[int] = field(default_factory=list)
    """`manualFreeList`: free slot indexes, next to hand out last (LIFO)."""
    alloc_count: int = 0
    in_pool: bool = False
    """On `stackpool[order].item.span` (has free slots)."""


@dataclass
class _Stack:
    span: _Span
    slot: int
    size: int


@dataclass
class _G:
    name: str
    stack: _Stack | None
    used: int
    dead: bool = False
    system: bool = False
    scanned: bool = False


def _order(size: int) -> int:
    order, n = 0, size
    while n > FIXED_STACK:
        order += 1
        n >>= 1
    return order


def _round2(x: int) -> int:
    """`round2`: the smallest power of two ≥ x."""
    return 1 << max(x - 1, 0).bit_length()


class Stacks:
    """Every goroutine's stack and the stack spans behind them.

    Args:
        adaptive: GODEBUG=adaptivestackstart (default 1 in Go 1.27).
        runtime_baseline: start with the runtime's own stacks (threads and system
            goroutines), so `stack_inuse` reads like real Go's StackInuse.
        main: name of the main goroutine, created with the process (None: none).
        shrink: False models GODEBUG=gcshrinkstackoff=1.
    """

    def __init__(
        self, adaptive: bool = True, runtime_baseline: bool = True, main: str | None = "main", shrink: bool = True
    ) -> None:
        self.adaptive = adaptive
        self.shrink_enabled = shrink
        self.starting_size = FIXED_STACK
        """`startingStackSize` (`/gc/stack/starting-size:bytes`)."""
        self.gc_running = False
        """gcphase != _GCoff: freed stack spans wait for the end of the cycle."""
        self._span_id = 0
        self._spans: dict[int, _Span] = {}
        self._pool: list[list[_Span]] = [[] for _ in range(NUM_STACK_ORDERS)]
        self._cache: list[list[_Stack]] = [[] for _ in range(NUM_STACK_ORDERS)]
        self._large_free: list[_Span] = []
        self._gs: dict[str, _G] = {}
        self._free_p: list[_G] = []  # pp.gFree (LIFO)
        self._free_stack: list[_G] = []  # sched.gFree.stack
        self._free_nostack: list[_G] = []  # sched.gFree.noStack
        self._scanned_size = 0
        self._scanned_stacks = 0
        self._shrinks: list[StackChange] = []
        self._dead_serial = 0
        self.baseline_bytes = RUNTIME_BASELINE_SPANS * STACK_CACHE_SIZE if runtime_baseline else 0
        """StackInuse of the runtime's thread stacks (opaque spans)."""
        if runtime_baseline:
            for name in RUNTIME_GOROUTINES:
                g = self._newproc(name, system=True)
                g.used = RUNTIME_GOROUTINE_USED
        if main is not None:
            self.spawn(main)

    # -- span allocator (stack.go) -------------------------------------------------

    def _new_span(self, npages: int, order: int | None) -> _Span:
        """`mheap_.allocManual(npages, spanAllocStack)`: StackInuse grows."""
        self._span_id += 1
        s = _Span(self._span_id, npages, order)
        self._spans[s.id] = s
        return s

    def _free_span(self, s: _Span) -> None:
        """`mheap_.freeManual`: StackInuse shrinks."""
        del self._spans[s.id]

    def _stackpoolalloc(self, order: int) -> _Stack:
        """`stackpoolalloc`: a slot from the first pool span with room, or a new span."""
        pool = self._pool[order]
        if not pool:
            s = self._new_span(STACK_CACHE_SIZE // PAGE_SIZE, order)
            elem = FIXED_STACK << order
            s.free = list(range(STACK_CACHE_SIZE // elem))  # pushed low to high: the last is handed out first
            s.in_pool = True
            pool.insert(0, s)  # list.insert puts it first
        s = pool[0]
        slot = s.free.pop()
        s.alloc_count += 1
        if not s.free:
            pool.remove(s)
            s.in_pool = False
        return _Stack(s, slot, FIXED_STACK << order)

    def _stackpoolfree(self, st: _Stack) -> None:
        """`stackpoolfree`: back into its span; outside GC an empty span is freed at once."""
        s, order = st.span, st.span.order
        assert order is not None
        if not s.free:
            self._pool[order].insert(0, s)
            s.in_pool = True
        s.free.append(st.slot)
        s.alloc_count -= 1
        if not self.gc_running and s.alloc_count == 0:
            self._pool[order].remove(s)
            s.in_pool = False
            self._free_span(s)

    def _stackalloc(self, size: int) -> _Stack:
        """`stackalloc(n)` on a P: small sizes through the cache, large ones get a span."""
        if size < FIXED_STACK << NUM_STACK_ORDERS and size < STACK_CACHE_SIZE:
            order = _order(size)
            cache = self._cache[order]
            if not cache:
                # stackcacherefill: grab _StackCacheSize/2 worth from the global pool.
                got = 0
                refill: list[_Stack] = []
                while got < STACK_CACHE_SIZE // 2:
                    refill.append(self._stackpoolalloc(order))
                    got += size
                # built by pushing on a list head: the last allocated is used first
                cache.extend(refill)
            return cache.pop()
        npages = size // PAGE_SIZE
        for s in self._large_free:
            if s.npages == npages:  # stackLarge.free[log2npage]: exact size only
                self._large_free.remove(s)
                return _Stack(s, 0, size)
        return _Stack(self._new_span(npages, None), 0, size)

    def _stackfree(self, st: _Stack) -> None:
        """`stackfree`: small stacks to the P's cache (released past 32 KiB), large spans
        freed now outside GC, or parked in `stackLarge` until `freeStackSpans`."""
        if st.span.order is not None:
            order = st.span.order
            cache = self._cache[order]
            if len(cache) * st.size >= STACK_CACHE_SIZE:
                # stackcacherelease: give back (from the list head) down to half.
                while len(cache) * st.size > STACK_CACHE_SIZE // 2:
                    self._stackpoolfree(cache.pop())
            cache.append(st)
            return
        if not self.gc_running:
            self._free_span(st.span)
        else:
            self._large_free.append(st.span)

    def _stackcache_clear(self) -> None:
        """`stackcache_clear`: every cached stack back to its span."""
        for order in range(NUM_STACK_ORDERS):
            cache = self._cache[order]
            while cache:
                self._stackpoolfree(cache.pop())

    def _free_stack_spans(self) -> None:
        """`freeStackSpans` (end of GC): empty pool spans and all of `stackLarge`."""
        for order in range(NUM_STACK_ORDERS):
            for s in list(self._pool[order]):
                if s.alloc_count == 0:
                    self._pool[order].remove(s)
                    s.in_pool = False
                    self._free_span(s)
        for s in self._large_free:
            self._free_span(s)
        self._large_free.clear()

    # -- goroutines (proc.go) ---------------------------------------------------

    def _gfget(self) -> _G | None:
        """`gfget`: a dead G from this P's list (refilled from the global lists)."""
        if not self._free_p and (self._free_stack or self._free_nostack):
            while len(self._free_p) < 32:
                if self._free_stack:
                    self._free_p.append(self._free_stack.pop())
                elif self._free_nostack:
                    self._free_p.append(self._free_nostack.pop())
                else:
                    break
        if not self._free_p:
            return None
        g = self._free_p.pop()
        if g.stack is not None and g.stack.size != self.starting_size:
            self._stackfree(g.stack)
            g.stack = None
        if g.stack is None:
            g.stack = self._stackalloc(self.starting_size)
        return g

    def _gfput(self, g: _G) -> None:
        """`gfput`: keep the stack only if it is exactly startingStackSize."""
        if g.stack is not None and g.stack.size != self.starting_size:
            self._stackfree(g.stack)
            g.stack = None
        self._free_p.append(g)
        if len(self._free_p) >= 64:
            stack_q: list[_G] = []
            nostack_q: list[_G] = []
            while len(self._free_p) >= 32:
                x = self._free_p.pop()
                (nostack_q if x.stack is None else stack_q).append(x)
            # gList.pushAll(q): the queue goes in front, keeping its order.
            self._free_nostack.extend(reversed(nostack_q))
            self._free_stack.extend(reversed(stack_q))

    def _newproc(self, name: str, system: bool = False) -> _G:
        if name in self._gs:
            raise ValueError(f"goroutine {name!r} already exists")
        g = self._gfget()
        if g is None:
            g = _G(name, self._stackalloc(FIXED_STACK), PARKED_USED)  # malg(stackMin)
        else:
            self._dead_serial += 1
            g.name, g.dead, g.used = name, False, PARKED_USED
        g.system = system
        self._gs[name] = g
        return g

    def spawn(self, name: str) -> int:
        """`go f()` (`newproc1`): returns the new goroutine's stack size."""
        g = self._newproc(name)
        assert g.stack is not None
        return g.stack.size

    def exit(self, name: str) -> None:
        """The goroutine returns (`goexit0` → `gfput`): its G goes to the free list."""
        g = self._live(name)
        del self._gs[name]
        g.dead = True
        g.name = f"<dead {name}>"
        self._gfput(g)

    def _live(self, name: str) -> _G:
        try:
            return self._gs[name]
        except KeyError:
            raise KeyError(f"no live goroutine {name!r}") from None

    def set_used(self, name: str, used: int) -> list[StackChange]:
        """The goroutine now uses `used` bytes of stack; grows it as `newstack` would.

        Returns the copies made (each doubling allocates the new stack, frees the old).
        """
        g = self._live(name)
        assert g.stack is not None
        changes: list[StackChange] = []
        while used + STACK_GUARD > g.stack.size:
            old = g.stack.size
            new = old * 2
            if new > MAX_STACK_SIZE:
                raise StackOverflow(
                    f"runtime: goroutine stack exceeds {MAX_STACK_SIZE}-byte limit\nfatal error: stack overflow"
                )
            self._copystack(g, new)
            changes.append(StackChange(name, old, new))
        g.used = used
        return changes

    def _copystack(self, g: _G, new_size: int) -> None:
        """`copystack`: allocate the new stack, then free the old one."""
        assert g.stack is not None
        new = self._stackalloc(new_size)
        self._stackfree(g.stack)
        g.stack = new

    # -- GC ----------------------------------------------------------------------------

    def gc_start(self) -> None:
        """Mark starts: gcphase != off; `markrootFreeGStacks` frees the stacks of dead Gs
        on the global free list."""
        self.gc_running = True
        self._shrinks = []
        self._scanned_size = 0
        self._scanned_stacks = 0
        for g in self._gs.values():
            g.scanned = False
        for g in self._free_stack:
            assert g.stack is not None
            self._stackfree(g.stack)
            g.stack = None
        self._free_nostack.extend(self._free_stack)
        self._free_stack.clear()

    def gc_scan(self, name: str) -> int:
        """`scanstack`: returns the bytes scanned (hi − sp); may shrink the stack.

        The first scan of a cycle starts it (`gc_start`) if the caller did not.
        """
        if not self.gc_running:
            self.gc_start()
        g = self._live(name)
        return self._scan(g)

    def _scan(self, g: _G) -> int:
        assert g.stack is not None
        g.scanned = True
        self._scanned_size += g.used
        self._scanned_stacks += 1
        old = g.stack.size
        # shrinkstack: halve if used + stackNosplit < size/4 and half ≥ fixedStack
        if self.shrink_enabled and old // 2 >= FIXED_STACK and g.used + STACK_NOSPLIT < old // 4:
            self._copystack(g, old // 2)
            self._shrinks.append(StackChange(g.name, old, old // 2))
        return g.used

    def gc_end(self) -> list[StackChange]:
        """Mark done and terminated: scan what was not scanned, compute the starting size,
        free empty stack spans, flush the stack cache. Returns this cycle's shrinks.

        Called without a running cycle it runs a whole one (start, scan all, end)."""
        if not self.gc_running:
            self.gc_start()
        for g in self._gs.values():
            if not g.scanned:
                self._scan(g)
        self._compute_starting_size()  # gcMarkDone
        self.gc_running = False
        self._free_stack_spans()  # gcMarkTermination, after the world restarts
        self._stackcache_clear()  # forEachP(mcache.prepareForSweep)
        return list(self._shrinks)

    def flush_caches(self) -> None:
        """What `runtime.ReadMemStats` does to stacks: `flushallmcaches` → `stackcache_clear`.

        Cached free stacks go back to their spans and spans left empty are freed, so a
        StackInuse read through ReadMemStats never counts a cache (the oracle's numbers
        are all read that way).
        """
        self._stackcache_clear()

    def gc(self) -> list[StackChange]:
        """A whole cycle as far as stacks go: start, scan every goroutine, end."""
        self.gc_start()
        return self.gc_end()

    def _compute_starting_size(self) -> None:
        """`gcComputeStartingStackSize`: round2(average scanned + stackGuard)."""
        if not self.adaptive:
            return
        if self._scanned_stacks == 0:
            self.starting_size = FIXED_STACK
            return
        avg = self._scanned_size // self._scanned_stacks + STACK_GUARD
        avg = min(max(avg, FIXED_STACK), MAX_STACK_SIZE)
        self.starting_size = _round2(avg)

    # -- inspection --------------------------------------------------------------

    @property
    def stack_inuse(self) -> int:
        """`MemStats.StackInuse`: bytes of all stack spans (cached free stacks included)."""
        return self.baseline_bytes + sum(s.npages * PAGE_SIZE for s in self._spans.values())

    @property
    def memstats_stack_inuse(self) -> int:
        """StackInuse as `runtime.ReadMemStats` would report it now, without changing state.

        ReadMemStats flushes the stack caches first (`flushmcache` → `stackcache_clear`),
        which frees the spans whose only stacks were cached — unless a GC is running.
        `flush_caches()` does that flush for real.
        """
        if self.gc_running:
            return self.stack_inuse
        cached: dict[int, int] = {}
        for cache in self._cache:
            for st in cache:
                cached[st.span.id] = cached.get(st.span.id, 0) + 1
        freed = sum(
            self._spans[sid].npages * PAGE_SIZE
            for sid, n in cached.items()
            if self._spans[sid].alloc_count == n
        )
        return self.stack_inuse - freed

    @property
    def last_scanned(self) -> int:
        """Stack bytes scanned in the current/last cycle (`stackScanWork` → lastStackScan)."""
        return self._scanned_size

    @property
    def max_stack_scan(self) -> int:
        """`maxStackScan`: all allocated stack bytes of live goroutines (worst-case scan)."""
        return sum(g.stack.size for g in self._gs.values() if g.stack is not None)

    def size(self, name: str) -> int:
        """Stack size of a live goroutine."""
        g = self._live(name)
        assert g.stack is not None
        return g.stack.size

    def used(self, name: str) -> int:
        """Used stack bytes of a live goroutine (as last set)."""
        return self._live(name).used

    def goroutines(self) -> list[str]:
        """Live goroutines the caller created (runtime ones excluded), oldest first."""
        return [n for n, g in self._gs.items() if not g.system]

    @property
    def dead_gs(self) -> int:
        """Gs on the free lists (reused by the next `go` statements)."""
        return len(self._free_p) + len(self._free_stack) + len(self._free_nostack)

    def span_counts(self) -> dict[str, int]:
        """Stack spans by kind, for the heap map: "2K".."16K" pools and "large"."""
        out = {"2K": 0, "4K": 0, "8K": 0, "16K": 0, "large": 0}
        for s in self._spans.values():
            out["large" if s.order is None else f"{2 << s.order}K"] += 1
        return out
