"""How `gomemtui serve` and a viewer's app work together: the viewer's configuration and the
presenter/follower protocol. Plain Python, no Textual and no other gomemtui module: the
server (`gomemtui.serve`) and the app (`gomemtui.ui.follow`) both import it.

The configuration travels in the app process's environment, written by `ViewerConfig.to_env`
on the server's side and read by `ViewerConfig.from_env` in the app. A local run reads the
same variables, so one can present from one's own terminal::

    GOMEMTUI_SYNC=PATH GOMEMTUI_ROLE=presenter gomemtui tour

The sync protocol is JSON lines over the hub's Unix socket (`gomemtui.serve.hub`). An app
says hello::

    {"type": "hello", "role": "presenter" | "follower", "who": "alice"}

The hub answers with whether a presenter is connected and the newest state (or null)::

    {"type": "welcome", "presenters": 1, "state": {...}}

A presenter then sends its position whenever it changes::

    {"type": "state", "state": {...}}      # see `PresenterState`

The hub keeps the newest state and sends it to every follower (a presenter gets it only in
its welcome, and takes that position before driving, so a reconnecting presenter resumes
where the talk was), and tells followers when presenters come and go::

    {"type": "presenter", "present": true}

A position is the list of actions the presenter's timeline applied, one letter each
(s = scenario step, m = one unit of mark work, p = next GC phase, g = runtime.GC()),
run-length encoded ("s12m3p1"). The core is deterministic, so replaying the same actions
on the same scenario lands a follower exactly where the presenter is.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping

__all__ = [
    "ViewerConfig", "locale_is_utf8", "DEFAULT_FPS", "RUNTIME_VARIABLES",
    "ACTION_LETTERS", "MAX_LINE", "MAX_ACTIONS", "PresenterState", "ProtocolError",
    "rle_encode", "rle_decode", "encode", "decode",
]

# -- the viewer's configuration ---------------------------------------------------------------

DEFAULT_FPS = 10
"""Frames per second over a slow link (SSH) unless told otherwise."""

RUNTIME_VARIABLES = ("GOGC", "GOMEMLIMIT", "GOMAXPROCS")
"""The simulated runtime's settings a served app is given."""

_TRUE = {"1", "yes", "true", "on"}
_FALSE = {"0", "no", "false", "off"}


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name, "").strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


def locale_is_utf8(env: Mapping[str, str]) -> bool:
    """Whether the locale (LC_ALL, else LC_CTYPE, else LANG) encodes UTF-8; unknown → True."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "").strip()
        if value:
            return value not in ("C", "POSIX") and ("utf-8" in value.lower() or "utf8" in value.lower())
    return True


@dataclass(frozen=True)
class ViewerConfig:
    """What a viewer's app is asked to be; the whole environment of a served app process.

    The server builds one per viewer and starts the app with `to_env()` as its environment
    (nothing of the server's own); the app reads it back with `from_env(os.environ)`.
    """

    served: str = ""
    """"ssh" or "web" when `gomemtui serve` started the app (GOMEMTUI_SERVED): SIGTERM then
    quits cleanly, and over SSH no screenshot is written on the server."""
    sync: str | None = None
    """The sync hub's socket (GOMEMTUI_SYNC); None: this app neither presents nor follows."""
    role: str = "follower"
    """"presenter" (drives) or "follower" (GOMEMTUI_ROLE)."""
    who: str = ""
    """Who the viewer is, for the hub's log (GOMEMTUI_WHO)."""
    scenarios: tuple[Path, ...] = ()
    """The served files, which a follower may open when the presenter does (GOMEMTUI_SCENARIOS)."""
    ascii: bool = False
    """ASCII glyphs only (GOMEMTUI_ASCII; by default: the locale is not UTF-8)."""
    fps: int | None = None
    """Frame-rate cap for a slow link, animations off (GOMEMTUI_SLOW_LINK and GOMEMTUI_FPS;
    by default: on when SSH_CONNECTION is set). None: Textual's own rate."""
    home: str = ""
    """HOME and TMPDIR: the viewer's private, empty folder (also the working directory)."""
    term: str = "xterm"
    """TERM."""
    color_system: str | None = None
    """TEXTUAL_COLOR_SYSTEM ("standard", "256", "truecolor"); None: Textual decides."""
    truecolor: bool = False
    """COLORTERM=truecolor."""
    no_color: bool = False
    """NO_COLOR."""
    ssh_connection: str = ""
    """SSH_CONNECTION: "client_ip client_port server_ip server_port"."""
    runtime_env: dict[str, str] = field(default_factory=dict)
    """GOGC, GOMEMLIMIT and GOMAXPROCS for the simulated runtime."""

    def to_env(self) -> dict[str, str]:
        """The app process's whole environment."""
        env = {
            "PATH": os.defpath,
            "HOME": self.home,
            "TMPDIR": self.home,
            "LANG": "C.UTF-8",
            "TERM": self.term,
            "GOMEMTUI_SERVED": self.served,
            "GOMEMTUI_ROLE": self.role,
            "GOMEMTUI_WHO": self.who[:80],
            "GOMEMTUI_SCENARIOS": os.pathsep.join(str(p) for p in self.scenarios),
            "GOMEMTUI_ASCII": "1" if self.ascii else "0",
            "GOMEMTUI_SLOW_LINK": "0" if self.fps is None else "1",
        }
        if self.fps is not None:
            env["GOMEMTUI_FPS"] = env["TEXTUAL_FPS"] = str(self.fps)
            env["TEXTUAL_ANIMATIONS"] = "none"
        if self.sync is not None:
            env["GOMEMTUI_SYNC"] = self.sync
        if self.color_system is not None:
            env["TEXTUAL_COLOR_SYSTEM"] = self.color_system
        if self.truecolor:
            env["COLORTERM"] = "truecolor"
        if self.no_color:
            env["NO_COLOR"] = "1"
        if self.ssh_connection:
            env["SSH_CONNECTION"] = self.ssh_connection
        env.update((k, v) for k, v in self.runtime_env.items() if k in RUNTIME_VARIABLES)
        return env

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ViewerConfig:
        """The configuration `env` asks for (a served app's, or a local run's own)."""
        ascii_flag = _flag(env, "GOMEMTUI_ASCII")
        slow = _flag(env, "GOMEMTUI_SLOW_LINK")
        if slow is None:
            slow = bool(env.get("SSH_CONNECTION"))
        try:
            fps: int | None = max(1, min(60, int(env.get("GOMEMTUI_FPS", DEFAULT_FPS)))) if slow else None
        except ValueError:
            fps = DEFAULT_FPS
        return cls(
            served=env.get("GOMEMTUI_SERVED", "").strip().lower(),
            sync=env.get("GOMEMTUI_SYNC") or None,
            role="presenter" if env.get("GOMEMTUI_ROLE", "").strip().lower() == "presenter" else "follower",
            who=env.get("GOMEMTUI_WHO", "")[:80],
            scenarios=tuple(Path(p) for p in env.get("GOMEMTUI_SCENARIOS", "").split(os.pathsep) if p),
            ascii=(not locale_is_utf8(env)) if ascii_flag is None else ascii_flag,
            fps=fps,
            home=env.get("HOME", ""),
            term=env.get("TERM", "xterm"),
            color_system=env.get("TEXTUAL_COLOR_SYSTEM") or None,
            truecolor=env.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"),
            no_color="NO_COLOR" in env,
            ssh_connection=env.get("SSH_CONNECTION", ""),
            runtime_env={k: env[k] for k in RUNTIME_VARIABLES if k in env},
        )


# -- the presenter/follower protocol ------------------------------------------------------------

ACTION_LETTERS = {"step": "s", "part": "h", "mark": "m", "phase": "p", "gc": "g"}
"""Timeline action kind → its letter ("part": a step run up to a GC phase change inside it,
`Timeline.action_kinds`)."""

MAX_LINE = 1 << 20
"""Longest message line accepted (bytes)."""

MAX_ACTIONS = 1_000_000
"""Longest position accepted (actions)."""

_RUN = re.compile(r"([smpgh])(\d{1,7})")


class ProtocolError(ValueError):
    """A message that is not what the protocol says."""


def rle_encode(actions: str) -> str:
    """"sssmm" → "s3m2"."""
    return "".join(f"{m.group(1)}{len(m.group(0))}" for m in re.finditer(r"(.)\1*", actions, re.S))


def rle_decode(text: str) -> str:
    """"s3m2" → "sssmm"; ProtocolError if malformed or too long."""
    if not isinstance(text, str):
        raise ProtocolError("actions must be a string")
    pos, total = 0, 0
    parts: list[str] = []
    for match in _RUN.finditer(text):
        if match.start() != pos:
            break
        total += int(match.group(2))
        if total > MAX_ACTIONS:
            raise ProtocolError("position too long")
        parts.append(match.group(1) * int(match.group(2)))
        pos = match.end()
    if pos != len(text):
        raise ProtocolError(f"bad actions at {pos}: {text[pos:pos + 10]!r}")
    return "".join(parts)


@dataclass(frozen=True)
class PresenterState:
    """Where the presenter is: scenario, position, and what they show."""

    scenario: str
    """The scenario's file name (e.g. "tour.toml")."""
    actions: str
    """One letter per timeline action up to the position (see the module doc)."""
    panel: str = "heap"
    """The active panel's id."""
    zoomed: bool = False
    """Whether that panel fills the screen."""
    step: int = 0
    """Scenario steps done (for display and checks)."""
    phase: str = ""
    """The GC phase there (for display and checks)."""

    def to_wire(self) -> dict[str, object]:
        data = asdict(self)
        data["actions"] = rle_encode(self.actions)
        return data

    @classmethod
    def from_wire(cls, data: object) -> PresenterState:
        if not isinstance(data, dict):
            raise ProtocolError("state must be an object")
        try:
            scenario = data["scenario"]
            actions = rle_decode(data["actions"])
        except KeyError as exc:
            raise ProtocolError(f"state lacks {exc}") from None
        panel = data.get("panel", "heap")
        zoomed = data.get("zoomed", False)
        step = data.get("step", 0)
        phase = data.get("phase", "")
        if not (isinstance(scenario, str) and isinstance(panel, str) and isinstance(zoomed, bool)
                and isinstance(step, int) and isinstance(phase, str)):
            raise ProtocolError("state has a field of the wrong type")
        if len(scenario) > 255 or "/" in scenario or len(panel) > 40:
            raise ProtocolError("state has a bad scenario or panel name")
        return cls(scenario, actions, panel, zoomed, step, phase)


def encode(message: dict[str, object]) -> bytes:
    """One message as a line of JSON."""
    line = json.dumps(message, separators=(",", ":")).encode() + b"\n"
    if len(line) > MAX_LINE:
        raise ProtocolError("message too long")
    return line


def decode(line: bytes) -> dict[str, object]:
    """A line back into a message (a dict with a "type")."""
    if len(line) > MAX_LINE:
        raise ProtocolError("message too long")
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a message is an object with a type")
    return message
