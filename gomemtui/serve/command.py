"""The `gomemtui serve` subcommand (named in `gomemtui.cli.COMMAND_MODULES`; it imports
`gomemtui.commands`, never the command line itself).

Cheap to import: asyncssh, textual-serve and textual are imported when it runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from pathlib import Path
from typing import Callable, TextIO

from gomemtui.units import printable

__all__ = ["register_commands", "parse_hostport", "parse_duration"]

DEFAULT_HOST_KEY = "~/.config/gomemtui/ssh_host_ed25519_key"


def parse_hostport(text: str) -> tuple[str, int]:
    """"127.0.0.1:2222", "[::1]:2222", ":2222" (all addresses) → (host, port)."""
    match = re.fullmatch(r"\s*(?:\[([0-9A-Fa-f:.]+)\]|([^:\s\[\]]*)):(\d{1,5})\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected HOST:PORT, e.g. 127.0.0.1:2222 or :2222")
    host = match.group(1) or match.group(2) or "0.0.0.0"
    port = int(match.group(3))
    if port > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: port {port} is out of range")
    return host, port


def parse_duration(text: str) -> float:
    """"900", "15m", "1h", "30s", "0" (never) → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: expected seconds or a duration like 15m or 1h")
    value = float(match.group(1))
    return value * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _configure(p: argparse.ArgumentParser) -> None:
    from gomemtui.commands import add_runtime_flags

    p.add_argument("target", metavar="SCENARIO_OR_FOLDER",
                   help="a scenario file, a bundled scenario's name, or a folder of scenario files "
                        "(viewers pick among them)")
    where = p.add_argument_group("where to listen")
    where.add_argument("--ssh", type=parse_hostport, metavar="HOST:PORT",
                       help="serve over SSH here (e.g. 0.0.0.0:2222)")
    where.add_argument("--web", type=parse_hostport, metavar="HOST:PORT",
                       help="serve in the browser here, with textual-serve (no sign-in on the web)")
    where.add_argument("--public-url", metavar="URL",
                       help="the web address visitors use, if not the one they reached (a proxy)")
    who = p.add_argument_group("who may connect (SSH)")
    who.add_argument("--authorized-keys", type=Path, metavar="FILE",
                     help="public keys allowed in, in OpenSSH's authorized_keys format")
    who.add_argument("--presenter-key", type=Path, action="append", default=[], metavar="FILE",
                     help="a public key (or authorized_keys file) whose viewer drives; the others follow. "
                          "Repeat for several")
    who.add_argument("--allow-anonymous", action="store_true",
                     help="let in anyone, without a key, as a follower (loudly logged)")
    who.add_argument("--host-key", type=Path, default=None, metavar="FILE",
                     help=f"the server's ed25519 key, made on first run with mode 0600 and never "
                          f"overwritten (default {DEFAULT_HOST_KEY})")
    limits = p.add_argument_group(
        "limits", "Fixed: SSH connections not signed in yet are counted apart from signed-in ones, at most "
                  "10 per address and 64 in all (one more drops the oldest); they must finish the SSH "
                  "handshake within 10 s and sign in within 30 s. A signed-in connection with no session "
                  "is closed after 1 minute. Windows are clamped to 1000x500 (SSH and web).")
    limits.add_argument("--max-sessions", type=_positive, default=20, metavar="N",
                        help="viewers at once, SSH and web together (default 20)")
    limits.add_argument("--max-per-key", type=_positive, default=2, metavar="N",
                        help="apps at once per SSH connection and per key (default 2); one more is "
                             "refused with a message")
    limits.add_argument("--idle-timeout", type=parse_duration, default=1800.0, metavar="TIME",
                        help="disconnect a viewer (SSH or web) after this long with nothing sent either way "
                             "(e.g. 900, 15m, 1h; 0: never; default 30m)")
    looks = p.add_argument_group("terminals")
    looks.add_argument("--fps", type=int, default=10, metavar="N",
                       help="frames per second at most over SSH (default 10)")
    looks.add_argument("--colors", choices=("16", "256", "truecolor"), default="truecolor",
                       help="at most this many colors (a terminal that announces fewer gets fewer)")
    looks.add_argument("--ascii", action="store_true",
                       help="ASCII glyphs only for every SSH viewer (automatic for a viewer whose "
                            "locale is not UTF-8)")
    p.add_argument("--sync-socket", type=Path, metavar="PATH",
                   help="where the presenter/follower hub listens (default: a private temporary folder)")
    p.add_argument("-v", "--verbose", action="store_true", help="log more (asyncssh's messages too)")
    add_runtime_flags(p)


def _run(args: argparse.Namespace) -> int:
    from gomemtui.commands import error, flag_overrides

    from gomemtui.serve.dependencies import missing_for, quiet_dependency_warnings

    # Only what the fronts asked for: `--ssh` alone runs without textual-serve (serve/web.py
    # is imported only for `--web`).
    missing = missing_for(ssh=args.ssh is not None, web=args.web is not None)
    if missing is not None:
        error(f"serve needs {missing}: pip install 'gomemtui[serve]'")
        return 1
    quiet_dependency_warnings()
    import asyncio

    from gomemtui.scenario.settings import SettingsError, overrides_from_env
    from gomemtui.serve.server import GomemServer, ServeError, ServeOptions
    from gomemtui.sync import RUNTIME_VARIABLES

    _setup_logging(args.verbose)
    runtime_env = {k: v for k, v in os.environ.items() if k in RUNTIME_VARIABLES}
    try:
        overrides_from_env(runtime_env)
    except SettingsError as exc:
        error(str(exc))
        return 2
    runtime_env.update(_runtime_flags_env(flag_overrides(args)))
    options = ServeOptions(
        target=args.target,
        ssh=args.ssh,
        web=args.web,
        authorized_keys=args.authorized_keys,
        host_key=(args.host_key or (Path(DEFAULT_HOST_KEY) if args.ssh else None)),
        presenter_keys=tuple(args.presenter_key),
        allow_anonymous=args.allow_anonymous,
        max_sessions=args.max_sessions,
        max_per_key=args.max_per_key,
        idle_timeout=args.idle_timeout,
        fps=args.fps,
        colors=args.colors,
        ascii=args.ascii,
        sync_socket=args.sync_socket,
        public_url=args.public_url,
        runtime_env=runtime_env,
    )

    async def main() -> int:
        server = GomemServer(options)
        try:
            await server.start()
        except ServeError as exc:
            error(str(exc))
            return 2
        await server.serve_forever()
        return 0

    try:
        return asyncio.run(main())
    except ServeError as exc:
        error(str(exc))
        return 2


def _runtime_flags_env(overrides: object) -> dict[str, str]:
    """The --gogc/--gomemlimit/--gomaxprocs flags given, as the environment spells them."""
    from gomemtui.scenario.settings import UNSET

    out: dict[str, str] = {}
    for name in ("gogc", "gomemlimit", "gomaxprocs"):
        value = getattr(overrides, name, UNSET)
        if value is not UNSET:
            out[name.upper()] = "off" if value is None else str(value)
    return out


class _StderrHandler(logging.StreamHandler):
    """Logs to whatever sys.stderr is when a line is written."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


class _PrintableFormatter(logging.Formatter):
    """Log lines with their control characters escaped: a message names user names, file
    names and scenario text that a visitor or a file may fill with terminal escapes, and
    a newline in one must not forge a log line. Tracebacks keep their lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record), multiline=False)


def _setup_logging(verbose: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(_PrintableFormatter("%(asctime)s gomemtui serve: %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("gomemtui.serve")
    logger.handlers[:] = [h for h in logger.handlers if not isinstance(h, _StderrHandler)] + [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("asyncssh").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("aiohttp").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("textual-serve").setLevel(logging.INFO if verbose else logging.WARNING)


def register_commands(register: Callable[..., object]) -> None:
    from gomemtui.commands import Command

    register(Command(
        "serve", "share the app over SSH and in a browser, with a presenter and followers",
        "Serve the app to viewers over SSH (each viewer's own app on their own terminal) and/or in "
        "a browser. Viewers sign in with a key from --authorized-keys (never a password); a viewer "
        "with a --presenter-key drives, the others follow live (e explores alone, f follows again). "
        "A viewer sees only the served scenario(s). See docs/serving.md.",
        """
        gomemtui serve tour --ssh 0.0.0.0:2222 --authorized-keys ~/.ssh/authorized_keys \\
            --host-key ~/.config/gomemtui/host_key --presenter-key ~/.ssh/id_ed25519.pub
        ssh -t -p 2222 demo@server             # a viewer (any user name; the key decides)
        ssh -t -p 2222 demo@server reslice     # straight into one served scenario
        gomemtui serve scenarios/ --web 127.0.0.1:8000          # in a browser
        gomemtui serve tour --ssh :2222 --host-key k --allow-anonymous --max-sessions 40
        ssh -t -p 2222 demo@server compare gogc-50 gogc-200   # two served scenarios side by side
        """,
        _configure, _run,
    ))
