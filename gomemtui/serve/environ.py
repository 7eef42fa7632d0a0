"""The environment of a viewer's app process.

It is built from scratch, not inherited: the server's own variables (credentials, paths)
never reach a viewer's process. From the viewer it takes only what a terminal needs —
TERM, COLORTERM, NO_COLOR and the locale's encoding — checked first. Colors follow the
terminal (truecolor when COLORTERM says so, 256 when TERM ends in 256color, else 16),
capped by `--colors`. A locale that is not UTF-8 (or `--ascii`) turns on ASCII glyphs.
Over SSH the frame rate is capped and animations are off (`gomemtui.ui.remote`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Mapping

import gomemtui

__all__ = ["COLOR_LEVELS", "color_system", "viewer_env", "child_args", "child_argv", "clean_term"]

COLOR_LEVELS = ("16", "256", "truecolor")
"""`--colors` values, fewest first."""

_TEXTUAL_COLORS = {"16": "standard", "256": "256", "truecolor": "truecolor"}
_TERM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
_LOCALE = re.compile(r"^[A-Za-z0-9_.@=-]{1,64}$")


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


def _locale(client_env: Mapping[str, str]) -> str | None:
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = client_env.get(name, "")
        if value:
            return value if _LOCALE.match(value) else "C"
    return None


def viewer_env(
    *,
    term: str | None,
    client_env: Mapping[str, str],
    home: Path,
    kind: str,
    colors: str = "truecolor",
    force_ascii: bool = False,
    fps: int | None = 10,
    sync: Path | None = None,
    role: str = "follower",
    who: str = "",
    scenarios: tuple[Path, ...] = (),
    runtime_env: Mapping[str, str] | None = None,
    ssh_connection: str | None = None,
) -> dict[str, str]:
    """The environment for one viewer's app.

    Args:
        term: The client's terminal type (None: no terminal was asked for).
        client_env: Variables the client sent (only a few are looked at).
        home: The session's private, empty HOME and working directory.
        kind: "ssh" or "web".
        colors: The cap, one of COLOR_LEVELS.
        force_ascii: `--ascii`.
        fps: Frame-rate cap (None: Textual's own rate).
        sync: The sync hub's socket.
        role: "presenter" or "follower".
        who: Who the viewer is (for the hub's log).
        scenarios: The served files (a follower may switch among them).
        runtime_env: GOGC, GOMEMLIMIT and GOMAXPROCS for the simulated runtime.
        ssh_connection: "client_ip client_port server_ip server_port" over SSH.
    """
    clean = clean_term(term)
    locale = _locale(client_env)
    utf8 = locale is None or ("utf-8" in locale.lower() or "utf8" in locale.lower())
    env = {
        "PATH": os.defpath,
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "TERM": clean,
        "PYTHONPATH": str(Path(gomemtui.__file__).resolve().parent.parent),
        "PYTHONIOENCODING": "utf-8",
        "GOMEMTUI_SERVED": kind,
        "GOMEMTUI_ROLE": role,
        "GOMEMTUI_WHO": who[:80],
        "GOMEMTUI_SCENARIOS": os.pathsep.join(str(p) for p in scenarios),
        "GOMEMTUI_ASCII": "1" if (force_ascii or not utf8) else "0",
    }
    if kind == "ssh":
        env["TEXTUAL_COLOR_SYSTEM"] = _TEXTUAL_COLORS[color_system(clean, client_env.get("COLORTERM"), colors)]
        if client_env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit") and colors == "truecolor":
            env["COLORTERM"] = "truecolor"
        if "NO_COLOR" in client_env:
            env["NO_COLOR"] = "1"
        if ssh_connection:
            env["SSH_CONNECTION"] = ssh_connection
    if fps is not None:
        env["GOMEMTUI_SLOW_LINK"] = "1"
        env["GOMEMTUI_FPS"] = str(fps)
        env["TEXTUAL_FPS"] = str(fps)
        env["TEXTUAL_ANIMATIONS"] = "none"
    else:
        env["GOMEMTUI_SLOW_LINK"] = "0"
    if sync is not None:
        env["GOMEMTUI_SYNC"] = str(sync)
    for name, value in (runtime_env or {}).items():
        if name in ("GOGC", "GOMEMLIMIT", "GOMAXPROCS"):
            env[name] = value
    return env


def child_args(files: tuple[Path, ...], start: Path | None = None) -> list[str]:
    """The arguments of `gomemtui.serve.child`: the served files, and the one to open at once."""
    args: list[str] = []
    for f in files:
        args += ["--scenario", str(f)]
    if start is not None:
        args += ["--open", str(start)]
    return args


def child_argv(files: tuple[Path, ...], start: Path | None = None) -> list[str]:
    """The command line of a viewer's app (see `child_args`)."""
    return [sys.executable, "-m", "gomemtui.serve.child", *child_args(files, start)]
