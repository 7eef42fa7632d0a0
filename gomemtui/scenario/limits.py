"""How big a scenario gomemtui agrees to simulate.

The simulated heap is real Python and numpy memory and every operation costs real time,
so a scenario that would need more is refused at load time with the size it would need
(never run until the machine gives up). One place, so the core and the loader agree.
"""

from __future__ import annotations

__all__ = ["MAX_HEAP_BYTES", "MAX_OPERATIONS", "MAX_FILE_BYTES", "MAX_GOMAXPROCS", "MAX_STACK_BYTES", "MAX_MAP_ENTRIES",
           "MAX_STACK_ESCAPE_BYTES", "MAX_LOOP_NESTING", "MAX_KEY_DEPTH", "MAX_HEAP_OBJECTS",
           "MAX_POINTER_SLOTS", "MAX_ARRAYS", "MAX_MAP_KEYS", "MAX_SINGLE_OPERATIONS", "MAX_GC_CYCLES",
           "MAX_MARK_WORK", "MAX_RUN_SECONDS", "MAX_RUN_BYTES"]

MAX_HEAP_BYTES = 4 << 30
"""The most live simulated heap (4 GiB) a scenario may build up, and the most one step
(with its `repeat` and loop iterations) may allocate. What stays reachable is counted
through loops: an object stored through a pointer (`assign` to a field, `append` with a
`value`, `pool_put`) counts as live for ever (`cost.py`)."""

MAX_OPERATIONS = 1_000_000
"""The most operations one run may execute, counting every `repeat` and loop iteration."""

MAX_FILE_BYTES = 1 << 20
"""The largest scenario file read (1 MiB)."""

MAX_GOMAXPROCS = 1024
"""`_MaxGomaxprocs` of older runtimes; keeps per-P structures (pool locals) small."""

MAX_STACK_BYTES = 1_000_000_000
"""Go's default maximum goroutine stack on 64-bit (`proc.go`, `maxstacksize`)."""

MAX_STACK_ESCAPE_BYTES = 64 << 10
"""`ir.MaxImplicitStackVarSize`: `new`/`make` bigger than 64 KiB always escape to the heap."""

MAX_MAP_ENTRIES = 1_000_000
"""The most entries one simulated map may hold."""

MAX_LOOP_NESTING = 8
"""The most loops one body may sit in (a loop's body holding a loop, and so on)."""

MAX_KEY_DEPTH = 64
"""The most levels a key or value may sit at in a scenario file: each part of a table
header or dotted key, each `[[array]]` element and each array or inline table around it
counts one (`[[step.body]]` puts its keys at level 5). Real scenarios need about 20 (loops
nested `MAX_LOOP_NESTING` deep); `tomllib` takes time quadratic in a key's parts, so the
file is refused before `tomllib` reads it."""

# -- real cost: what simulating a scenario costs the machine (`cost.py`) ----------------------
# Each figure is counted over the whole run, every `repeat` and loop iteration included. At
# its limit alone a figure costs the simulator less than MAX_RUN_SECONDS and MAX_RUN_BYTES;
# the two estimates bound the figures together.

MAX_HEAP_OBJECTS = 4_000_000
"""The most heap objects one run may allocate: the core keeps a row of its object table
for each, never reused, and every GC cycle reads them all."""

MAX_POINTER_SLOTS = 16_000_000
"""The most pointer slots one run may allocate: one per pointer field of an object and
one per element of an array of pointers (a `make_slice` of 16M `*T` is the limit)."""

MAX_ARRAYS = 10_000
"""The most slice backing arrays (`make_slice`, `copy_slice`, each growth of `append`)
one run may make: the time to name each new one grows with the number made before it."""

MAX_MAP_KEYS = 4_000_000
"""The most keys one run may insert in all its maps (each map holds at most
MAX_MAP_ENTRIES)."""

MAX_SINGLE_OPERATIONS = 500_000
"""The most operations one run may execute one at a time (each with its events): every
step of a loop's body, every iteration; a `repeat` counts once when the runtime runs it
in one go (`new` to the heap, `append` without `batch` or `value`, `map_insert`)."""

MAX_GC_CYCLES = 10_000
"""The most GC cycles one run may have: `gc` steps, plus an upper bound of the cycles
the heap triggers (one per allocation at most, and one per 45/64 of the smallest runway
GOGC and GOMEMLIMIT allow)."""

MAX_MARK_WORK = 300_000_000
"""The most GC cycles × heap objects one run may have: each cycle reads the whole object
table, freed objects included."""

MAX_RUN_SECONDS = 30.0
"""The longest estimated run, in seconds of a 2-core machine (`gomemtui run`)."""

MAX_RUN_BYTES = 1536 << 20
"""The largest estimated peak memory of a run (1.5 GiB, `gomemtui run`)."""
