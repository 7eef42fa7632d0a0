"""The app's output for terminals that need less: ASCII glyphs and a frame-rate cap.

`kind_driver` wraps Textual's driver so that what the app writes is ASCII only (for old
terminals and non-UTF-8 locales) and/or drawn at most `fps` times a second without
animations (for a slow link such as SSH). `gomemtui.ui.follow` picks it from the
viewer's configuration (`gomemtui.sync.ViewerConfig`).

`to_ascii` keeps every cell where it was: each character becomes ASCII of the same width
(one cell → one character, a wide character → two). Block elements become a density ramp
(░ . ▒ : ▓ # █ #, ▁…█ by height), braille dots become ' . :' by where the dots are (so a
braille chart still reads as a chart), box drawing becomes - | +, and arrows, bullets and
dashes their usual ASCII spelling. Anything else is decomposed (é → e) or becomes '?'.
Escape sequences are ASCII already and pass unchanged.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

__all__ = ["to_ascii", "ascii_char", "kind_driver"]

_FIXED = {
    # blocks: shades and full
    "░": ".", "▒": ":", "▓": "#", "█": "#",
    # lower eighths, by height
    "▁": ".", "▂": ",", "▃": "_", "▄": "=", "▅": "=", "▆": "*", "▇": "%",
    # upper/left/right partial blocks
    "▀": '"', "▔": "~", "▕": "|", "▏": "|", "▎": "|", "▍": "[", "▌": "[", "▋": "[",
    "▊": "#", "▉": "#", "▐": "]", "▖": ".", "▗": ".", "▘": "'", "▝": "'",
    "▙": "#", "▛": "#", "▜": "#", "▟": "#", "▚": "%", "▞": "%",
    # arrows and triangles
    "→": ">", "←": "<", "↑": "^", "↓": "v", "↔": "-", "↕": "|", "⇒": ">", "⇐": "<",
    "▶": ">", "▸": ">", "►": ">", "▷": ">", "◀": "<", "◂": "<", "◄": "<", "◁": "<",
    "▲": "^", "▴": "^", "△": "^", "▼": "v", "▾": "v", "▽": "v", "↩": "<", "↪": ">",
    "⏵": ">", "⏴": "<", "⏸": "=", "⏹": "#", "⏺": "o",
    # bullets, marks, shapes
    "•": "*", "·": ".", "∙": ".", "●": "o", "○": "o", "◉": "o", "◌": "o", "◆": "*",
    "◇": "*", "■": "#", "□": "o", "▪": "#", "▫": ".", "★": "*", "☆": "*", "✓": "v",
    "✔": "v", "✗": "x", "✘": "x", "✕": "x", "×": "x", "‖": "|", "¦": "|", "…": ".",
    "⋯": ".", "⠿": ":", "⏎": "<",
    # punctuation and maths
    "—": "-", "–": "-", "‒": "-", "―": "-", "−": "-", "‘": "'", "’": "'", "‚": ",",
    "“": '"', "”": '"', "„": '"', "«": "<", "»": ">", "‹": "<", "›": ">", "≤": "<",
    "≥": ">", "≠": "#", "≈": "~", "±": "+", "÷": "/", "∞": "8", "µ": "u", "°": "o",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ",
}

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _braille(code: int) -> str:
    dots = code - 0x2800
    if not dots:
        return " "
    upper = dots & 0b00011011  # dots 1, 2, 4, 5
    lower = dots & 0b11100100  # dots 3, 6, 7, 8
    if upper and lower:
        return ":"
    return "'" if upper else "."


def _box(name: str) -> str:
    if "DIAGONAL" in name:
        return "X" if "CROSS" in name else ("/" if "UPPER RIGHT TO LOWER LEFT" in name else "\\")
    words = set(name.split())
    horizontal = bool(words & {"LEFT", "RIGHT", "HORIZONTAL"})
    vertical = bool(words & {"UP", "DOWN", "VERTICAL"})
    if horizontal and not vertical:
        return "-"
    if vertical and not horizontal:
        return "|"
    return "+"


@lru_cache(maxsize=4096)
def ascii_char(char: str) -> str:
    """The ASCII text, of the same width in cells, that stands for one character."""
    if char < "\x80":
        return char
    fixed = _FIXED.get(char)
    if fixed is not None:
        return fixed
    code = ord(char)
    if 0x2800 <= code <= 0x28FF:
        return _braille(code)
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf") or unicodedata.combining(char):
        return ""
    width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    name = unicodedata.name(char, "")
    if 0x2500 <= code <= 0x257F:
        return _box(name)
    if 0x2580 <= code <= 0x259F:
        return "#"
    if name.startswith(("BLACK", "WHITE")) or 0x25A0 <= code <= 0x25FF:
        return "*" * width
    decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if len(decomposed) == width and decomposed.isprintable():
        return decomposed
    if decomposed[:1].isalnum():
        return (decomposed[0] * width)[:width]
    if category.startswith("Z"):
        return " " * width
    return "?" * width


def _replace(match: re.Match[str]) -> str:
    return ascii_char(match.group(0))


def to_ascii(text: str) -> str:
    """`text` with every non-ASCII character replaced by `ascii_char`."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_replace, text)


@lru_cache(maxsize=16)
def kind_driver(base: type[Driver], ascii_only: bool, fps: int | None) -> type[Driver]:
    """`base` (a Textual driver class) writing ASCII only and/or capping the frame rate."""

    class KindDriver(base):  # type: ignore[valid-type, misc]
        def __init__(self, app: App[object], *args: object, **kwargs: object) -> None:
            super().__init__(app, *args, **kwargs)
            if fps is not None:
                # Screens batch their updates at this period (read when a screen first
                # updates, after the driver exists); animations only cost bytes here.
                import textual.screen

                if "TEXTUAL_FPS" not in os.environ:
                    textual.screen.UPDATE_PERIOD = 1 / fps  # type: ignore[misc]
                app.animation_level = "none"

        if ascii_only:
            def write(self, data: str) -> None:
                super().write(to_ascii(data))

    KindDriver.__name__ = KindDriver.__qualname__ = f"Kind{base.__name__}"
    return KindDriver
