"""Go's heap profile of a Runtime, by source line: what `gomemtui profile` writes and the
app's Top panel shows, from one function so the two cannot disagree.

The figures follow `runtime/mprof.go` (see `runtime/memory/mprof.py`): a malloc made in
heap-profile cycle C counts once cycle C+2 is published, a free made by sweeping in cycle
C once C+1 is, and a mark termination publishes the cycle it ends (`runtime.GC()` also the
next one, after its sweep). So the profile is as of the mark termination of an earlier
GC — the one before the last, or the last if it was a `runtime.GC()` — and empty until
then, exactly as a real program's `pprof.WriteHeapProfile` would be.

Every allocation counts (Go's `runtime.MemProfileRate = 1`): the simulator knows each
one, so nothing is sampled and the totals are the runtime's own figures. Bytes are
Go's profiled bytes: the whole slot (`span.elemsize`), a large object's pages, 16 per
tiny block (credited to the allocation that opened it).

Stacks are one frame deep: the scenario step's source line and the function of
`[source]` it sits in (`main.main`, `main.(*T).method`; a package-level line is in
`main.init`). The scenario does not say who called that function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from gomemtui.runtime.core import Runtime
from gomemtui.runtime.program import Program

__all__ = [
    "SAMPLE_TYPES", "ProfileSite", "ProfileSample", "HeapProfile", "TopRow",
    "heap_profile", "top_lines", "function_at",
]

SAMPLE_TYPES: tuple[tuple[str, str], ...] = (
    ("alloc_objects", "count"), ("alloc_space", "bytes"),
    ("inuse_objects", "count"), ("inuse_space", "bytes"),
)
"""The heap profile's sample types, in `runtime/pprof`'s order (`writeHeapProto`)."""

OUTSIDE_STEPS = "(outside steps)"
"""Function name of objects allocated outside any scenario step."""


@dataclass(frozen=True)
class ProfileSite:
    """Where a step allocates: its source line and function."""

    path: tuple[int, ...]
    """The step: (i,) for step i (0-based), (i, j) for item j of its loop body; () none."""
    line: int
    """Line of `[source]` (1-based); 0 for objects allocated outside steps."""
    function: str
    """Go's name of the function the line is in (`main.main`, `main.(*T).m`)."""
    code: str
    """The line's text, stripped ("" if the scenario has no such line)."""


@dataclass(frozen=True)
class ProfileSample:
    """One bucket of the profile: a site and one profiled size (Go buckets by stack and size)."""

    site: ProfileSite
    object_bytes: int
    """Profiled bytes of each allocation (the sample's "bytes" label)."""
    alloc_objects: int
    alloc_space: int
    inuse_objects: int
    inuse_space: int

    def value(self, sample_type: str) -> int:
        """The figure of one of `SAMPLE_TYPES`."""
        return int(getattr(self, sample_type))


@dataclass(frozen=True)
class HeapProfile:
    """The published heap profile at one moment of a run."""

    samples: tuple[ProfileSample, ...]
    """Buckets with at least one published allocation, by site then size."""
    as_of_gc: int
    """The GC cycle (gctrace's `gc N`) as of whose mark termination it is; 0: none yet."""
    cycles: int
    """GC cycles ended so far (mark terminations)."""
    source_name: str
    """The Go file the lines are in (`[source]`'s `file`)."""

    def total(self, sample_type: str) -> int:
        """Sum of one of `SAMPLE_TYPES` over all samples."""
        return sum(s.value(sample_type) for s in self.samples)


@dataclass(frozen=True)
class TopRow:
    """One line of `go tool pprof -top -lines`: a source line's flat figures."""

    site: ProfileSite
    flat: int
    """The chosen sample type's value at this line."""
    share: float
    """flat / the profile's total of that type (0 when the total is 0)."""
    inuse_space: int
    inuse_objects: int
    alloc_space: int
    alloc_objects: int


_FUNC = re.compile(r"^func\s*(?:\(\s*(?:\w+\s+)?(\*?)\s*(\w+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)")
_PACKAGE = re.compile(r"^package\s+(\w+)")


def function_at(source_lines: tuple[str, ...] | list[str], line: int) -> str:
    """Go's symbol name of the function that source line `line` (1-based) is in.

    The nearest `func` declaration at or above the line, unless a top-level closing
    brace comes between (then the line is at package level, which Go runs in the
    package's `init`). Package `main` is named `main`, as in Go's symbols; a scenario
    without source lines allocates in `main.main`.
    """
    package = "main"
    for text in source_lines:
        found = _PACKAGE.match(text)
        if found:
            package = found.group(1)
            break
    if not source_lines:
        return f"{package}.main"
    k = min(max(line, 1), len(source_lines)) - 1
    while k >= 0:
        text = source_lines[k]
        found = _FUNC.match(text)
        if found:
            star, receiver, name = found.groups()
            if receiver:
                return f"{package}.(*{receiver}).{name}" if star else f"{package}.{receiver}.{name}"
            return f"{package}.{name}"
        if text.startswith("}") and k != line - 1:
            break
        k -= 1
    return f"{package}.init"


def _site_line(program: Program, path: tuple[int, ...]) -> int:
    if not path:
        return 0
    if len(path) > 1:
        body_lines = program.extra.get("body_lines")
        if isinstance(body_lines, dict):
            line = body_lines.get(path)
            if isinstance(line, int):
                return line
    return program.steps[path[0]].line


def _sites(program: Program, paths: list[tuple[int, ...]]) -> list[ProfileSite]:
    source = tuple(program.source.splitlines())
    out = []
    for path in paths:
        line = _site_line(program, path)
        if not path:
            out.append(ProfileSite(path, 0, OUTSIDE_STEPS, ""))
            continue
        code = source[line - 1].strip() if 1 <= line <= len(source) else ""
        out.append(ProfileSite(path, line, function_at(source, line), code))
    return out


_SMALL_SLOT_MAX = 32768
"""The biggest size-class slot: small slots are multiples of 8 up to it (`sizeclasses.go`)."""


def _size_indexes(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct sizes ascending, each entry's index among them), without sorting the
    entries: small slots are counted in 8-byte bins, only large objects' sizes are sorted."""
    small = sizes <= _SMALL_SLOT_MAX
    bins = np.bincount(sizes[small] >> 3, minlength=_SMALL_SLOT_MAX // 8 + 1)
    used_small = np.flatnonzero(bins)
    dense = np.full(len(bins), -1, dtype=np.int64)
    dense[used_small] = np.arange(len(used_small))
    index = np.empty(len(sizes), dtype=np.int64)
    index[small] = dense[sizes[small] >> 3]
    large_sizes, large_index = np.unique(sizes[~small], return_inverse=True)
    index[~small] = len(used_small) + large_index.ravel()
    return np.concatenate((used_small * 8, large_sizes)), index


def heap_profile(runtime: Runtime, program: Program) -> HeapProfile:
    """The heap profile a Go program would publish now (see the module docstring).

    It changes only when a GC publishes a cycle: allocations count up to a cycle's first
    object id, and the frees it counts were all made by sweeps that are over. So the
    result is cached until then (the read cache is emptied by a rewind).
    """
    heap = runtime.heap
    book = heap.profile
    objects = heap.objects
    published = book.published
    # Mallocs of cycle C count in C+2: objects allocated before mark termination P-1.
    cutoff = book.cycle_first_object[published - 2] if published >= 2 else 0
    key = (published, cutoff, objects.profile_cycle, id(program))
    cached = runtime.read_cache.get("heap_profile")
    if isinstance(cached, tuple) and cached[0] == key:
        return cached[1]
    samples: list[ProfileSample] = []
    profiled = objects.obj_profiled[:cutoff]
    counted = np.flatnonzero(profiled > 0)
    if counted.size:
        sizes, size_of = _size_indexes(profiled[counted])
        site_of = objects.obj_site[:cutoff][counted].astype(np.int64) + 1  # 0: outside steps
        bucket = site_of * len(sizes) + size_of
        nbuckets = (len(book.sites) + 1) * len(sizes)
        freed = objects.obj_freed[:cutoff][counted]
        gone = (freed >= 0) & (freed + 1 <= published)
        allocs = np.bincount(bucket, minlength=nbuckets)
        frees = np.bincount(bucket[gone], minlength=nbuckets)
        used = np.flatnonzero(allocs)
        paths = [book.sites[int(b) // len(sizes) - 1] if b >= len(sizes) else () for b in used]
        sites = _sites(program, paths)
        # Go buckets by stack and size: steps on one line (a step and its loop's body
        # items, say) are one stack, so they share a bucket (the first step's site).
        merged: dict[tuple[int, str, int], tuple[ProfileSite, int, int]] = {}
        for site, b in zip(sites, used.tolist()):
            size = int(sizes[b % len(sizes)])
            k = (site.line, site.function, size)
            first, a, f = merged.get(k, (site, 0, 0))
            merged[k] = (first, a + int(allocs[b]), f + int(frees[b]))
        for (_, _, size), (site, a, f) in merged.items():
            samples.append(ProfileSample(site, size, a, a * size, a - f, (a - f) * size))
    samples.sort(key=lambda s: (s.site.line, s.site.function, s.object_bytes))
    result = HeapProfile(tuple(samples), max(published - 1, 0), objects.profile_cycle, program.source_name)
    runtime.read_cache["heap_profile"] = (key, result)
    return result


def top_lines(profile: HeapProfile, sample_type: str = "inuse_space") -> tuple[TopRow, ...]:
    """The profile by source line, biggest `sample_type` first, as `go tool pprof -top
    -lines` lists it (ties by line); lines whose figure is 0 are left out."""
    if sample_type not in dict(SAMPLE_TYPES):
        raise ValueError(f"unknown sample type {sample_type!r}")
    by_line: dict[tuple[int, str], list[int]] = {}
    site_of: dict[tuple[int, str], ProfileSite] = {}
    for s in profile.samples:
        key = (s.site.line, s.site.function)
        site_of.setdefault(key, s.site)
        acc = by_line.setdefault(key, [0, 0, 0, 0])
        acc[0] += s.inuse_space
        acc[1] += s.inuse_objects
        acc[2] += s.alloc_space
        acc[3] += s.alloc_objects
    column = {"inuse_space": 0, "inuse_objects": 1, "alloc_space": 2, "alloc_objects": 3}[sample_type]
    total = sum(acc[column] for acc in by_line.values())
    rows = [
        TopRow(site_of[key], acc[column], acc[column] / total if total else 0.0, *acc)
        for key, acc in by_line.items() if acc[column]
    ]
    rows.sort(key=lambda r: (-r.flat, r.site.line, r.site.function))
    return tuple(rows)
