"""From a file name to parsed TOML: every way reading can fail becomes a `Problem`.

Empty, binary, non-UTF-8, oversized and malformed files are reported with the line
where the trouble is (tomllib's own line for malformed TOML, with a hint for the
mistakes scenario authors make most), never as a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from gomemtui.scenario.errors import Problem, ScenarioError
from gomemtui.scenario.limits import MAX_FILE_BYTES
from gomemtui.units import MESSAGE_STYLE, format_bytes

__all__ = ["read_text", "parse_toml"]

_TOML_POS = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TOML_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$", re.S)


def read_text(path: Path, shown: str) -> str:
    """The file's text; raises ScenarioError (named `shown`) if it is not a text file."""
    try:
        if path.is_dir():
            raise ScenarioError([Problem(None, "is a directory, not a scenario file", shown)])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError([Problem(None, (
                f"the file is {format_bytes(size, **MESSAGE_STYLE)}; a scenario file may be at most "
                f"{format_bytes(MAX_FILE_BYTES, **MESSAGE_STYLE)}"), shown)])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(None, "no such file", shown)]) from None
    except PermissionError:
        raise ScenarioError([Problem(None, "permission denied", shown)]) from None
    except OSError as exc:
        raise ScenarioError([Problem(None, f"cannot read: {exc.strerror or exc}", shown)]) from None
    return decode(raw, shown)


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text of a scenario file, or ScenarioError for empty and binary files."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise ScenarioError([Problem(1, (
            "the file is empty: a scenario needs a [scenario] title, a [source] and at least "
            "one [[step]] (see docs/scenario-format.md)"), shown)])
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise ScenarioError([Problem(line, (
            f"not a text file (a NUL byte at offset {nul}): a scenario is a TOML text file"), shown)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        raise ScenarioError([Problem(line, (
            f"not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}): TOML files are UTF-8"),
            shown)]) from None


def parse_toml(text: str, shown: str) -> dict[str, Any]:
    """tomllib's parse of `text`; ScenarioError with tomllib's line if it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([_toml_problem(str(exc), text, shown)]) from None
    except RecursionError:
        raise ScenarioError([Problem(None, "invalid TOML: arrays or tables nested too deeply",
                                     shown)]) from None
    except (ValueError, OverflowError) as exc:  # e.g. a date tomllib cannot represent
        raise ScenarioError([Problem(None, f"invalid TOML: {exc}", shown)]) from None


def _toml_problem(message: str, text: str, shown: str) -> Problem:
    lines = text.splitlines()
    match = _TOML_POS.match(message)
    if match:
        msg, line, col = match["msg"], int(match["line"]), int(match["col"])
        hint = _hint(msg, lines[line - 1] if 0 < line <= len(lines) else "", col)
        return Problem(line, f"invalid TOML: {msg} (column {col}){hint}", shown)
    match = _TOML_END.match(message)
    msg = match["msg"] if match else message
    hint = ""
    if msg.startswith("Unterminated string"):
        hint = ': a string (perhaps the """ of [source] code) is never closed'
    return Problem(max(len(lines), 1), f"invalid TOML: {msg} at the end of the file{hint}", shown)


def _hint(msg: str, line_text: str, col: int) -> str:
    rest = line_text[col - 1 :].strip()
    if msg.startswith("Invalid initial character for a key part") and "{" in line_text and (
        not rest or rest.startswith("#")
    ):
        return ("; an inline table { ... } must fit on one line in TOML: put the whole body "
                "step on one line, or write it as a [[step.body]] table")
    if msg.startswith("Cannot overwrite a value"):
        return "; a key is set twice"
    if msg.startswith("Cannot declare") and "twice" in msg:
        return "; the same [table] appears twice (use [[...]] for a list of tables)"
    if msg.startswith("Invalid value") and rest[:1].isalpha() and not rest.startswith(("true", "false", "inf", "nan")):
        return "; strings need quotes, e.g. do = \"append\""
    return ""
