"""The `GODEBUG=gctrace=1` line, byte for byte as Go 1.27 prints it.

`runtime/mgc.go gcMarkTermination` prints, once per completed cycle::

    gc 18 @0.044s 4%: 0.006+0.34+0.001 ms clock, 0.006+0.092/0/0+0.001 ms cpu,
    100->116->72 MB, 117 MB goal, 0 MB stacks, 0 MB globals, 1 P

(one line). The numbers are formatted by two tiny runtime helpers that this module
re-implements exactly: `itoaDiv` (an integer with a decimal point inserted, used for
the `@T s` start time in milliseconds with 3 decimals) and `fmtNSAsMS` (durations:
whole milliseconds from 10 ms up, otherwise two significant digits with at most three
decimals, so 340 µs prints `0.34`, 6 µs `0.006`, 1.2 ms `1.2`, 0 `0`). Sizes are
`bytes >> 20` — truncated MiB, although the line says "MB".

Where this simplifies real Go: nothing in the formatting. The record holds the raw
quantities the runtime reads (`work.tSweepTerm` etc. as durations, `work.heap0/1/2`,
`gcController.lastHeapGoal`, ...); producing those numbers is the collector's job.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GCTraceRecord", "fmt_ns_as_ms", "format_gctrace", "itoa_div"]


def itoa_div(val: int, dec: int) -> str:
    """`runtime/mgc.go itoaDiv`: `val` with a '.' inserted `dec` digits from the right.

    Zeros are added so there is always a digit before the point
    (`itoa_div(5, 3) == "0.005"`). Ported loop for loop, quirk included: with
    `dec == 0` a one-digit value gets a leading zero ("05"); gctrace never hits that
    case because `fmtNSAsMS` only uses `dec == 0` from 10 ms up.
    """
    if val < 0:
        raise ValueError("itoaDiv formats unsigned values")
    out: list[str] = []  # built right to left, like Go's buffer
    i = 0
    while val >= 10 or i <= dec:  # Go: i >= idec, with i counting down from the end
        out.append(chr(48 + val % 10))
        i += 1
        if i == dec:
            out.append(".")
            i += 1
        val //= 10
    out.append(chr(48 + val))
    return "".join(reversed(out))


def fmt_ns_as_ms(ns: int) -> str:
    """`runtime/mgc.go fmtNSAsMS`: a duration in ns as gctrace shows milliseconds.

    From 10 ms up: whole milliseconds. Below: microseconds cut to two significant
    digits, printed with at most three decimals (so precision is never faked).
    """
    if ns < 0:
        raise ValueError("fmtNSAsMS formats unsigned values")
    if ns >= 10_000_000:
        return itoa_div(ns // 1_000_000, 0)
    x = ns // 1000
    if x == 0:
        return "0"
    dec = 3
    while x >= 100:
        x //= 10
        dec -= 1
    return itoa_div(x, dec)


@dataclass(frozen=True)
class GCTraceRecord:
    """The raw quantities `gcMarkTermination` reads to print one gctrace line."""

    cycle: int
    """`memstats.numgc` after this cycle (gc 1 is the first)."""
    start_ns: int
    """`work.tSweepTerm - runtimeInitTime`: when the cycle started, since program start."""
    cpu_fraction: float
    """`memstats.gc_cpu_fraction`: GC CPU (idle marking excluded) / total CPU since start."""
    sweep_term_ns: int
    """Wall time of STW #1, sweep termination (`tMark - tSweepTerm`)."""
    mark_ns: int
    """Wall time of concurrent mark (`tMarkTerm - tMark`)."""
    mark_term_ns: int
    """Wall time of STW #2, mark termination (`tEnd - tMarkTerm`)."""
    assist_ns: int
    """CPU time of mark assists (`gcController.assistTime`)."""
    background_ns: int
    """CPU time of dedicated + fractional mark workers."""
    idle_ns: int
    """CPU time of idle-priority mark workers."""
    heap0: int
    """`work.heap0`: heapLive when the cycle started (bytes)."""
    heap1: int
    """`work.heap1`: heapLive at mark termination, objects allocated black included."""
    heap2: int
    """`work.heap2` = `work.bytesMarked`: the live heap this cycle found."""
    goal: int
    """`gcController.lastHeapGoal`: the goal this cycle was paced against."""
    stack_scan: int
    """`gcController.lastStackScan`: stack bytes scanned."""
    globals_scan: int
    """`gcController.globalsScan`: data + bss bytes."""
    procs: int
    """`work.maxprocs` (GOMAXPROCS)."""
    stw_procs: int | None = None
    """`work.stwprocs` (GOMAXPROCS capped at the CPU count); None means `procs`."""
    forced: bool = False
    """`work.userForced`: runtime.GC() or debug.FreeOSMemory()."""
    leak_check: bool = False
    """A goroutine-leak-detection cycle (`goroutineLeakDone`)."""


def format_gctrace(record: GCTraceRecord) -> str:
    """The exact `GODEBUG=gctrace=1` line for `record` (without the newline).

    Follows the print statements of `runtime/mgc.go gcMarkTermination` in order.
    """
    r = record
    stw = r.procs if r.stw_procs is None else r.stw_procs
    util = int(r.cpu_fraction * 100)  # int(memstats.gc_cpu_fraction * 100), truncation
    head = f"gc {r.cycle} @{itoa_div(r.start_ns // 1_000_000, 3)}s {util}%"
    if r.leak_check:
        head += " (checking for goroutine leaks)"
    clock = "+".join(fmt_ns_as_ms(ns) for ns in (r.sweep_term_ns, r.mark_ns, r.mark_term_ns))
    cpu = (
        f"{fmt_ns_as_ms(stw * r.sweep_term_ns)}+{fmt_ns_as_ms(r.assist_ns)}"
        f"/{fmt_ns_as_ms(r.background_ns)}/{fmt_ns_as_ms(r.idle_ns)}"
        f"+{fmt_ns_as_ms(stw * r.mark_term_ns)}"
    )
    line = (
        f"{head}: {clock} ms clock, {cpu} ms cpu, "
        f"{r.heap0 >> 20}->{r.heap1 >> 20}->{r.heap2 >> 20} MB, "
        f"{r.goal >> 20} MB goal, {r.stack_scan >> 20} MB stacks, "
        f"{r.globals_scan >> 20} MB globals, {r.procs} P"
    )
    if r.forced:
        line += " (forced)"
    return line
