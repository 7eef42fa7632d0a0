"""Whether the runtime core (machine.py / timeline.py) is implemented yet.

Tests of `gomemtui run` against the real core are marked `requires_core`: they are
skipped while the core's Timeline still raises NotImplementedError (or is missing a
module), and run — and must pass — as soon as it lands. Nothing here fakes the core.
"""

from __future__ import annotations

import functools

import pytest


@functools.cache
def core_ready() -> bool:
    try:
        from gomemtui.runtime.timeline import Timeline
        from gomemtui.scenario import load_program

        Timeline(load_program("tour", env={})).step()
    except (NotImplementedError, ImportError):
        return False
    return True


requires_core = pytest.mark.skipif(
    "not __import__('tests.cli.core', fromlist=['core_ready']).core_ready()",
    reason="the runtime core (gomemtui/runtime/machine.py, timeline.py) is not implemented yet",
)
