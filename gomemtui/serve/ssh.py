"""The SSH front (asyncssh): who may connect, and one app per session.

- Public keys only, from the authorized-keys file (re-read when it changes; its `from=`
  options apply). Keys given with --presenter-key are accepted too and make the viewer a
  presenter. Passwords are never accepted (not even offered). With --allow-anonymous, a
  client without an accepted key gets in as an anonymous follower (keyboard-interactive
  with no question), and the server says so loudly when it starts.
- A session is a PTY and the app: no shell, no other command (`ssh -t host NAME` opens
  the served scenario NAME, and nothing else), no subsystem (SFTP), no port or agent or
  X11 forwarding.
- Limits: --max-sessions apps at once (over SSH and web together), --max-per-key apps per
  connection and per key, an idle timeout (no byte either way), a login timeout.
  Connections not signed in yet are counted apart from signed-in ones, with a small cap
  per source address and in all (past it the oldest is dropped) and a short handshake
  timeout, so that unauthenticated connections cannot keep keyed viewers out. A signed-in
  connection without a session is closed after a minute. A refused viewer is told why.
- One log line per connection when it closes: who (user, key fingerprint, role), from
  where, how long, and how it went.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Mapping

import asyncssh

from gomemtui.serve.child import CRASH_MESSAGE, read_crash
from gomemtui.serve.compare_session import CompareRequest, is_compare_command, parse_compare_command
from gomemtui.serve.host import COLOR_LEVELS, Host
from gomemtui.serve.ptyapp import RESET_TERMINAL, PtyApp
from gomemtui.serve.scenarios import ServeError
from gomemtui.serve.viewers import start_viewer
from gomemtui.sync import ViewerConfig, locale_is_utf8
from gomemtui.units import format_duration

__all__ = ["KeyRing", "SSHFront", "color_system", "clean_term", "terminal_config"]

log = logging.getLogger("gomemtui.serve")

MORE_CHANNELS = 4
"""Session channels a connection may hold open beyond --max-per-key (those are refused with
a message); past them a channel is refused outright."""

DROP_LOG_PERIOD = 10.0
"""Seconds over which the connections dropped before signing in from one address are
logged as one line and a count."""

BANNER = "gomemtui: sign in with your SSH key (passwords are not accepted).\r\n"

_TERM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
_TEXTUAL_COLORS = {"16": "standard", "256": "256", "truecolor": "truecolor"}


def clean_term(term: str | None) -> str:
    """The client's TERM if it looks like a terminal name, else a safe default."""
    if term and _TERM.match(term):
        return term
    return "xterm-256color" if term else "xterm"


def color_system(term: str, colorterm: str | None, cap: str = "truecolor") -> str:
    """"16", "256" or "truecolor": what the terminal announces, at most `cap`."""
    if colorterm and colorterm.strip().lower() in ("truecolor", "24bit"):
        level = "truecolor"
    elif "256col" in term:
        level = "256"
    else:
        level = "16"
    return COLOR_LEVELS[min(COLOR_LEVELS.index(level), COLOR_LEVELS.index(cap))]


def terminal_config(term: str | None, client_env: Mapping[str, str], *, colors: str = "truecolor",
                    force_ascii: bool = False) -> ViewerConfig:
    """What an SSH client's terminal asks for (checked first), as a viewer configuration.

    From the client, only TERM, COLORTERM, NO_COLOR and whether the locale is UTF-8 count.
    Colors follow the terminal, capped by `colors`; a locale that is not UTF-8 (or
    `force_ascii`) turns on ASCII glyphs.
    """
    clean = clean_term(term)
    level = color_system(clean, client_env.get("COLORTERM"), colors)
    return ViewerConfig(term=clean, color_system=_TEXTUAL_COLORS[level], truecolor=level == "truecolor",
                        no_color="NO_COLOR" in client_env, ascii=force_ascii or not locale_is_utf8(client_env))


class KeyRing:
    """The accepted keys: the authorized-keys file and the presenter keys, re-read on change."""

    def __init__(self, authorized: Path | None, presenters: tuple[Path, ...]) -> None:
        self.authorized_path = authorized
        self.presenter_paths = presenters
        self._stamp: tuple[tuple[str, int | None, int | None], ...] | None = None
        self.authorized: asyncssh.SSHAuthorizedKeys | None = None
        self.presenters: asyncssh.SSHAuthorizedKeys | None = None
        self.load(strict=True)

    def _stamps(self) -> tuple[tuple[str, int | None, int | None], ...]:
        out: list[tuple[str, int | None, int | None]] = []
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
        self.host = front.host
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = ("?", 0)
        self.started = time.monotonic()
        self.username = ""
        self.role = "follower"
        self.key_fp = ""
        self.authenticated = False
        self.handshaken = False
        """The client finished the key exchange and began to sign in."""
        self.sessions = 0
        self.channels = 0
        """Session channels open now (running an app or not)."""
        self.apps = 0
        """Sessions whose app runs (or starts) now: at most `max_per_key`."""
        self.outcomes: list[str] = []
        self.refused = ""
        self.tasks: set[asyncio.Task] = set()
        """Its sessions still running."""
        self._timer: asyncio.TimerHandle | None = None
        """The handshake timeout, then (signed in, no session open) the no-session timeout."""

    # -- connection ---------------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer = (str(peer[0]), int(peer[1]) if len(peer) > 1 else 0)
        self.front.admit(self)
        self._timer = asyncio.get_running_loop().call_later(self.host.options.handshake_timeout,
                                                            self._handshake_expired)

    def _handshake_expired(self) -> None:
        self._timer = None
        if not self.handshaken:
            self.drop(f"dropped: no SSH handshake within {format_duration(self.host.options.handshake_timeout)}")

    def drop(self, why: str) -> None:
        """Close the connection at once (it has not signed in): `why` goes to its log line."""
        self.refused = self.refused or why
        self.front.connections.discard(self)
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.abort()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def session_opened(self) -> None:
        """A session channel opened: the no-session timeout stops."""
        self.channels += 1
        self._cancel_timer()

    def session_closed(self) -> None:
        """A session channel closed: with none left, the no-session timeout starts."""
        self.channels = max(0, self.channels - 1)
        if self.channels == 0 and self.authenticated:
            self._arm_no_session()

    def _arm_no_session(self) -> None:
        self._cancel_timer()
        options = self.host.options
        limit = min(options.no_session_timeout, options.idle_timeout or options.no_session_timeout)
        if limit > 0 and self.conn is not None:
            self._timer = asyncio.get_running_loop().call_later(limit, self._no_session_expired, limit)

    def _no_session_expired(self, limit: float) -> None:
        self._timer = None
        if self.channels == 0 and self.conn is not None:
            self.outcomes.append(f"closed after {format_duration(limit)} without a session")
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION,
                                 f"gomemtui: closed after {format_duration(limit)} without a session")

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        self.front.connections.discard(self)
        pending = [t for t in self.tasks if not t.done()]
        if pending:  # log when its sessions have ended (their apps are being stopped)
            async def later() -> None:
                await asyncio.wait(pending, timeout=self.host.options.stop_grace + 5)
                self._log(exc)

            asyncio.get_running_loop().create_task(later())
        else:
            self._log(exc)

    def _log(self, exc: Exception | None) -> None:
        host, port = self.peer
        who = self.username or "?"
        if self.authenticated:
            who += f" ({self.key_fp or 'anonymous'}, {self.role})"
        took = format_duration(time.monotonic() - self.started)
        if not self.authenticated:
            outcome = self.refused or "not signed in (no accepted key)"
        elif self.sessions:
            outcome = f"{self.sessions} session{'s' if self.sessions != 1 else ''}: " + "; ".join(self.outcomes)
        else:
            outcome = "; ".join(["no session", *self.outcomes])
        if exc is not None and not isinstance(exc, asyncssh.ConnectionLost):
            outcome += f" [{type(exc).__name__}: {exc}]"
        line = f"ssh {who} from {host}:{port}, {took}, {outcome}"
        if self.refused.startswith("dropped:"):
            self.front.log_dropped(host, line)
        else:
            log.info("%s", line)

    def begin_auth(self, username: str) -> bool:
        self.username = username[:64]
        self.handshaken = True
        if self._timer is not None and not self.authenticated:  # asyncssh's login timeout takes over
            self._cancel_timer()
        front = self.front
        if self.host.closing:
            self.refused = "refused: the server is shutting down"
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, "gomemtui: the server is shutting down")
            return True
        if not front.allow_anonymous and self.conn is not None:
            self.conn.send_auth_banner(BANNER)
        return True

    def auth_completed(self) -> None:
        signed_in = sum(1 for c in self.front.connections if c.authenticated)
        if signed_in >= self.front.max_connections:
            self.refused = "refused: too many connections"
            assert self.conn is not None
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                                 "gomemtui: too many connections right now; try again later")
            return
        self.authenticated = True
        if self.channels == 0:
            self._arm_no_session()

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

    def session_requested(self) -> asyncssh.SSHServerSession | bool:
        if self.channels >= self.host.options.max_per_key + MORE_CHANNELS:
            self.outcomes.append("refused a session channel: too many open")
            return False
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
        self.host = owner.host
        self.chan: asyncssh.SSHServerChannel | None = None
        self.app: PtyApp | None = None
        self.config: ViewerConfig | None = None
        """The app's configuration (once it starts)."""
        self.start: Path | None = None
        self.compare: CompareRequest | None = None
        """A comparison asked for by `ssh -t host compare ...`, instead of one scenario."""
        self.refusal = ""
        self.end_reason = ""
        self.task: asyncio.Task | None = None
        self.started = time.monotonic()

    # -- requests ------------------------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan
        chan.set_write_buffer_limits(high=256 * 1024, low=64 * 1024)
        self.owner.session_opened()

    def pty_requested(self, term_type: str, term_size: tuple, term_modes: object) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        name = command.strip()
        served = self.host.served
        if is_compare_command(name):
            try:
                self.compare = parse_compare_command(name, served)
            except ValueError as exc:
                self.refusal = f"gomemtui: {exc}"
            return True
        path = served.by_name(name)
        if path is None:
            names = ", ".join(served.names())
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
        self.owner.session_closed()

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
        owner, host = self.owner, self.host
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
        if host.closing:
            self._say("gomemtui: the server is shutting down.")
            self._exit(1)
            return
        limit = host.options.max_per_key
        front, key = owner.front, owner.key_fp
        if owner.apps >= limit or (key and front.apps_by_key.get(key, 0) >= limit):
            per = "connection" if owner.apps >= limit else "key"
            owner.outcomes.append(f"refused: {limit} sessions per {per}")
            self._say(f"gomemtui: at most {limit} session{'s' if limit != 1 else ''} at once per "
                      f"{'connection' if per == 'connection' else 'SSH key'}; close one to open another.")
            self._exit(1)
            return
        if not host.acquire():
            limit = host.options.max_sessions
            owner.outcomes.append("refused: server full")
            log.warning("ssh %s from %s: refused, %d sessions already", owner.username, owner.peer[0], limit)
            self._say(f"gomemtui: the server is full ({limit} viewers at most); "
                      "try again in a while.")
            self._exit(1)
            return
        owner.apps += 1
        if key:
            front.apps_by_key[key] = front.apps_by_key.get(key, 0) + 1
        home: Path | None = None
        status = 1
        crashed = False
        try:
            width, height, pixw, pixh = chan.get_terminal_size()
            home = host.new_home()
            options = host.options
            client_ip, client_port = owner.peer
            local = chan.get_extra_info("sockname") or ("127.0.0.1", 0)
            terminal = terminal_config(term, chan.get_environment(), colors=options.colors,
                                       force_ascii=options.ascii)
            config = self.config = host.viewer_config(home, replace(
                terminal, served="ssh", role=owner.role, fps=options.fps,
                who=owner.username + (f" {owner.key_fp}" if owner.key_fp else " anonymous"),
                ssh_connection=f"{client_ip} {client_port} {local[0]} {local[1]}",
            ))
            self.app = PtyApp((width or 80, height or 24), self._write)
            files, start, compare = host.served.files, self.start, self.compare
            await self.app.start(lambda slave: start_viewer(config, files, start, stdio=(slave,) * 3, terminal=True,
                                                            compare=compare))
            host.sessions.add(self)
            if self.end_reason:  # the viewer left (or the server began to stop) while it started
                self.stop(self.end_reason)
            idle = asyncio.get_running_loop().create_task(self._idle_watch())
            try:
                status = await self.app.wait()
            finally:
                idle.cancel()
            if self.app.killed:
                self._write(RESET_TERMINAL)
            crashed = self._report_crash(home, status)
            if self.end_reason and not self.end_reason.startswith("the viewer"):
                self._say(f"\r\ngomemtui: {self.end_reason}. Bye.")
        except Exception as exc:  # the server stays up whatever one session does
            log.exception("ssh session of %s failed", owner.username)
            self._say(f"gomemtui: the app could not start ({type(exc).__name__}).")
            if self.app is not None:
                await self.app.stop(0.5)
        finally:
            host.sessions.discard(self)
            host.release()
            owner.apps -= 1
            if key:
                front.release_key(key)
            if home is not None:
                shutil.rmtree(home, ignore_errors=True)
            took = format_duration(time.monotonic() - self.started)
            why = self.end_reason or ("crashed" if crashed else "quit" if status == 0 else f"exit {status}")
            owner.outcomes.append(f"app {took}, {why}")
            self._exit(status if status >= 0 else 1)

    def _report_crash(self, home: Path, status: int) -> bool:
        """Log what the app wrote to stderr (its crash report); tell the viewer if it crashed."""
        report = read_crash(home)
        if report is None:
            return False
        owner = self.owner
        log.error("ssh %s from %s: the app %s:\n%s", owner.username, owner.peer[0],
                  "failed" if status else "wrote to stderr", report)
        if status:
            self._write(RESET_TERMINAL)
            self._say("\r\n" + CRASH_MESSAGE)
        return bool(status)

    async def _idle_watch(self) -> None:
        limit = self.host.options.idle_timeout
        if not limit or limit <= 0:
            return
        period = max(0.05, min(5.0, limit / 4))
        while self.app is not None and self.app.running:
            await asyncio.sleep(period)
            if self.app is not None and time.monotonic() - self.app.last_activity > limit:
                self.stop(f"closed after {format_duration(limit)} without activity")
                return

    def stop(self, reason: str) -> None:
        """End the app (its session closes when it has quit)."""
        if not self.end_reason:
            self.end_reason = reason
        app = self.app
        if app is not None and app.running:
            asyncio.get_running_loop().create_task(app.stop(self.host.options.stop_grace))

    async def shutdown(self, reason: str) -> None:
        """End the app for the server's stop, and wait until the session has closed."""
        self.stop(reason)
        if self.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self.task), timeout=self.host.options.stop_grace + 3)


def _oldest(connections: list[_Connection]) -> _Connection:
    """The one to drop: the oldest still in its handshake, else the oldest."""
    return min(connections, key=lambda c: (c.handshaken, c.started))


class SSHFront:
    """The SSH listener."""

    def __init__(self, host: Host, address: str, port: int) -> None:
        self.host = host
        self.address, self.port = address, port
        opts = host.options
        self.allow_anonymous = opts.allow_anonymous
        self.keys = KeyRing(opts.authorized_keys, tuple(opts.presenter_keys))
        self.connections: set[_Connection] = set()
        """Open connections, signed in or not."""
        self.max_connections = 2 * opts.max_sessions + 8
        """Signed-in connections at most (connections not signed in yet are capped apart)."""
        self.apps_by_key: dict[str, int] = {}
        """Apps running per key fingerprint (at most `max_per_key` each)."""
        self._dropped: dict[str, int] = {}
        """Per address with a dropped connection logged in the last DROP_LOG_PERIOD: drops since."""
        self._listener: asyncssh.SSHAcceptor | None = None

    def admit(self, new: _Connection) -> None:
        """Count a new connection; drop the oldest not signed in if there are too many.

        Connections not signed in yet are capped per source address (`preauth_per_address`)
        and in all (`preauth_total`), apart from signed-in ones: past a cap, the oldest one
        still in its handshake (else the oldest) from that address — or, for the total, from
        the address with the most — is dropped, so the newcomer always gets its chance
        (sshd's MaxStartups refuses newcomers instead, which lets a flood keep everyone out).
        """
        opts = self.host.options
        waiting = [c for c in self.connections if not c.authenticated]
        self.connections.add(new)
        same = [c for c in waiting if c.peer[0] == new.peer[0]]
        if len(same) >= opts.preauth_per_address:
            _oldest(same).drop(f"dropped: {len(same) + 1} connections from its address not signed in")
        elif len(waiting) >= opts.preauth_total:
            by_address: dict[str, list[_Connection]] = {}
            for c in waiting:
                by_address.setdefault(c.peer[0], []).append(c)
            busiest = max(by_address.values(), key=len)
            _oldest(busiest).drop(f"dropped: {len(waiting) + 1} connections not signed in")

    def log_dropped(self, address: str, line: str) -> None:
        """Log a dropped connection: the first from `address` in DROP_LOG_PERIOD, then a count.

        A flood of connections that never sign in writes a line every DROP_LOG_PERIOD per
        address, not one per connection.
        """
        if address in self._dropped:
            self._dropped[address] += 1
            return
        log.info("%s", line)
        self._dropped[address] = 0
        asyncio.get_running_loop().call_later(DROP_LOG_PERIOD, self._log_more_dropped, address)

    def _log_more_dropped(self, address: str) -> None:
        more = self._dropped.pop(address, 0)
        if more:
            log.info("ssh: %d more connection%s from %s dropped before signing in (in %s)", more,
                     "s" if more != 1 else "", address, format_duration(DROP_LOG_PERIOD))

    def release_key(self, key: str) -> None:
        left = self.apps_by_key.get(key, 0) - 1
        if left > 0:
            self.apps_by_key[key] = left
        else:
            self.apps_by_key.pop(key, None)

    async def start(self, host_key: asyncssh.SSHKey) -> None:
        self._listener = await asyncssh.create_server(
            lambda: _Connection(self), self.address, self.port,
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
            login_timeout=self.host.options.login_timeout,
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

