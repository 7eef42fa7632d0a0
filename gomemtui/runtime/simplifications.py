"""Where the simulation simplifies real Go, said in one sentence per kind of event.

The explain panel and `gomemtui run` show the sentence for the kinds of event a step
produced, so a user never takes a modelled detail for a measured one. The numbers the
core claims (capacities, size classes, bytes, goals) are not simplified; these notes
are about scheduling, timing and randomness.
"""

from __future__ import annotations

from collections.abc import Iterable

from gomemtui.runtime.events import Event

NOTES: dict[str, str] = {
    "alloc": (
        "Only P0's mcache is modelled: every allocation takes its slot from P0's cached "
        "span, as in a GOMAXPROCS=1 program; sizes, classes and bytes are Go's."
    ),
    "gc": (
        "The gctrace times and CPU% come from gomemtui's cost model (about 1.4 GB/s of "
        "scanning per worker), not from a real machine; the heap sizes and goal follow "
        "Go's rules, but the trigger point depends on timing, as it does in Go. Goals "
        "count the runtime's start-up heap (44.5 KB at 1 P, +20 KB per P) and its metadata "
        "as measured in go1.27.3 (3.68 MB before the first cycle, 4.39 MB from the second), "
        "not drawn in the heap map; an allocation that meets a running mark is paid for "
        "after it is made (Go parks it first), so it may be marked in that cycle."
    ),
    "mark_unit": (
        "Marking walks the heap breadth-first from the roots as they were when mark "
        "began; real workers reach objects in an order set by scheduling, but what ends "
        "up marked is the same."
    ),
    "write_barrier": (
        "Objects reachable when mark began always survive the cycle here; real Go may "
        "free one that a goroutine dropped before its stack was scanned."
    ),
    "mark_assist": (
        "Assists and the background workers share the work by the simulated clock; in "
        "real Go the scheduler decides who marks what."
    ),
    "map_grow": (
        "Keys get hashes from a seeded generator: where real Go's table splits depend "
        "on its random hash seed, this is one possible outcome."
    ),
    "map_split": (
        "Keys get hashes from a seeded generator: where real Go's table splits depend "
        "on its random hash seed, this is one possible outcome."
    ),
    "pool_get": (
        "Every goroutine runs on P0 here, so Get and Put use P0's private slot and "
        "shared chain; on several Ps the order of what Get returns can differ."
    ),
    "goroutine": (
        "Goroutines run one at a time, in the order of the scenario's steps; their stacks, "
        "what they reference and the runtime's own objects for them (a 480 B g per goroutine, "
        "never freed; a 112 B sudog while blocked on a channel; the allgs slice) are Go's, "
        "but not the scheduler, the closure a go statement may allocate, or the P's sudog cache."
    ),
    "stack_grow": (
        "A goroutine's fixed stack use besides its frames is 408 B (measured in go1.27.3); "
        "growth goes one doubling at a time, as a goroutine deepening frame by frame does."
    ),
    # -- values (issue 13) --
    "closure": (
        "A variable a closure captures by its name is captured by value, its header copied; "
        "Go captures by reference a variable the program assigns after the capture (declare such "
        "a local in captures with modified = true). Fields follow the order captures lists them."
    ),
    # -- runtime (issue 13) --
    "finalizer_run": (
        "The finalizer goroutine runs as soon as a P is free; here at the end of the operation "
        "whose sweep queued the finalizer (real Go: usually within the same runtime.GC call)."
    ),
    "cleanup_run": (
        "Cleanups run once sweeping is done, when a cleanup goroutine gets a P; here at the end "
        "of that operation (real Go ran them within the next few scheduling points)."
    ),
    "free_os_memory": (
        "The scavenger releases every free page here; real Go can leave up to a few MiB of free "
        "pages unreleased (per-P page caches), and its background scavenger, not simulated, "
        "releases memory between calls too."
    ),
    "map_insert": (
        "A key's hash comes from a seeded generator standing for Go's random hash seed: which "
        "slot and group a key takes is one possible outcome, the rules that place it are Go's."
    ),
}


def notes_for(events: Iterable[Event]) -> list[str]:
    """The simplification notes for these events, each once, in order of first use."""
    seen: list[str] = []
    for event in events:
        note = NOTES.get(event.kind)
        if note and note not in seen:
            seen.append(note)
    return seen
