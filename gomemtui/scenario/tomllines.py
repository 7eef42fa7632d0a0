"""Where each key of a TOML document is written: ``tomllib`` parses values but keeps no
positions, so this module scans the raw text again and records, for every key path, the
1-based line of the key (for an array item, the line where the item starts; for a
``[table]`` or ``[[array]]`` element, the line of its header).

Key paths mirror the parsed data: ``("step", 2, "body", 0, "var")`` is the ``var`` key
of the first inline table in the ``body`` array of the third ``[[step]]``.

The scanner runs only on text ``tomllib`` has already accepted, so it may assume valid
TOML; it still never raises on odd input (callers treat a missing path as "use the
enclosing table's line"). It understands everything TOML 1.0 allows: ``[a.b]`` and
``[[a.b]]`` headers (including nested arrays of tables), dotted and quoted keys, inline
tables, arrays spanning lines, comments, and the four kinds of strings (multi-line ones
may contain ``=``, ``[`` or ``#`` without confusing it).
"""

from __future__ import annotations

import bisect
from typing import Union

__all__ = ["KeyPath", "key_lines"]

KeyPath = tuple[Union[str, int], ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_WS = " \t"
_MAX_DEPTH = 200


class _Scanner:
    """A forgiving recursive-descent pass over a TOML document that records key lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.n = len(text)
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self._aot_len: dict[KeyPath, int] = {}
        """Arrays of tables seen so far: resolved path -> number of elements."""

    # -- positions ---------------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self._line_starts, pos)

    def record(self, path: KeyPath, pos: int) -> None:
        self.lines.setdefault(path, self.line_at(pos))

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < self.n else ""

    def startswith(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    # -- whitespace and comments -------------------------------------------------------
    def skip_ws(self) -> None:
        while self.pos < self.n and self.text[self.pos] in _WS:
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            self.pos = self.n if end < 0 else end

    def skip_ws_comments_newlines(self) -> None:
        while self.pos < self.n:
            ch = self.text[self.pos]
            if ch in " \t\r\n":
                self.pos += 1
            elif ch == "#":
                self.skip_comment()
            else:
                break

    def skip_to_eol(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = self.n if end < 0 else end + 1

    # -- keys --------------------------------------------------------------------------
    def parse_simple_key(self) -> str | None:
        ch = self.peek()
        if ch == '"':
            return self.parse_basic_string()
        if ch == "'":
            return self.parse_literal_string()
        start = self.pos
        while self.pos < self.n and self.text[self.pos] in _BARE:
            self.pos += 1
        if self.pos == start:
            return None
        return self.text[start : self.pos]

    def parse_dotted_key(self) -> list[str] | None:
        parts: list[str] = []
        while True:
            self.skip_ws()
            part = self.parse_simple_key()
            if part is None:
                return parts or None
            parts.append(part)
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.pos += 1

    # -- strings -----------------------------------------------------------------------
    def parse_basic_string(self) -> str:
        """A "..." string; returns its (unescaped enough for keys) content."""
        self.pos += 1
        out: list[str] = []
        while self.pos < self.n:
            ch = self.text[self.pos]
            if ch == "\\":
                nxt = self.peek(1)
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r",
                            "b": "\b", "f": "\f"}.get(nxt, ""))
                if nxt == "u":
                    out.append(chr(int(self.text[self.pos + 2 : self.pos + 6] or "0", 16)))
                    self.pos += 4
                elif nxt == "U":
                    out.append(chr(int(self.text[self.pos + 2 : self.pos + 10] or "0", 16)))
                    self.pos += 8
                self.pos += 2
                continue
            if ch == '"' or ch == "\n":
                self.pos += 1
                break
            out.append(ch)
            self.pos += 1
        return "".join(out)

    def parse_literal_string(self) -> str:
        self.pos += 1
        end = self.text.find("'", self.pos)
        if end < 0:
            end = self.n
        s = self.text[self.pos : end]
        self.pos = end + 1
        return s

    def skip_multiline(self, quote: str) -> None:
        """Skip a triple-quoted string starting at pos (the opening quotes included)."""
        self.pos += 3
        while self.pos < self.n:
            ch = self.text[self.pos]
            if quote == '"' and ch == "\\":
                self.pos += 2
                continue
            if self.text.startswith(quote * 3, self.pos):
                self.pos += 3
                # Up to two more quotes may belong to the content: '''a''''' is valid.
                extra = 0
                while extra < 2 and self.peek() == quote:
                    self.pos += 1
                    extra += 1
                return
            self.pos += 1

    # -- values ------------------------------------------------------------------------
    def parse_value(self, path: KeyPath, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ValueError("nesting too deep")
        ch = self.peek()
        if self.startswith('"""'):
            self.skip_multiline('"')
        elif self.startswith("'''"):
            self.skip_multiline("'")
        elif ch == '"':
            self.parse_basic_string()
        elif ch == "'":
            self.parse_literal_string()
        elif ch == "[":
            self.parse_array(path, depth)
        elif ch == "{":
            self.parse_inline_table(path, depth)
        else:
            while self.pos < self.n and self.text[self.pos] not in ",]}\n#":
                self.pos += 1

    def parse_array(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        index = 0
        while self.pos < self.n:
            self.skip_ws_comments_newlines()
            if self.peek() == "]":
                self.pos += 1
                return
            if self.peek() == ",":  # tolerate; valid TOML never has it here
                self.pos += 1
                continue
            start = self.pos
            item = path + (index,)
            self.record(item, start)
            self.parse_value(item, depth + 1)
            if self.pos == start:
                self.pos += 1  # never loop on an unexpected character
            index += 1
            self.skip_ws_comments_newlines()
            if self.peek() == ",":
                self.pos += 1

    def parse_inline_table(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        while self.pos < self.n:
            self.skip_ws_comments_newlines()
            ch = self.peek()
            if ch == "}":
                self.pos += 1
                return
            if ch == ",":
                self.pos += 1
                continue
            start = self.pos
            keys = self.parse_dotted_key()
            if not keys:
                self.pos = start + 1
                continue
            self.record_dotted(path, keys, start)
            self.skip_ws()
            if self.peek() == "=":
                self.pos += 1
                self.skip_ws()
                self.parse_value(path + tuple(keys), depth + 1)

    def record_dotted(self, base: KeyPath, keys: list[str], pos: int) -> None:
        for i in range(1, len(keys) + 1):
            self.record(base + tuple(keys[:i]), pos)

    # -- document ----------------------------------------------------------------------
    def resolve(self, keys: list[str]) -> KeyPath:
        """Map a header's keys to a data path: `step.body` under the last `[[step]]` ..."""
        path: KeyPath = ()
        for key in keys:
            path = path + (key,)
            if path in self._aot_len:
                path = path + (self._aot_len[path] - 1,)
        return path

    def parse_header(self) -> KeyPath:
        start = self.pos
        is_array = self.startswith("[[")
        self.pos += 2 if is_array else 1
        keys = self.parse_dotted_key() or []
        self.skip_ws()
        self.pos += 2 if is_array else 1
        if not keys:
            return ()
        if is_array:
            parent = self.resolve(keys[:-1]) + (keys[-1],)
            count = self._aot_len.get(parent, 0)
            self._aot_len[parent] = count + 1
            self.record(parent, start)
            table: KeyPath = parent + (count,)
        else:
            table = self.resolve(keys)
            for i in range(1, len(table)):
                if not isinstance(table[i - 1], int):
                    self.record(table[:i], start)
        self.record(table, start)
        return table

    def parse_document(self) -> None:
        table: KeyPath = ()
        while self.pos < self.n:
            self.skip_ws_comments_newlines()
            if self.pos >= self.n:
                break
            start = self.pos
            if self.peek() == "[":
                table = self.parse_header()
            else:
                keys = self.parse_dotted_key()
                if keys:
                    self.record_dotted(table, keys, start)
                    self.skip_ws()
                    if self.peek() == "=":
                        self.pos += 1
                        self.skip_ws()
                        self.parse_value(table + tuple(keys), 0)
            if self.pos == start:
                self.pos += 1
            self.skip_ws()
            self.skip_comment()


def key_lines(text: str) -> dict[KeyPath, int]:
    """The 1-based line of every key path of a TOML document (see the module docstring).

    Never raises: on a document it cannot follow it returns what it found so far.
    """
    scanner = _Scanner(text)
    try:
        scanner.parse_document()
    except (ValueError, IndexError, RecursionError, OverflowError):
        pass
    return scanner.lines
