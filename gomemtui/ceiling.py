"""Real-cost ceilings: the real memory and time a run may take before it stops cleanly.

`check` refuses scenarios whose estimated real cost is beyond its budget; these ceilings
are the second line, measured while running: between slices of a long step, `run`,
`screenshot` and the app ask `RealCeiling.check`, which raises `CeilingReached` (a clean
message, never a traceback) once the process's resident memory or the real time spent
passes its ceiling. Defaults: three quarters of the machine's memory, and 600 s for
`run`/`screenshot` (the app has no time ceiling: its user can interrupt a step).
Environment: GOMEMTUI_MAX_MEMORY (a byte count such as 4GiB) and GOMEMTUI_MAX_SECONDS.
"""

from __future__ import annotations

import os
import resource
import time

from gomemtui.scenario.sizes import parse_byte_count
from gomemtui.units import format_bytes

DEFAULT_SECONDS = 600.0
"""Real time `run` and `screenshot` may take by default."""
MEMORY_SHARE = 0.75
"""Share of the machine's memory the process may use by default."""


class CeilingReached(Exception):
    """The run passed a real-cost ceiling; the message says which and by how much."""


def machine_memory() -> int | None:
    """Bytes of physical memory, if the system says."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def resident_bytes() -> int:
    """The process's resident memory now (Linux: /proc/self/statm), else its peak so far."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak * (1 if os.uname().sysname == "Darwin" else 1024)


def parse_seconds(text: str) -> float:
    """Seconds for "600" or "2.5"; ValueError otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise ValueError(f"the time ceiling must be above 0 seconds, not {text!r}")
    return value


class RealCeiling:
    """Resident-memory and real-time ceilings checked between slices of work.

    Args:
        max_bytes: Resident memory allowed (None: three quarters of the machine's memory).
        max_seconds: Real time allowed from `start` (None: no time ceiling).
    """

    def __init__(self, max_bytes: int | None = None, max_seconds: float | None = None) -> None:
        if max_bytes is None:
            memory = machine_memory()
            max_bytes = int(memory * MEMORY_SHARE) if memory else None
        self.max_bytes = max_bytes
        """Resident memory allowed, or None."""
        self.max_seconds = max_seconds
        """Real time allowed from `start`, or None."""
        self.started = time.monotonic()
        """When the timed work started."""

    @classmethod
    def from_env(cls, max_seconds: float | None = None) -> RealCeiling:
        """Ceilings from GOMEMTUI_MAX_MEMORY / GOMEMTUI_MAX_SECONDS, else the defaults
        (`max_seconds` the caller's default); ValueError names a bad variable."""
        memory = os.environ.get("GOMEMTUI_MAX_MEMORY")
        seconds = os.environ.get("GOMEMTUI_MAX_SECONDS")
        try:
            max_bytes = parse_byte_count(memory) if memory else None
        except ValueError as exc:
            raise ValueError(f"GOMEMTUI_MAX_MEMORY: {exc}") from None
        try:
            limit = parse_seconds(seconds) if seconds else max_seconds
        except ValueError as exc:
            raise ValueError(f"GOMEMTUI_MAX_SECONDS: {exc}") from None
        return cls(max_bytes, limit)

    def start(self) -> None:
        """Start timing now."""
        self.started = time.monotonic()

    def check(self, where: str = "") -> None:
        """Raise `CeilingReached` if memory or time is past its ceiling."""
        at = f" ({where})" if where else ""
        if self.max_bytes is not None:
            used = resident_bytes()
            if used > self.max_bytes:
                raise CeilingReached(
                    f"stopped{at}: the simulation uses {format_bytes(used)} of real memory, over its "
                    f"ceiling of {format_bytes(self.max_bytes)} (raise it with GOMEMTUI_MAX_MEMORY or run's --max-memory)")
        if self.max_seconds is not None:
            spent = time.monotonic() - self.started
            if spent > self.max_seconds:
                raise CeilingReached(
                    f"stopped{at}: {spent:.1f} s of real time, over the ceiling of "
                    f"{self.max_seconds:g} s (raise it with GOMEMTUI_MAX_SECONDS or run's --max-seconds)")
