"""`gomemtui serve` put together: the served scenarios, the sync hub, SSH and web fronts.

    server = GomemServer(ServeOptions("tour", ssh=("127.0.0.1", 0), authorized_keys=...))
    await server.start()          # ports are known after this (server.ssh_port, web_port)
    ...
    await server.close()          # viewers are told, apps quit, everything is removed

`serve_forever` runs until SIGTERM or SIGINT, then closes gracefully: no new viewers,
each app asked to quit (it restores the viewer's terminal), each viewer told why, and
the private working folder (sync socket, sessions' homes) removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gomemtui.serve.environ import COLOR_LEVELS
from gomemtui.serve.scenarios import Served, ServeError, resolve_served

__all__ = ["ServeOptions", "GomemServer", "Limiter", "ServeError"]

log = logging.getLogger("gomemtui.serve")


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
    preload: bool = True
    """Start viewers' apps from a warm zygote (see `gomemtui.serve.zygote`)."""
    login_timeout: float = 30.0
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
        if self.colors not in COLOR_LEVELS:
            raise ServeError(f"--colors must be one of {', '.join(COLOR_LEVELS)}")
        if not 1 <= self.fps <= 60:
            raise ServeError("--fps must be between 1 and 60")


class Limiter:
    """A count of running apps, at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    @property
    def full(self) -> bool:
        return self.used >= self.limit

    def acquire(self) -> bool:
        if self.full:
            return False
        self.used += 1
        return True

    def release(self) -> None:
        self.used = max(0, self.used - 1)


class _Session(Protocol):
    async def shutdown(self, reason: str) -> None: ...


class GomemServer:
    """The running service."""

    def __init__(self, options: ServeOptions, *, zygote=None) -> None:
        """`zygote`: a running `spawner.Zygote` to share (it is not closed with this server)."""
        options.check()
        self.options = options
        self.limiter = Limiter(options.max_sessions)
        self.sessions: set[_Session] = set()
        """Running viewer apps (SSH sessions and web visitors)."""
        self.closing = False
        self.served: Served | None = None
        self.hub = None
        self.hub_path: Path | None = None
        self.workdir: Path | None = None
        self.ssh = None
        self.web = None
        self.zygote = zygote
        """The warm app forker (None: apps are exec'd)."""
        self._own_zygote = zygote is None
        self._stopped = asyncio.Event()

    @property
    def runtime_env(self) -> dict[str, str]:
        return self.options.runtime_env

    @property
    def ssh_port(self) -> int | None:
        return self.ssh.port if self.ssh is not None else None

    @property
    def web_port(self) -> int | None:
        return self.web.port if self.web is not None else None

    def new_home(self) -> Path:
        """A private, empty folder for one viewer's app (its HOME and working directory)."""
        assert self.workdir is not None
        return Path(tempfile.mkdtemp(prefix="viewer-", dir=self.workdir / "homes"))

    async def start(self) -> None:
        """Check everything, then listen. Raises ServeError (nothing is left running then)."""
        options = self.options
        try:
            self.served = await asyncio.to_thread(resolve_served, options.target)
            host_key = None
            if options.ssh is not None:
                from gomemtui.serve.hostkey import load_or_create_host_key

                host_key = load_or_create_host_key(options.host_key)  # type: ignore[arg-type]
            self.workdir = Path(tempfile.mkdtemp(prefix="gomemtui-serve-"))
            (self.workdir / "homes").mkdir(mode=0o700)
            from gomemtui.serve.hub import HubError, SyncHub

            self.hub_path = options.sync_socket.expanduser() if options.sync_socket else self.workdir / "sync.sock"
            self.hub = SyncHub(self.hub_path)
            try:
                await self.hub.start()
            except HubError as exc:
                raise ServeError(str(exc)) from None
            if options.ssh is not None and options.preload and self.zygote is None:
                from gomemtui.serve.spawner import Zygote

                zygote = Zygote()
                if await zygote.start():
                    self.zygote = zygote
            if options.ssh is not None:
                from gomemtui.serve.ssh import SSHFront

                self.ssh = SSHFront(self, *options.ssh)
                try:
                    await self.ssh.start(host_key)
                except OSError as exc:
                    raise ServeError(f"--ssh {_hostport(options.ssh)}: cannot listen ({exc.strerror or exc})") from None
            if options.web is not None:
                from gomemtui.serve.web import WebFront

                self.web = WebFront(self, *options.web, options.public_url)
                try:
                    await self.web.start()
                except OSError as exc:
                    raise ServeError(f"--web {_hostport(options.web)}: cannot listen ({exc.strerror or exc})") from None
        except BaseException:
            await self._teardown()
            raise
        self._announce()

    def _announce(self) -> None:
        options, served = self.options, self.served
        assert served is not None
        what = (f"{len(served.files)} scenarios from {served.root}" if served.folder
                else f"{served.files[0]}")
        log.info("serving %s; at most %d viewers", what, options.max_sessions)
        if self.ssh is not None:
            log.info("ssh on %s:%d (%s)", options.ssh[0], self.ssh.port,  # type: ignore[index]
                     "public keys only" if not options.allow_anonymous else "ANY viewer")
            if options.allow_anonymous:
                log.warning("!!! --allow-anonymous: ANYONE who reaches %s:%d gets an app, without a key !!!",
                            options.ssh[0], self.ssh.port)  # type: ignore[index]
            if not options.presenter_keys:
                log.info("no --presenter-key: SSH viewers are all followers")
        if self.web is not None:
            log.info("web on http://%s:%d/ (no sign-in on the web: anyone who reaches it gets an app)",
                     options.web[0], self.web.port)  # type: ignore[index]
        log.info("present from this machine: GOMEMTUI_SYNC=%s GOMEMTUI_ROLE=presenter gomemtui %s",
                 self.hub_path, served.files[0] if not served.folder else "SCENARIO")

    async def close(self, reason: str = "the server is shutting down") -> None:
        """Stop listening, end every app (telling its viewer why), remove our files."""
        if self.closing:
            await self._stopped.wait()
            return
        self.closing = True
        if self.ssh is not None:
            await self.ssh.close()
        sessions = list(self.sessions)
        if sessions:
            log.info("ending %d session%s: %s", len(sessions), "s" if len(sessions) != 1 else "", reason)
            await asyncio.gather(*(s.shutdown(reason) for s in sessions), return_exceptions=True)
        await self._teardown()
        self._stopped.set()

    async def _teardown(self) -> None:
        if self.web is not None:
            await self.web.close()
            self.web = None
        if self.ssh is not None:
            await self.ssh.close()
            self.ssh.drop_all()
        if self.zygote is not None:
            if self._own_zygote:
                await self.zygote.close()
            self.zygote = None
        if self.hub is not None:
            await self.hub.close()
            self.hub = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    async def serve_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then close gracefully."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        names = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, lambda s=sig: (names.setdefault("sig", s), stop.set()))
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(sig)
        sig = names.get("sig")
        log.info("%s: shutting down", signal.Signals(sig).name if sig else "stop")
        await self.close("the server is shutting down")


def _hostport(pair: tuple[str, int]) -> str:
    host, port = pair
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

