"""What the fronts (SSH, web) get from the server: `ServeOptions` and a `Host`.

A front never sees the server itself: the `Host` holds what it needs (the options, the
served files, where the sync hub listens, the count of running apps and whether the
server is stopping), so the server imports its fronts and no front imports the server.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from gomemtui.serve.scenarios import Served, ServeError
from gomemtui.sync import ViewerConfig

__all__ = ["COLOR_LEVELS", "ServeOptions", "Session", "Host"]

COLOR_LEVELS = ("16", "256", "truecolor")
"""`--colors` values, fewest first."""


@dataclass
class ServeOptions:
    """Everything `gomemtui serve` was asked (see the command's --help)."""

    target: str
    """SCENARIO_OR_FOLDER."""
    ssh: tuple[str, int] | None = None
    web: tuple[str, int] | None = None
    authorized_keys: Path | None = None
    host_key: Path | None = None
    presenter_keys: tuple[Path, ...] = ()
    allow_anonymous: bool = False
    max_sessions: int = 20
    idle_timeout: float = 1800.0
    """Seconds without a byte either way before a viewer is disconnected (0: never)."""
    fps: int = 10
    """Frame-rate cap over SSH."""
    colors: str = "truecolor"
    """At most this many colors, one of COLOR_LEVELS (terminals that show fewer get fewer)."""
    ascii: bool = False
    sync_socket: Path | None = None
    public_url: str | None = None
    runtime_env: dict[str, str] = field(default_factory=dict)
    """GOGC, GOMEMLIMIT, GOMAXPROCS given to every app."""
    max_per_key: int = 2
    """Apps at once per SSH connection and per key (anonymous viewers: per connection)."""
    login_timeout: float = 30.0
    """Seconds a client has to sign in, from the moment it connects."""
    handshake_timeout: float = 10.0
    """Seconds a client has to finish the SSH handshake (key exchange) and start signing in."""
    preauth_per_address: int = 10
    """Connections not signed in yet from one address; past it, the oldest of them is dropped."""
    preauth_total: int = 64
    """Connections not signed in yet in all; past it, the oldest from the busiest address is dropped."""
    no_session_timeout: float = 60.0
    """Seconds a signed-in connection may stay open without a session (at most --idle-timeout)."""
    stop_grace: float = 3.0
    """Seconds an app has to quit before it is killed."""

    def check(self) -> None:
        if self.ssh is None and self.web is None:
            raise ServeError("say where to listen: --ssh HOST:PORT and/or --web HOST:PORT")
        if self.ssh is not None:
            if self.host_key is None:
                raise ServeError("--ssh needs --host-key FILE (made on first run)")
            if self.authorized_keys is None and not self.presenter_keys and not self.allow_anonymous:
                raise ServeError("--ssh needs --authorized-keys FILE (or --presenter-key FILE, "
                                 "or an explicit --allow-anonymous)")
        if self.max_sessions < 1:
            raise ServeError("--max-sessions must be at least 1")
        if self.max_per_key < 1:
            raise ServeError("--max-per-key must be at least 1")
        if self.colors not in COLOR_LEVELS:
            raise ServeError(f"--colors must be one of {', '.join(COLOR_LEVELS)}")
        if not 1 <= self.fps <= 60:
            raise ServeError("--fps must be between 1 and 60")


class Session(Protocol):
    """A running viewer's app, as the server ends it."""

    async def shutdown(self, reason: str) -> None: ...


@dataclass(eq=False)
class Host:
    """What a front needs from the server."""

    options: ServeOptions
    served: Served
    hub_path: Path
    """The sync hub's socket."""
    workdir: Path
    """The server's private folder (viewers' homes are made in it)."""
    sessions: set[Session] = field(default_factory=set)
    """Running viewer apps (SSH sessions and web visitors)."""
    closing: bool = False
    """The server is stopping: no new viewers."""
    used: int = 0
    """Apps started and not yet ended (at most `options.max_sessions`)."""

    @property
    def full(self) -> bool:
        return self.used >= self.options.max_sessions

    def acquire(self) -> bool:
        """Take a place for one more app; False when the server is full."""
        if self.full:
            return False
        self.used += 1
        return True

    def release(self) -> None:
        self.used = max(0, self.used - 1)

    def new_home(self) -> Path:
        """A private, empty folder for one viewer's app (its HOME and working directory)."""
        homes = self.workdir / "homes"
        homes.mkdir(mode=0o700, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="viewer-", dir=homes))

    def viewer_config(self, home: Path, viewer: ViewerConfig) -> ViewerConfig:
        """`viewer` with this server's hub, files and runtime settings, in `home`."""
        return replace(viewer, sync=str(self.hub_path), scenarios=self.served.files, home=str(home),
                       runtime_env=dict(self.options.runtime_env))
