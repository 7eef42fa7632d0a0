"""How big a scenario gomemtui agrees to simulate.

The simulated heap is real Python and numpy memory and every operation costs real time,
so a scenario that would need more is refused at load time with the size it would need
(never run until the machine gives up). One place, so the core and the loader agree.
"""

from __future__ import annotations

__all__ = ["MAX_HEAP_BYTES", "MAX_OPERATIONS", "MAX_FILE_BYTES", "MAX_GOMAXPROCS", "MAX_STACK_BYTES", "MAX_MAP_ENTRIES",
           "MAX_STACK_ESCAPE_BYTES", "MAX_LOOP_NESTING", "MAX_KEY_DEPTH"]

MAX_HEAP_BYTES = 4 << 30
"""The most live simulated heap (4 GiB) a scenario may build up, and the most one step
(with its `repeat`) may allocate."""

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
