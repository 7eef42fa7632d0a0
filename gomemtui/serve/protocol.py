"""The presenter/follower sync protocol: JSON lines over a Unix socket.

A viewer's app connects to the hub (`gomemtui.serve.hub`) and says hello::

    {"type": "hello", "role": "presenter" | "follower", "who": "alice"}

The hub answers with whether a presenter is connected and the newest state (or null)::

    {"type": "welcome", "presenters": 1, "state": {...}}

A presenter then sends its position whenever it changes::

    {"type": "state", "state": {...}}      # see `PresenterState`

The hub keeps the newest state and sends it to every follower (a presenter gets it only
in its welcome, and takes that position before driving, so a reconnecting presenter
resumes where the talk was), and tells followers when presenters come and go::

    {"type": "presenter", "present": true}

A position is the list of actions the presenter's timeline applied, as one letter each
(s = scenario step, m = one unit of mark work, p = next GC phase, g = runtime.GC()),
run-length encoded ("s12m3p1"). Replaying the same actions on the same scenario gives
the same state (the core is deterministic), so a follower lands exactly where the
presenter is, inserted GC commands included.

Plain Python: imported by the app (`gomemtui.ui.remote`) and by the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

__all__ = [
    "ACTION_LETTERS", "MAX_LINE", "MAX_ACTIONS", "PresenterState", "ProtocolError",
    "rle_encode", "rle_decode", "encode", "decode",
]

ACTION_LETTERS = {"step": "s", "mark": "m", "phase": "p", "gc": "g"}
"""Timeline action kind → its letter."""

MAX_LINE = 1 << 20
"""Longest message line accepted (bytes)."""

MAX_ACTIONS = 1_000_000
"""Longest position accepted (actions)."""

_RUN = re.compile(r"([smpg])(\d{1,7})")


class ProtocolError(ValueError):
    """A message that is not what the protocol says."""


def rle_encode(actions: str) -> str:
    """"sssmm" → "s3m2"."""
    out: list[str] = []
    i = 0
    while i < len(actions):
        j = i
        while j < len(actions) and actions[j] == actions[i]:
            j += 1
        out.append(f"{actions[i]}{j - i}")
        i = j
    return "".join(out)


def rle_decode(text: str) -> str:
    """"s3m2" → "sssmm"; ProtocolError if malformed or too long."""
    if not isinstance(text, str):
        raise ProtocolError("actions must be a string")
    pos = 0
    parts: list[str] = []
    total = 0
    for match in _RUN.finditer(text):
        if match.start() != pos:
            break
        count = int(match.group(2))
        total += count
        if total > MAX_ACTIONS:
            raise ProtocolError("position too long")
        parts.append(match.group(1) * count)
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
    def from_wire(cls, data: object) -> "PresenterState":
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
