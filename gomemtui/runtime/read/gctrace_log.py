"""Reading a real `GODEBUG=gctrace=1` log: the cycles real Go printed, line by line.

Go 1.21 and later print one line per completed cycle from `runtime/mgc.go
gcMarkTermination` (the format `gomemtui.runtime.gc.gctrace` writes for the model)::

    gc 18 @0.044s 4%: 0.006+0.34+0.001 ms clock, 0.006+0.092/0/0+0.001 ms cpu,
    100->116->72 MB, 117 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)

(one line; " (forced)" only after `runtime.GC()` or `debug.FreeOSMemory()`, and
" (checking for goroutine leaks)" before the colon on a leak-detection cycle). Sizes are
`bytes >> 20`: whole MiB, truncated, although the line says "MB".

A log is rarely only gctrace: the program's own output, the runtime's "GC forced"
(`proc.go forcegchelper`) and scavenger lines ("scvg", "scav"), panics, or a line cut
short when the program was killed. Every such line is kept as a `SkippedLine` with its
line number, and reading goes on: bad input never raises. Text before `gc N @` on the same
line is ignored, because the runtime writes the gctrace line to stderr in one piece
(under `printlock`), ended by its own newline, while the program's stdout may not have
ended its line yet when both go to one terminal.

Nothing here imports the runtime: this module reads text and hands frozen records to the
comparison (`against`) and to the pacer chart (`real_cycle_points`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from gomemtui.units import printable

__all__ = [
    "MIB", "GCTraceLog", "RealCycle", "RealCyclePoint", "SkippedLine",
    "parse_gctrace", "parse_gctrace_lines", "real_cycle_points",
]

MIB = 1 << 20
"""gctrace's "MB" is `bytes >> 20` (`runtime/mgc.go gcMarkTermination`)."""

_N = r"\d{1,19}"  # every figure is a Go uint64/int64; more digits are not a figure (and int() of
# thousands of digits is slow and, past sys.int_info.default_max_str_digits, raises)
_MS = r"\d{1,19}(?:\.\d{1,3})?"  # fmtNSAsMS: whole ms, or up to 3 decimals
_GCTRACE = re.compile(
    rf"gc (?P<cycle>{_N}) @(?P<secs>{_N})\.(?P<millis>\d{{3}})s (?P<percent>{_N})%"
    r"(?P<leak> \(checking for goroutine leaks\))?: "
    rf"(?P<clock>{_MS}\+{_MS}\+{_MS}) ms clock, "
    rf"(?P<cpu>{_MS}\+{_MS}/{_MS}/{_MS}\+{_MS}) ms cpu, "
    rf"(?P<heap0>{_N})->(?P<heap1>{_N})->(?P<heap2>{_N}) MB, (?P<goal>{_N}) MB goal, "
    rf"(?:(?P<stacks>{_N}) MB stacks, (?P<globals>{_N}) MB globals, )?"  # since Go 1.18
    rf"(?P<procs>{_N}) P(?P<forced> \(forced\))?$"
)
SHOWN_CHARS = 80
"""A skipped line is quoted up to this many characters."""


@dataclass(frozen=True)
class RealCycle:
    """One gctrace line: a cycle real Go completed. Sizes in whole MiB, as printed."""

    cycle: int
    """`gc N`: `memstats.numgc` after this cycle."""
    start_ms: int
    """`@T s`, in milliseconds: when the cycle started, since the program started."""
    cpu_percent: int
    """GC's share of the CPU since the program started, truncated to a whole percent."""
    clock_ms: tuple[float, float, float]
    """Wall time of sweep termination (STW), concurrent mark, mark termination (STW)."""
    cpu_ms: tuple[float, float, float, float, float]
    """CPU time: sweep termination, assists, background workers, idle workers, mark termination."""
    heap0_mb: int
    """Heap in use when the cycle started (`work.heap0 >> 20`)."""
    heap1_mb: int
    """Heap in use when marking ended (`work.heap1 >> 20`)."""
    live_mb: int
    """The live heap the cycle marked (`work.heap2 >> 20`)."""
    goal_mb: int
    """The goal this cycle was paced against (`gcController.lastHeapGoal >> 20`)."""
    stacks_mb: int | None
    """Stack bytes scanned; None on a line from before Go 1.18."""
    globals_mb: int | None
    """Data and BSS bytes scanned; None on a line from before Go 1.18."""
    procs: int
    """GOMAXPROCS."""
    forced: bool
    """" (forced)": `runtime.GC()` or `debug.FreeOSMemory()` started it."""
    leak_check: bool
    """A goroutine-leak-detection cycle."""
    line_number: int
    """Where the line is in the log (1 for the first line)."""


@dataclass(frozen=True)
class SkippedLine:
    """A line of the log that is not a gctrace line, or a cycle that cannot be used."""

    line_number: int
    text: str
    reason: str = "not a gctrace line"

    def message(self, name: str) -> str:
        """`FILE:LINE: reason: text`, the text shortened and its control characters escaped."""
        text = self.text if len(self.text) <= SHOWN_CHARS else self.text[:SHOWN_CHARS - 1] + "…"
        return printable(f"{name}:{self.line_number}: {self.reason}: {text}", multiline=False)


@dataclass(frozen=True)
class GCTraceLog:
    """What a log held: its cycles in order, and the lines skipped."""

    name: str
    """The file name as given (`-` or "<stdin>" for standard input), for messages."""
    cycles: tuple[RealCycle, ...]
    skipped: tuple[SkippedLine, ...]
    lines: int
    """How many lines the log had."""

    def problems(self) -> list[str]:
        """The `FILE:LINE: ...` message of every skipped line."""
        return [s.message(self.name) for s in self.skipped]


def _ms(text: str) -> float:
    return float(text)


def _match_cycle(line: str, number: int) -> RealCycle | None:
    m = _GCTRACE.search(line)
    if m is None or (m.start() > 0 and not _prefix_ends_cleanly(line, m.start())):
        return None
    clock = tuple(_ms(x) for x in m["clock"].split("+"))
    cpu = tuple(_ms(x) for x in re.split(r"[+/]", m["cpu"]))
    return RealCycle(
        cycle=int(m["cycle"]),
        start_ms=int(m["secs"]) * 1000 + int(m["millis"]),
        cpu_percent=int(m["percent"]),
        clock_ms=(clock[0], clock[1], clock[2]),
        cpu_ms=(cpu[0], cpu[1], cpu[2], cpu[3], cpu[4]),
        heap0_mb=int(m["heap0"]),
        heap1_mb=int(m["heap1"]),
        live_mb=int(m["heap2"]),
        goal_mb=int(m["goal"]),
        stacks_mb=None if m["stacks"] is None else int(m["stacks"]),
        globals_mb=None if m["globals"] is None else int(m["globals"]),
        procs=int(m["procs"]),
        forced=m["forced"] is not None,
        leak_check=m["leak"] is not None,
        line_number=number,
    )


def _prefix_ends_cleanly(line: str, start: int) -> bool:
    """`gc` starts a word: "progc 1 @..." is not a gctrace line with "pro" before it."""
    return not (line[start - 1].isalnum() or line[start - 1] == "_")


def parse_gctrace_lines(lines: Iterable[str], name: str) -> GCTraceLog:
    """Read gctrace lines (with or without their newlines); never raises on their content.

    Blank lines are passed over silently. A cycle number that does not follow the one
    before (a second run appended to the same file, or lines lost) is skipped with a
    reason, so each cycle number stands for one cycle.
    """
    cycles: list[RealCycle] = []
    skipped: list[SkippedLine] = []
    count = 0
    for count, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").rstrip()
        if not line.strip():
            continue
        cycle = _match_cycle(line, count)
        if cycle is None:
            skipped.append(SkippedLine(count, line.strip()))
        elif cycles and cycle.cycle <= cycles[-1].cycle:
            skipped.append(SkippedLine(
                count, line.strip(),
                f"gc {cycle.cycle} after gc {cycles[-1].cycle} (a second run in the same log?), skipped"))
        else:
            cycles.append(cycle)
    return GCTraceLog(name, tuple(cycles), tuple(skipped), count)


def parse_gctrace(text: str, name: str) -> GCTraceLog:
    """Read a whole log's text (lines split at "\\n"; a trailing "\\r" is dropped)."""
    if text.endswith("\n"):
        text = text[:-1]
    return parse_gctrace_lines(text.split("\n") if text else [], name)


@dataclass(frozen=True)
class RealCyclePoint:
    """One real cycle as the pacer chart draws it (bytes are the printed MiB × 2^20)."""

    cycle: int
    start_s: float
    """When the cycle started, in seconds since the program started."""
    heap_start: int
    """Heap in use at the start of the cycle (heap0), bytes."""
    goal: int
    """The heap goal the cycle was paced against, bytes."""
    live_end: int
    """The live heap the cycle marked (heap2), bytes."""
    forced: bool


def real_cycle_points(log: GCTraceLog) -> tuple[RealCyclePoint, ...]:
    """The log's cycles as points for a chart, oldest first.

    The printed figures are truncated to whole MiB, so each byte value is the bottom of
    the MiB the real value fell in (it was up to 1 MiB − 1 byte more).
    """
    return tuple(
        RealCyclePoint(c.cycle, c.start_ms / 1000, c.heap0_mb * MIB, c.goal_mb * MIB, c.live_mb * MIB, c.forced)
        for c in log.cycles
    )
