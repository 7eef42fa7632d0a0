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
from pathlib import Path
from typing import TYPE_CHECKING

from gomemtui.serve.host import Host, ServeOptions, Session
from gomemtui.serve.hub import HubError, SyncHub
from gomemtui.serve.scenarios import Served, ServeError, resolve_served

if TYPE_CHECKING:
    from gomemtui.serve.ssh import SSHFront
    from gomemtui.serve.web import WebFront

__all__ = ["ServeOptions", "GomemServer", "ServeError"]

log = logging.getLogger("gomemtui.serve")


class GomemServer:
    """The running service."""

    def __init__(self, options: ServeOptions) -> None:
        options.check()
        self.options = options
        self.host: Host | None = None
        """What the fronts share (once started)."""
        self.hub: SyncHub | None = None
        self.ssh: SSHFront | None = None
        self.web: WebFront | None = None
        self._workdir: Path | None = None
        self._closing = False
        self._stopped = asyncio.Event()

    @property
    def served(self) -> Served | None:
        return self.host.served if self.host is not None else None

    @property
    def sessions(self) -> set[Session]:
        """Running viewer apps (SSH sessions and web visitors)."""
        return self.host.sessions if self.host is not None else set()

    @property
    def ssh_port(self) -> int | None:
        return self.ssh.port if self.ssh is not None else None

    @property
    def web_port(self) -> int | None:
        return self.web.port if self.web is not None else None

    async def start(self) -> None:
        """Check everything, then listen. Raises ServeError (nothing is left running then)."""
        options = self.options
        try:
            served = await asyncio.to_thread(resolve_served, options.target)
            host_key = None
            if options.ssh is not None and options.host_key is not None:
                from gomemtui.serve.hostkey import load_or_create_host_key

                host_key = load_or_create_host_key(options.host_key)
            self._workdir = Path(tempfile.mkdtemp(prefix="gomemtui-serve-"))
            hub_path = options.sync_socket.expanduser() if options.sync_socket else self._workdir / "sync.sock"
            self.hub = SyncHub(hub_path)
            try:
                await self.hub.start()
            except HubError as exc:
                raise ServeError(str(exc)) from None
            from gomemtui.serve.viewers import warm

            await warm()
            self.host = Host(options, served, hub_path, self._workdir)
            if options.ssh is not None and host_key is not None:
                from gomemtui.serve.ssh import SSHFront

                self.ssh = SSHFront(self.host, *options.ssh)
                try:
                    await self.ssh.start(host_key)
                except OSError as exc:
                    raise ServeError(f"--ssh {_hostport(options.ssh)}: cannot listen ({exc.strerror or exc})") from None
            if options.web is not None:
                from gomemtui.serve.web import WebFront

                self.web = WebFront(self.host, *options.web)
                try:
                    await self.web.start()
                except OSError as exc:
                    raise ServeError(f"--web {_hostport(options.web)}: cannot listen ({exc.strerror or exc})") from None
        except BaseException:
            await self._teardown()
            raise
        self._announce(served, hub_path)

    def _announce(self, served: Served, hub_path: Path) -> None:
        options = self.options
        what = f"{len(served.files)} scenarios from {served.root}" if served.folder else f"{served.files[0]}"
        log.info("serving %s; at most %d viewers", what, options.max_sessions)
        if self.ssh is not None and options.ssh is not None:
            log.info("ssh on %s:%d (%s)", options.ssh[0], self.ssh.port,
                     "public keys only" if not options.allow_anonymous else "ANY viewer")
            if options.allow_anonymous:
                log.warning("!!! --allow-anonymous: ANYONE who reaches %s:%d gets an app, without a key !!!",
                            options.ssh[0], self.ssh.port)
            if not options.presenter_keys:
                log.info("no --presenter-key: SSH viewers are all followers")
        if self.web is not None and options.web is not None:
            log.info("web on http://%s:%d/ (no sign-in on the web: anyone who reaches it gets an app)",
                     options.web[0], self.web.port)
        log.info("present from this machine: GOMEMTUI_SYNC=%s GOMEMTUI_ROLE=presenter gomemtui %s",
                 hub_path, served.files[0] if not served.folder else "SCENARIO")

    async def close(self, reason: str = "the server is shutting down") -> None:
        """Stop listening, end every app (telling its viewer why), remove our files."""
        if self._closing:
            await self._stopped.wait()
            return
        self._closing = True
        if self.host is not None:
            self.host.closing = True
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
        if self.hub is not None:
            await self.hub.close()
            self.hub = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    async def serve_forever(self) -> None:
        """Run until SIGTERM or SIGINT, then close gracefully."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        received: list[signal.Signals] = []

        def on_signal(sig: signal.Signals) -> None:
            received.append(sig)
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, on_signal, sig)
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(sig)
        log.info("%s: shutting down", received[0].name if received else "stop")
        await self.close("the server is shutting down")


def _hostport(pair: tuple[str, int]) -> str:
    host, port = pair
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
