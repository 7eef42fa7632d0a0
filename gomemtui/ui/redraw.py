"""Repainting only what changed: a frame that alters three lines costs three lines.

Every widget gets a new frame on every step. Refreshing a whole widget makes Textual
re-render all of its lines (and the compositor re-chop them); during playback most
lines are the same as before, so the Line-API widgets compare old and new content and
refresh just the runs of lines that differ.
"""

from __future__ import annotations

from typing import Iterable, Sequence


def changed_runs(changed: Iterable[bool]) -> list[tuple[int, int]]:
    """Runs of consecutive True flags, as (start, count)."""
    runs: list[tuple[int, int]] = []
    start = -1
    index = -1
    for index, flag in enumerate(changed):
        if flag and start < 0:
            start = index
        elif not flag and start >= 0:
            runs.append((start, index - start))
            start = -1
    if start >= 0:
        runs.append((start, index + 1 - start))
    return runs


def changed_lines(old: Sequence[object], new: Sequence[object]) -> list[tuple[int, int]]:
    """Runs of line indices whose content differs; lines present in only one list count as changed."""
    common = min(len(old), len(new))
    runs = changed_runs(old[i] != new[i] for i in range(common))
    extra = max(len(old), len(new)) - common
    if extra:
        if runs and runs[-1][0] + runs[-1][1] == common:
            start, count = runs.pop()
            runs.append((start, count + extra))
        else:
            runs.append((common, extra))
    return runs
