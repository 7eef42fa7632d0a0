"""sync.Pool as Go 1.27 implements it (`sync/pool.go`, `sync/poolqueue.go`).

A pool has one `poolLocal` per P (`[GOMAXPROCS]poolLocal`, each padded to 128 B): a
`private` slot only that P uses, and a `shared` chain of dequeues its own P pushes and
pops at the head (LIFO) while other Ps steal from the tail (FIFO). At the start of every
GC (`runtime/mgc.go clearpools` → `poolCleanup`, during sweep termination) the whole
`local` array becomes the `victim` cache and the previous victim is dropped: an object
survives one GC in a pool, never two, unless a Get takes it out in between.

`Get` order (`Pool.Get`, `Pool.getSlow`): this P's private → this P's shared head →
steal the tail of every other P's shared, starting at P+1 → this P's *victim* private →
the tail of every victim shared, starting at this P → `New()` (or nil). Objects taken
from the victim are handed out, never moved back to `local`.

Objects are plain ints chosen by the caller (the facade); the model never allocates.
What the pool itself costs on the heap (the `local` array and the chain's dequeues)
is described by `layout()` as `PoolPart`s, the same way maps describe theirs, and so is
what the package keeps for all pools (`PoolRegistry`: the `allPools` / `oldPools`
slices). The facade allocates new parts when they appear, and parts that vanish are
garbage from then on; `heap_objects` records the heap object of each part.

What real Go allocates, measured with Go 1.27.3 (MemStats deltas, GOMAXPROCS 1 and 4):
the first Put or Get on a pool since the last GC (`pinSlow`) takes 8 B (a new
`allPools` array, cap 1, after each poolCleanup set it to nil; 16 B, 32 B... as more
pools register) + 128×GOMAXPROCS B (`local`); the Put that overflows the private slot
48 + 128 B (the first poolChainElt and its 8 `eface`s); the 9th shared Put 48 + 256 B;
the first GC frees nothing of these (only an `allPools` array a growth replaced); the
second frees the old `local`, its dequeues and the old `oldPools` array.

Where this simplifies real Go:
* One goroutine at a time: no races, so no `runtime_procPin` / atomics; the caller
  says which P (`p`) a Put or Get runs on.
* `pinSlow` sizes `local` from GOMAXPROCS at first use; GOMAXPROCS is fixed here.
* The race detector's "drop 1 Put in 4" is not modelled (the oracle runs without it).
* `poolCleanup` works on the global `allPools` / `oldPools` lists; each pool here keeps
  its own two flags with the same meaning (touched since the last GC / at the last GC),
  and `PoolRegistry` only models what those slices cost on the heap. It counts the
  scenario's pools alone: a real program's standard library registers pools of its own
  (fmt, encoding/json...), which share these arrays and change when they grow.
* The `Pool` struct itself is not allocated (a package-level pool lives in .bss).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from gomemtui.runtime.values.growslice import growslice

__all__ = [
    "DEQUEUE_INIT_SIZE",
    "DEQUEUE_LIMIT",
    "POOL_CHAIN_ELT_SIZE",
    "POOL_LOCAL_SIZE",
    "POOL_PTR_SIZE",
    "PoolPart",
    "PoolRegistry",
    "SyncPool",
]

POOL_LOCAL_SIZE = 128
"""`unsafe.Sizeof(poolLocal{})`: private (16) + poolChain (16), padded to 128 B."""
POOL_CHAIN_ELT_SIZE = 48
"""`poolChainElt`: headTail (8) + vals slice header (24) + next, prev (16)."""
EFACE_SIZE = 16
"""One `eface` slot of a dequeue's `vals` array."""
DEQUEUE_INIT_SIZE = 8
"""`poolChain.pushHead`: the first dequeue has 8 slots, each next one twice as many."""
DEQUEUE_LIMIT = 1 << 30
"""`dequeueLimit`: no dequeue grows past 2^30 slots."""
POOL_PTR_SIZE = 8
"""One `*Pool` element of `allPools` / `oldPools`."""


@dataclass(frozen=True)
class PoolPart:
    """One runtime-internal heap object of a pool (same shape as `maps.MapPart`).

    The facade diffs consecutive `layout()`s by `identity`: new identities are
    allocated, vanished ones become garbage for the next GC.
    """

    identity: tuple
    """Stable while the object exists, e.g. ("local", 3) or ("dequeue", 3, 0, 1)."""
    role: str
    """"local" (the [P]poolLocal array), "chain_elt" (a poolChainElt), "dequeue" (its vals);
    "allPools" / "oldPools" (a `PoolRegistry` array)."""
    size: int
    """Bytes requested from mallocgc."""
    noscan: bool
    parent: tuple | None
    """Identity of the object that points to this one (None: the Pool struct itself)."""
    cache: str = "local"
    """"local" or "victim": which of the pool's caches holds it now (poolCleanup moves
    the same objects from one to the other; the identity does not change). For the
    registry's arrays, which of the two slices holds the array."""
    p: int | None = None
    """The P whose poolLocal a chain_elt / dequeue belongs to."""


@dataclass
class _Dequeue:
    """One `poolChainElt`: a fixed-size ring of `cap` slots (`poolDequeue`)."""

    uid: int
    cap: int
    items: deque[int] = field(default_factory=deque)
    """Tail (oldest) on the left, head (newest) on the right."""


@dataclass
class PoolLocal:
    """One P's `poolLocal`."""

    private: int | None = None
    chain: list[_Dequeue] = field(default_factory=list)
    """`poolChain` from tail (oldest dequeue) to head (newest)."""

    def push_head(self, obj: int, new_uid: Callable[[], int]) -> None:
        """`poolChain.pushHead`: into the head dequeue, or a new one twice as big."""
        if not self.chain:
            self.chain.append(_Dequeue(new_uid(), DEQUEUE_INIT_SIZE))
        head = self.chain[-1]
        if len(head.items) < head.cap:
            head.items.append(obj)
            return
        bigger = _Dequeue(new_uid(), min(head.cap * 2, DEQUEUE_LIMIT))
        bigger.items.append(obj)
        self.chain.append(bigger)

    def pop_head(self) -> int | None:
        """`poolChain.popHead`: newest first, walking from the head to older dequeues."""
        for d in reversed(self.chain):
            if d.items:
                return d.items.pop()
        return None

    def pop_tail(self) -> int | None:
        """`poolChain.popTail`: oldest first; an emptied tail dequeue is unlinked."""
        while self.chain:
            d = self.chain[0]
            if d.items:
                return d.items.popleft()
            if len(self.chain) == 1:  # d2 == nil: keep the last dequeue
                return None
            self.chain.pop(0)  # tail.CompareAndSwap(d, d2): the old dequeue is garbage
        return None

    def shared(self) -> list[int]:
        """Shared objects from the head (next popHead) to the tail (next popTail)."""
        return [x for d in reversed(self.chain) for x in reversed(d.items)]

    def objects(self) -> list[int]:
        out = [self.private] if self.private is not None else []
        return out + self.shared()


class SyncPool:
    """A `sync.Pool` with `gomaxprocs` per-P locals and a victim cache.

    Args:
        gomaxprocs: number of Ps; `local` gets this many `poolLocal`s at first use.
        has_new: whether the pool has a `New` func (a miss then calls it).
    """

    def __init__(self, gomaxprocs: int, has_new: bool) -> None:
        if gomaxprocs < 1:
            raise ValueError("GOMAXPROCS must be at least 1")
        self.gomaxprocs = gomaxprocs
        """Size of `local` once pinned (`runtime.GOMAXPROCS(0)` in `pinSlow`)."""
        self.has_new = has_new
        """`p.New != nil`."""
        self._local: list[PoolLocal] | None = None
        self._victim: list[PoolLocal] | None = None
        self._victim_size = 0
        self._local_gen = 0
        self._victim_gen = 0
        self._gen_counter = 0
        self._uid_counter = 0
        self._in_all_pools = False
        """Registered in `allPools`: `pinSlow` ran since the last poolCleanup."""
        self._in_old_pools = False
        """In `oldPools`: it was in `allPools` at the last poolCleanup."""
        self.hits = 0
        """Gets served from the pool (private, shared, stolen or victim)."""
        self.misses = 0
        """Gets the pool could not serve (then New ran, or nil was returned)."""
        self.news = 0
        """Times `New` was called."""
        self.heap_objects: dict[tuple, int] = {}
        """The facade's record: part identity (`layout()`) → heap object id."""

    @property
    def registered(self) -> bool:
        """In `allPools`: `pinSlow` appended it since the last poolCleanup."""
        return self._in_all_pools

    # -- pinning ---------------------------------------------------------------

    def _pin(self, p: int) -> PoolLocal:
        """`Pool.pin` / `pinSlow`: the P's poolLocal, creating `local` on first use."""
        if not 0 <= p < self.gomaxprocs:
            raise ValueError(f"P {p} out of range 0..{self.gomaxprocs - 1}")
        if self._local is None:
            # pinSlow: allPools = append(allPools, p) when p.local == nil
            self._local = [PoolLocal() for _ in range(self.gomaxprocs)]
            self._gen_counter += 1
            self._local_gen = self._gen_counter
            self._in_all_pools = True
        return self._local[p]

    def _new_uid(self) -> int:
        self._uid_counter += 1
        return self._uid_counter

    # -- Put / Get ---------------------------------------------------------------

    def put(self, obj: int | None, p: int = 0) -> str:
        """`Pool.Put(x)` on P `p`; returns where it went: "private", "shared" or "nil".

        A nil `x` is ignored (and does not even pin), as in Go.
        """
        if obj is None:
            return "nil"
        local = self._pin(p)
        if local.private is None:
            local.private = obj
            return "private"
        local.push_head(obj, self._new_uid)
        return "shared"

    def get(self, p: int = 0) -> tuple[int | None, str]:
        """`Pool.Get()` on P `p`: (object, source).

        Source is "private", "shared" (own head or stolen tail), "victim", "new" or
        "nil". For "new" the object is None: the caller runs New (allocates) itself.
        """
        local = self._pin(p)
        obj, source = local.private, "private"
        local.private = None
        if obj is None:
            obj, source = local.pop_head(), "shared"
            if obj is None:
                obj, source = self._get_slow(p)
        if obj is not None:
            self.hits += 1
            return obj, source
        self.misses += 1
        if self.has_new:
            self.news += 1
            return None, "new"
        return None, "nil"

    def _get_slow(self, pid: int) -> tuple[int | None, str]:
        """`Pool.getSlow`: steal from other Ps, then try the victim cache."""
        assert self._local is not None
        size = len(self._local)
        for i in range(size):
            x = self._local[(pid + i + 1) % size].pop_tail()
            if x is not None:
                return x, "shared"
        if pid >= self._victim_size or self._victim is None:
            return None, "nil"
        victim = self._victim
        if victim[pid].private is not None:
            x, victim[pid].private = victim[pid].private, None
            return x, "victim"
        for i in range(self._victim_size):
            x = victim[(pid + i) % self._victim_size].pop_tail()
            if x is not None:
                return x, "victim"
        # Mark the victim cache as empty so future gets don't bother with it.
        self._victim_size = 0
        return None, "nil"

    # -- GC ------------------------------------------------------------------------

    def cleanup(self) -> tuple[list[int], int]:
        """`poolCleanup`, run at the start of every GC (sweep termination, STW).

        Returns (objects dropped from the old victim, objects moved into the victim).
        Dropped objects are no longer reachable through the pool.
        """
        dropped: list[int] = []
        if self._in_old_pools:  # for _, p := range oldPools { p.victim = nil }
            if self._victim is not None:
                dropped = [x for loc in self._victim for x in loc.objects()]
            self._victim, self._victim_size = None, 0
        to_victim = 0
        if self._in_all_pools:  # for _, p := range allPools { p.victim = p.local ... }
            self._victim, self._victim_gen = self._local, self._local_gen
            self._victim_size = len(self._local) if self._local else 0
            to_victim = sum(len(loc.objects()) for loc in self._victim or ())
            self._local = None
        self._in_old_pools, self._in_all_pools = self._in_all_pools, False
        return dropped, to_victim

    # -- inspection ------------------------------------------------------------

    def cached_objects(self) -> list[int]:
        """Every object the pool holds (local then victim), i.e. keeps alive."""
        out: list[int] = []
        for locals_ in (self._local, self._victim):
            for loc in locals_ or ():
                out.extend(loc.objects())
        return out

    def layout(self) -> list[PoolPart]:
        """The pool's own heap objects: `local`/`victim` arrays and the chain dequeues."""
        parts: list[PoolPart] = []
        caches = ((self._local, self._local_gen, "local"), (self._victim, self._victim_gen, "victim"))
        for locals_, gen, cache in caches:
            if locals_ is None:
                continue
            arr = ("local", gen)
            # sync.(*Pool).pinSlow: make([]poolLocal, GOMAXPROCS); poolLocal holds pointers.
            parts.append(PoolPart(arr, "local", POOL_LOCAL_SIZE * len(locals_), False, None, cache))
            for p, loc in enumerate(locals_):
                for d in loc.chain:
                    # sync.(*poolChain).pushHead: new(poolChainElt), then make([]eface, n).
                    elt = ("chain_elt", gen, p, d.uid)
                    parts.append(PoolPart(elt, "chain_elt", POOL_CHAIN_ELT_SIZE, False, arr, cache, p))
                    parts.append(PoolPart(
                        ("dequeue", gen, p, d.uid), "dequeue", EFACE_SIZE * d.cap, False, elt, cache, p,
                    ))
        return parts

    @property
    def local_caches(self) -> tuple[PoolLocal, ...]:
        """Each P's `poolLocal` (empty before the first use since the last GC)."""
        return tuple(self._local or ())

    @property
    def victim_caches(self) -> tuple[PoolLocal, ...]:
        """Each P's victim `poolLocal` (empty unless a GC moved `local` here)."""
        return tuple(self._victim or ())


class PoolRegistry:
    """`sync.allPools` and `sync.oldPools`: the `[]*Pool` slices poolCleanup walks.

    Only their heap cost is modelled (which pools they hold is each `SyncPool`'s pair of
    flags). `pinSlow` appends a pool the first time it is used after a poolCleanup, so
    the array grows as `append` grows any slice; poolCleanup makes `allPools` the new
    `oldPools` (the same array, still reachable) and sets `allPools` to nil, so the
    next first use allocates again. The array `oldPools` held until then is garbage.
    """

    def __init__(self) -> None:
        self._len = 0
        self._cap = 0
        self._all: tuple[int, int] | None = None
        """(uid, bytes) of `allPools`' backing array, None while the slice is nil."""
        self._old: tuple[int, int] | None = None
        """(uid, bytes) of `oldPools`' backing array."""
        self._uid = 0
        self.heap_objects: dict[tuple, int] = {}
        """The facade's record: part identity (`layout()`) → heap object id."""

    def __len__(self) -> int:
        return self._len

    def register(self) -> None:
        """`allPools = append(allPools, p)` in sync.(*Pool).pinSlow."""
        if self._len == self._cap:  # runtime.growslice: a new array, the old one is garbage
            new_cap, capmem = growslice(self._len, self._cap, 1, POOL_PTR_SIZE, False)
            self._uid += 1
            self._all, self._cap = (self._uid, capmem), new_cap
        self._len += 1

    def cleanup(self) -> None:
        """sync.poolCleanup: `oldPools, allPools = allPools, nil`."""
        self._old = self._all
        self._all, self._len, self._cap = None, 0, 0

    def layout(self) -> list[PoolPart]:
        """The backing arrays of `allPools` and `oldPools` ([]*Pool: scanned)."""
        parts = []
        for arr, cache in ((self._all, "allPools"), (self._old, "oldPools")):
            if arr is not None:
                parts.append(PoolPart(("pools_array", arr[0]), cache, arr[1], False, None, cache))
        return parts
