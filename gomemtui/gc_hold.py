"""Python's cyclic garbage collector, held off while the app starts.

Opening the app creates some 65,000 long-lived objects (Textual's modules, stylesheets,
widgets) and next to no cyclic garbage, yet the collector walks them again and again
while they are made: 60-90 ms of the time to the first frame on a 2-core machine, about
a fifth of it. `hold` turns the collector off before Textual is imported; `release`,
called once the scenario's first frame is on screen, moves everything alive by then into
the permanent generation (`gc.freeze`), so later collections during playback skip it,
and turns the collector back on. Reference counting frees acyclic garbage all along.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_held = False


def hold() -> None:
    """Turn the cyclic collector off until `release` (no-op if it is off already)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what is alive and turn the collector back on, if `hold` turned it off."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


@contextmanager
def holding() -> Iterator[None]:
    """`hold` for the block; `release` at its end if the app has not released it already."""
    hold()
    try:
        yield
    finally:
        release()


def held() -> bool:
    """Whether `hold` has the collector off now."""
    return _held
