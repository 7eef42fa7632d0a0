"""The SSH front (asyncssh): who may connect, and one app per session.

- Public keys only, from the authorized-keys file (re-read when it changes; its `from=`
  options apply). Keys given with --presenter-key are accepted too and make the viewer a
  presenter. Passwords are never accepted (not even offered). With --allow-anonymous, a
  client without an accepted key gets in as an anonymous follower (keyboard-interactive
  with no question), and the server says so loudly when it starts.
- A session is a PTY and the app: no shell, no other command (`ssh -t host NAME` opens
  the served scenario NAME, and nothing else), no subsystem (SFTP), no port or agent or
  X11 forwarding.
- Limits: --max-sessions apps at once (over SSH and web together), an idle timeout (no
  byte either way), a login timeout. A refused viewer is told why, in words.
- One log line per connection when it closes: who (user, key fingerprint, role), from
  where, how long, and how it went.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import asyncssh

from gomemtui.serve.environ import child_args, child_argv, viewer_env
from gomemtui.serve.ptyapp import RESET_TERMINAL, PtyApp

if TYPE_CHECKING:
    from gomemtui.serve.server import GomemServer

__all__ = ["KeyRing", "SSHFront", "fmt_duration"]

log = logging.getLogger("gomemtui.serve")

BANNER = "gomemtui: sign in with your SSH key (passwords are not accepted).\r\n"


def fmt_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class KeyRing:
    """The accepted keys: the authorized-keys file and the presenter keys, re-read on change."""

    def __init__(self, authorized: Path | None, presenters: tuple[Path, ...]) -> None:
        self.authorized_path = authorized
        self.presenter_paths = presenters
        self._stamp: tuple | None = None
        self.authorized: asyncssh.SSHAuthorizedKeys | None = None
        self.presenters: asyncssh.SSHAuthorizedKeys | None = None
        self.load(strict=True)

    def _stamps(self) -> tuple:
        out = []
        for p in (self.authorized_path, *self.presenter_paths):
            if p is None:
                continue
            try:
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(p), None, None))
        return tuple(out)

    def load(self, strict: bool = False) -> None:
        """Read the files (again); `strict`: raise ServeError on a problem, else keep the old keys."""
        from gomemtui.serve.scenarios import ServeError

        stamp = self._stamps()
        if stamp == self._stamp:
            return
        try:
            authorized = (asyncssh.read_authorized_keys(str(self.authorized_path))
                          if self.authorized_path is not None else None)
            presenters = None
            if self.presenter_paths:
                text = "".join(p.read_text() + "\n" for p in self.presenter_paths)
                presenters = asyncssh.import_authorized_keys(text)
        except (OSError, ValueError, asyncssh.KeyImportError) as exc:
            message = f"cannot read the keys: {exc}"
            if strict:
                raise ServeError(message) from None
            log.error("%s (keeping the keys read before)", message)
            return
        self.authorized, self.presenters, self._stamp = authorized, presenters, stamp

    def role_of(self, key: asyncssh.SSHKey, host: str, addr: str) -> str | None:
        """"presenter", "viewer", or None if the key is not accepted."""
        self.load()
        if self.presenters is not None and self.presenters.validate(key, host, addr) is not None:
            return "presenter"
        if self.authorized is not None and self.authorized.validate(key, host, addr) is not None:
            return "viewer"
        return None


class _Connection(asyncssh.SSHServer):
    """One client connection: authentication, its sessions, and its log line."""

    def __init__(self, front: "SSHFront") -> None:
        self.front = front
        self.server = front.server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = ("?", 0)
        self.started = time.monotonic()
        self.username = ""
        self.role = "follower"
        self.key_fp = ""
        self.authenticated = False
        self.sessions = 0
        self.outcomes: list[str] = []
        self.refused = ""
        self.tasks: set[asyncio.Task] = set()
        """Its sessions still running."""

    # -- connection ---------------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer = (str(peer[0]), int(peer[1]) if len(peer) > 1 else 0)
        self.over_limit = len(self.front.connections) >= self.front.max_connections
        """Refused at sign-in: too many connections were open when it arrived."""
        self.front.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.front.connections.discard(self)
        pending = [t for t in self.tasks if not t.done()]
        if pending:  # log when its sessions have ended (their apps are being stopped)
            async def later() -> None:
                await asyncio.wait(pending, timeout=self.server.options.stop_grace + 5)
                self._log(exc)

            asyncio.get_running_loop().create_task(later())
        else:
            self._log(exc)

    def _log(self, exc: Exception | None) -> None:
        host, port = self.peer
        who = self.username or "?"
        if self.authenticated:
            who += f" ({self.key_fp or 'anonymous'}, {self.role})"
        took = fmt_duration(time.monotonic() - self.started)
        if not self.authenticated:
            outcome = self.refused or "not signed in (no accepted key)"
        elif self.outcomes:
            outcome = f"{self.sessions} session{'s' if self.sessions != 1 else ''}: " + "; ".join(self.outcomes)
        else:
            outcome = "no session"
        if exc is not None and not isinstance(exc, asyncssh.ConnectionLost):
            outcome += f" [{type(exc).__name__}: {exc}]"
        log.info("ssh %s from %s:%d, %s, %s", who, host, port, took, outcome)

    def begin_auth(self, username: str) -> bool:
        self.username = username[:64]
        front = self.front
        if front.closing:
            self.refused = "refused: the server is shutting down"
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, "gomemtui: the server is shutting down")
            return True
        if self.over_limit:
            self.refused = "refused: too many connections"
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                                 "gomemtui: too many connections right now; try again later")
            return True
        if not front.allow_anonymous and self.conn is not None:
            self.conn.send_auth_banner(BANNER)
        return True

    def auth_completed(self) -> None:
        self.authenticated = True

    # -- authentication ----------------------------------------------------------------------------

    def password_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        role = self.front.keys.role_of(key, self.peer[0], self.peer[0])
        if role is None:
            self.key_fp = ""
            self.role = "follower"
            return False
        self.key_fp = key.get_fingerprint()
        self.role = "presenter" if role == "presenter" else "follower"
        return True

    def kbdint_auth_supported(self) -> bool:
        return self.front.allow_anonymous

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> bool:
        if not self.front.allow_anonymous:
            return False
        self.key_fp = ""
        self.role = "follower"
        return True

    def validate_kbdint_response(self, username: str, responses: object) -> bool:
        return self.front.allow_anonymous

    # -- what a client may open: a session, nothing else ---------------------------------------------

    def session_requested(self) -> asyncssh.SSHServerSession:
        return _AppSession(self)

    def connection_requested(self, *args: object) -> bool:
        return False

    def server_requested(self, *args: object) -> bool:
        return False

    def unix_connection_requested(self, *args: object) -> bool:
        return False

    def unix_server_requested(self, *args: object) -> bool:
        return False

    def tun_requested(self, *args: object) -> bool:
        return False

    def tap_requested(self, *args: object) -> bool:
        return False


class _AppSession(asyncssh.SSHServerSession):
    """One SSH session: a PTY with the app on it."""

    def __init__(self, owner: _Connection) -> None:
        self.owner = owner
        self.server = owner.server
        self.chan: asyncssh.SSHServerChannel | None = None
        self.app: PtyApp | None = None
        self.start: Path | None = None
        self.refusal = ""
        self.end_reason = ""
        self.task: asyncio.Task | None = None
        self.started = time.monotonic()

    # -- requests ------------------------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan
        chan.set_write_buffer_limits(high=256 * 1024, low=64 * 1024)

    def pty_requested(self, term_type: str, term_size: tuple, term_modes: object) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        name = command.strip()
        served = self.server.served
        path = served.by_name(name) if served is not None else None
        if path is None:
            names = ", ".join(served.names()) if served is not None else ""
            self.refusal = (f"gomemtui: there is no command here, only the app; {name[:60]!r} is not a "
                            f"served scenario (served: {names}).")
        else:
            self.start = path
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.owner.outcomes.append(f"refused subsystem {subsystem[:20]!r}")
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def signal_received(self, signal: str) -> None:
        pass

    def session_started(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())
        self.owner.tasks.add(self.task)
        self.task.add_done_callback(self.owner.tasks.discard)

    # -- data ----------------------------------------------------------------------------------------

    def data_received(self, data: bytes, datatype: object) -> None:
        if self.app is not None:
            self.app.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self.app is not None:
            self.app.resize(width, height, pixwidth, pixheight)

    def eof_received(self) -> bool:
        self.stop("the viewer closed their input")
        return True

    def pause_writing(self) -> None:
        if self.app is not None:
            self.app.pause_output()

    def resume_writing(self) -> None:
        if self.app is not None:
            self.app.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop("the viewer left")

    # -- the app -------------------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        chan = self.chan
        if chan is not None and not chan.is_closing():
            chan.write(data)

    def _say(self, text: str) -> None:
        self._write(text.replace("\r\n", "\n").replace("\n", "\r\n").encode() + b"\r\n")

    def _exit(self, status: int) -> None:
        chan = self.chan
        if chan is not None and not chan.is_closing():
            chan.exit(status)

    async def _run(self) -> None:
        owner, server = self.owner, self.server
        chan = self.chan
        assert chan is not None
        owner.sessions += 1
        if self.refusal:
            owner.outcomes.append("refused a command")
            self._say(self.refusal)
            self._exit(1)
            return
        term = chan.get_terminal_type()
        if term is None:
            owner.outcomes.append("refused: no terminal")
            self._say("gomemtui: this is an app for your terminal; connect with a terminal: ssh -t ...")
            self._exit(1)
            return
        if server.closing:
            self._say("gomemtui: the server is shutting down.")
            self._exit(1)
            return
        if not server.limiter.acquire():
            owner.outcomes.append("refused: server full")
            log.warning("ssh %s from %s: refused, %d sessions already", owner.username, owner.peer[0],
                        server.limiter.limit)
            self._say(f"gomemtui: the server is full ({server.limiter.limit} viewers at most); "
                      "try again in a while.")
            self._exit(1)
            return
        home: Path | None = None
        status = 1
        try:
            width, height, pixw, pixh = chan.get_terminal_size()
            home = server.new_home()
            who = owner.username + (f" {owner.key_fp}" if owner.key_fp else " anonymous")
            host, port = owner.peer
            local = chan.get_extra_info("sockname") or ("127.0.0.1", 0)
            env = viewer_env(
                term=term, client_env=chan.get_environment(), home=home, kind="ssh",
                colors=server.options.colors, force_ascii=server.options.ascii, fps=server.options.fps,
                sync=server.hub_path, role=owner.role, who=who, scenarios=server.served.files,
                runtime_env=server.runtime_env, ssh_connection=f"{host} {port} {local[0]} {local[1]}",
            )
            argv = child_argv(server.served.files, self.start)
            self.app = PtyApp(argv, env, home, (width or 80, height or 24), self._write,
                              fork_args=child_args(server.served.files, self.start))
            await self.app.start(server.zygote)
            server.sessions.add(self)
            if self.end_reason:  # the viewer left (or the server began to stop) while it started
                self.stop(self.end_reason)
            idle = asyncio.get_running_loop().create_task(self._idle_watch())
            try:
                status = await self.app.wait()
            finally:
                idle.cancel()
            if self.app.killed:
                self._write(RESET_TERMINAL)
            if self.end_reason and not self.end_reason.startswith("the viewer"):
                self._say(f"\r\ngomemtui: {self.end_reason}. Bye.")
        except Exception as exc:  # the server stays up whatever one session does
            log.exception("ssh session of %s failed", owner.username)
            self._say(f"gomemtui: the app could not start ({type(exc).__name__}).")
            if self.app is not None:
                await self.app.stop(0.5)
        finally:
            server.sessions.discard(self)
            server.limiter.release()
            if home is not None:
                shutil.rmtree(home, ignore_errors=True)
            took = fmt_duration(time.monotonic() - self.started)
            why = self.end_reason or ("quit" if status == 0 else f"exit {status}")
            owner.outcomes.append(f"app {took}, {why}")
            self._exit(status if status >= 0 else 1)

    async def _idle_watch(self) -> None:
        limit = self.server.options.idle_timeout
        if not limit or limit <= 0:
            return
        period = max(0.05, min(5.0, limit / 4))
        while self.app is not None and self.app.running:
            await asyncio.sleep(period)
            if self.app is not None and time.monotonic() - self.app.last_activity > limit:
                self.stop(f"closed after {fmt_duration(limit)} without activity")
                return

    def stop(self, reason: str) -> None:
        """End the app (its session closes when it has quit)."""
        if not self.end_reason:
            self.end_reason = reason
        app = self.app
        if app is not None and app.running:
            asyncio.get_running_loop().create_task(app.stop(self.server.options.stop_grace))

    async def shutdown(self, reason: str) -> None:
        """End the app for the server's stop, and wait until the session has closed."""
        self.stop(reason)
        if self.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self.task), timeout=self.server.options.stop_grace + 3)


class SSHFront:
    """The SSH listener."""

    def __init__(self, server: "GomemServer", host: str, port: int) -> None:
        self.server = server
        self.host, self.port = host, port
        opts = server.options
        self.allow_anonymous = opts.allow_anonymous
        self.keys = KeyRing(opts.authorized_keys, tuple(opts.presenter_keys))
        self.connections: set[_Connection] = set()
        self.max_connections = 2 * opts.max_sessions + 8
        self._listener: asyncssh.SSHAcceptor | None = None

    @property
    def closing(self) -> bool:
        return self.server.closing

    async def start(self, host_key: asyncssh.SSHKey) -> None:
        self._listener = await asyncssh.create_server(
            lambda: _Connection(self), self.host, self.port,
            server_host_keys=[host_key],
            encoding=None,
            allow_pty=True,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            password_auth=False,
            kbdint_auth=self.allow_anonymous,
            public_key_auth=True,
            gss_host=None,
            login_timeout=self.server.options.login_timeout,
            keepalive_interval=30,
            keepalive_count_max=4,
            server_version="gomemtui",
            reuse_address=True,
        )
        sockets = self._listener.sockets or []
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._listener.wait_closed(), timeout=2)
            self._listener = None

    def drop_all(self) -> None:
        for connection in list(self.connections):
            if connection.conn is not None:
                with contextlib.suppress(Exception):
                    connection.conn.close()

