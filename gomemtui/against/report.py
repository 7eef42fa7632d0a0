"""The model's cycles beside real Go's: reading the log, playing the model, printing both.

`run X --against FILE` and `verify X` share everything here; they differ in where the
real log comes from (a file or stdin, or a build and run of the scenario's source).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

from gomemtui.commands import EXIT_PROBLEMS, EXIT_USAGE, error
from gomemtui.headless import TimelineLike, walk
from gomemtui.runtime.program import Program, RuntimeSettings
from gomemtui.runtime.read.against import FIGURE_LABELS, FIGURES, Comparison, CyclePair, ModelCycle, model_cycles
from gomemtui.runtime.read.gctrace_log import GCTraceLog, parse_gctrace
from gomemtui.units import format_bytes, json_printable, printable

__all__ = ["MAX_SKIPPED_SHOWN", "read_log", "play_model", "settings_env", "write_text", "write_json",
           "verdict_lines"]

MAX_SKIPPED_SHOWN = 20
"""Skipped lines reported one by one; past these, only their number."""
MAX_LOG_BYTES = 256 << 20
"""A log larger than this is refused: gctrace prints about 130 bytes per cycle."""


def settings_env(settings: RuntimeSettings) -> dict[str, str]:
    """GOGC, GOMEMLIMIT and GOMAXPROCS as real Go reads them, for the model's settings."""
    return {
        "GOGC": "off" if settings.gogc is None else str(settings.gogc),
        "GOMEMLIMIT": "off" if settings.gomemlimit is None else str(settings.gomemlimit),
        "GOMAXPROCS": str(settings.gomaxprocs),
    }


def _settings_text(settings: RuntimeSettings) -> str:
    env = settings_env(settings)
    if settings.gomemlimit is not None:  # the byte count is what Go reads; the size is what people read
        env["GOMEMLIMIT"] = format_bytes(settings.gomemlimit, exact_below=1024, largest="PiB", trim=True)
    text = " ".join(f"{k}={v}" for k, v in env.items())
    return text + ("" if settings.green_tea else " GOEXPERIMENT=nogreenteagc")


def read_log(arg: str, stdin: TextIO | None = None) -> GCTraceLog | int:
    """The log named on the command line (`-` for stdin), its skipped lines reported on
    stderr; or an exit status after saying why there is nothing to compare."""
    name = "<stdin>" if arg == "-" else arg
    try:
        if arg == "-":
            data = (stdin or sys.stdin).buffer.read(MAX_LOG_BYTES + 1)
        else:
            with Path(arg).open("rb") as f:
                data = f.read(MAX_LOG_BYTES + 1)
    except OSError as exc:
        error(f"{name}: cannot read the gctrace log: {exc.strerror or exc}")
        return EXIT_USAGE
    if len(data) > MAX_LOG_BYTES:
        error(f"{name}: the log is larger than {format_bytes(MAX_LOG_BYTES)}; cut it to the run you mean")
        return EXIT_PROBLEMS
    log = parse_gctrace(data.decode("utf-8", errors="replace"), name)
    report_skipped(log)
    return log if has_cycles(log) else EXIT_PROBLEMS


def report_skipped(log: GCTraceLog) -> None:
    """Each skipped line as `FILE:LINE: not a gctrace line: ...` on stderr (the first few)."""
    problems = log.problems()
    for message in problems[:MAX_SKIPPED_SHOWN]:
        print(message, file=sys.stderr)
    if len(problems) > MAX_SKIPPED_SHOWN:
        print(printable(f"{log.name}: {len(problems) - MAX_SKIPPED_SHOWN} more lines skipped"), file=sys.stderr)


def has_cycles(log: GCTraceLog) -> bool:
    """True if the log has a cycle; otherwise says on stderr why it has none."""
    if log.cycles:
        return True
    if log.lines == 0:
        error(f"{log.name}: the gctrace log is empty")
    else:
        error(f"{log.name}: no gctrace line in {log.lines} line(s): run the program with "
              "GODEBUG=gctrace=1 and keep its standard error (2> FILE)")
    return False


def play_model(timeline: TimelineLike) -> tuple[ModelCycle, ...]:
    """Play the scenario to the end; its GC cycles from the "gc" events."""
    return model_cycles(e.data for r in walk(timeline) for e in r.events if e.kind == "gc")


# -- text ---------------------------------------------------------------------------------

_CELL = 17  # "model real   Δ" under one figure


def _figure_cell(pair: CyclePair, figure: str) -> str:
    model, real, diff = pair.model_mb(figure), pair.real_mb(figure), pair.difference(figure)
    shown = [("-" if v is None else str(v)) for v in (model, real)]
    delta = "" if not diff else f"{diff:+d}"
    return f" {shown[0]:>5} {shown[1]:>5} {delta:>3}"


def _forced_cell(pair: CyclePair) -> str:
    def word(c: Any) -> str:
        return "-" if c is None else ("yes" if c.forced else "no")
    return f"{word(pair.model):>5} {word(pair.real):>5}"


def _status(pair: CyclePair) -> str:
    if pair.real is None:
        return "model only"
    if pair.model is None:
        return "real Go only"
    if pair.agrees:
        return "agree"
    if not pair.forced_agrees:
        return "differ (forced)"
    return "differ"


def table_lines(comparison: Comparison) -> Iterator[str]:
    """The paired table: one row per cycle number."""
    head = "  gc |" + "|".join(f"{FIGURE_LABELS[f]:^{_CELL}}" for f in FIGURES) + "|   forced    |"
    sub = "     |" + "|".join(f"{'model  real   Δ':>{_CELL}}" for _ in FIGURES) + "| model  real |"
    yield head
    yield sub
    for p in comparison.pairs:
        cells = "|".join(f"{_figure_cell(p, f):>{_CELL}}" for f in FIGURES)
        yield f"{p.cycle:>4} |{cells}| {_forced_cell(p)} | {_status(p)}"


def summary_lines(comparison: Comparison) -> Iterator[str]:
    c = comparison
    yield "summary"
    yield f"  cycles: model {c.model_count}, real Go {c.real_count}"
    if c.paired:
        yield (f"  cycles that agree in every figure: {c.agree_count} of {c.paired} paired"
               f" ({c.within_one_mb} within 1 MB)")
        by_figure = ", ".join(f"{FIGURE_LABELS[f]} {c.agreeing[f]}" for f in FIGURES)
        yield f"  agreeing per figure: {by_figure}, forced or not {c.agreeing['forced']} (of {c.paired})"
    largest = c.largest_difference()
    if largest is not None:
        figure, mb, cycle = largest
        yield f"  largest difference: {FIGURE_LABELS[figure]} {mb:+d} MB at gc {cycle} (model − real)"


def write_text(comparison: Comparison, log: GCTraceLog, program: Program, out: TextIO,
               *, real_what: str | None = None) -> None:
    """The header, the paired table and the summary."""
    def write(text: str) -> None:
        out.write(printable(text) + "\n")

    if program.title:
        write(program.title)
    write(f"model: {program.source_name} with {_settings_text(program.settings)}")
    skipped = f"; {len(log.skipped)} line(s) skipped" if log.skipped else ""
    write(f"real Go: {real_what or log.name}, {len(log.cycles)} cycle(s){skipped}")
    procs = sorted({c.procs for c in log.cycles})
    if procs and procs != [program.settings.gomaxprocs]:
        ran = " and ".join(str(p) for p in procs)
        write(f"note: real Go ran with {ran} P, the model with GOMAXPROCS={program.settings.gomaxprocs}: "
              f"--gomaxprocs {procs[-1]} compares like with like")
    write("sizes in MB as gctrace prints them (bytes >> 20, truncated); the model's bytes are cut the same "
          "way, so 1 MB apart may be a few bytes across a MiB boundary")
    write("")
    for line in table_lines(comparison):
        write(line)
    write("")
    for line in summary_lines(comparison):
        write(line)


def verdict_lines(comparison: Comparison, log: GCTraceLog) -> Iterator[str]:
    """Plain words: do the program and the steps agree, and where not."""
    c = comparison
    if c.all_agree:
        yield (f"verdict: the program and the steps agree: {c.model_count} cycle(s) each, every figure "
               "the same after rounding")
        return
    reasons = []
    if c.model_count != c.real_count:
        reasons.append(f"real Go printed {c.real_count} cycle(s), the steps ran {c.model_count}")
    beyond = sum(1 for p in c.pairs if p.paired and any(abs(p.difference(f) or 0) > 1 for f in FIGURES))
    near = c.paired - c.agree_count - beyond
    if beyond:
        reasons.append(f"{beyond} of {c.paired} paired cycle(s) differ by more than rounding (2 MB or more)")
    if near:
        reasons.append(f"{near} differ by 1 MB or in being forced")
    cut = [s for s in log.skipped if s.text.startswith("gc ")]
    if cut:
        reasons.append(f"real Go's line {cut[-1].line_number} starts a cycle's line it never finished "
                       "(the program ended while the runtime printed it)")
    yield "verdict: the program and the steps disagree: " + "; ".join(reasons)
    yield ("  (a real cycle's trigger depends on measured timings, so real runs of one program differ "
           "by a cycle or a MB or two; run it again to see how much)")


# -- JSON Lines -----------------------------------------------------------------------------

def write_json(comparison: Comparison, log: GCTraceLog, out: TextIO, *, extra: dict[str, Any] | None = None) -> None:
    """One object per cycle number (model and real side by side), then the summary."""
    def dump(obj: Any) -> None:
        out.write(json_printable(json.dumps(obj, ensure_ascii=False, separators=(",", ":"))) + "\n")

    for pair in comparison.pairs:
        dump(pair.to_json())
    summary = comparison.to_json()
    summary.update(real_log=log.name, real_lines=log.lines, skipped_lines=len(log.skipped), **(extra or {}))
    dump(summary)
