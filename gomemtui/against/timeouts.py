"""How long `gomemtui verify` lets real Go build and run (cheap to import: `--help` reads them)."""

from __future__ import annotations

BUILD_TIMEOUT_S = 300.0
"""The first build on a machine compiles the standard library (about 25 s on 2 cores)."""
RUN_TIMEOUT_S = 60.0
"""A scenario's program that loops for ever (memory-limit's) is stopped after this."""
