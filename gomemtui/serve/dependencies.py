"""The serve extra's third-party libraries: which front needs which, and keeping their
import-time noise off the server's log.

    missing = missing_for(ssh=True, web=False)    # "asyncssh" or None
    quiet_dependency_warnings()                   # before importing asyncssh
"""

from __future__ import annotations

import importlib.util
import warnings

__all__ = ["FRONT_MODULES", "missing_for", "quiet_dependency_warnings"]

FRONT_MODULES: dict[str, tuple[str, ...]] = {
    "ssh": ("asyncssh",),
    "web": ("textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"),
}
"""The modules each front imports (`serve/ssh.py`, `serve/web.py`)."""


def missing_for(*, ssh: bool, web: bool) -> str | None:
    """The first module a requested front needs that is not installed, else None: `serve
    --ssh` alone must not need textual-serve."""
    wanted = (FRONT_MODULES["ssh"] if ssh else ()) + (FRONT_MODULES["web"] if web else ())
    for name in wanted:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # sys.modules[name] = None, or a broken entry
            found = False
        if not found:
            return name
    return None


def quiet_dependency_warnings() -> None:
    """Ignore the CryptographyDeprecationWarning lines asyncssh's modules trigger when they
    name cryptography's DSA classes at import (five lines before the server's first log
    line); only that category, only from asyncssh's modules."""
    try:
        from cryptography.utils import CryptographyDeprecationWarning
    except ImportError:  # no cryptography: nothing to quiet
        return
    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning, module=r"asyncssh(\.|$)")
