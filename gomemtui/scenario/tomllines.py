"""Where each key of a TOML document is written: ``tomllib`` parses values but keeps no
positions, so this module scans the raw text again and records, for every key path, the
1-based line of the key (for an array item, the line where the item starts; for a
``[table]`` or ``[[array]]`` element, the line of its header).

Key paths mirror the parsed data: ``("step", 2, "body", 0, "var")`` is the ``var`` key
of the first inline table in the ``body`` array of the third ``[[step]]``.

The scanner runs before ``tomllib`` (to refuse keys too deep for it) and its lines are used
only once ``tomllib`` has accepted the text, so it may assume valid TOML; it still never
raises on odd input (callers treat a missing path as "use the enclosing table's line"). It understands everything TOML 1.0 allows: ``[a.b]`` and
``[[a.b]]`` headers (including nested arrays of tables), dotted and quoted keys, inline
tables, arrays spanning lines, comments, and the four kinds of strings (multi-line ones
may contain ``=``, ``[`` or ``#`` without confusing it).

The lines are kept as a tree (`KeyLines`), one node per key path, so a key of n parts costs
n nodes, not the n prefixes of n parts each a table of paths would need: the scan takes
time and memory linear in the file. A key deeper than `MAX_KEY_DEPTH` levels stops the
scan and is reported in `KeyLines.too_deep`, so the loader can refuse the file before
``tomllib``, whose time is quadratic in a key's parts, sees it.
"""

from __future__ import annotations

import bisect
from typing import Union

from gomemtui.scenario.limits import MAX_KEY_DEPTH

__all__ = ["KeyPath", "KeyLines", "key_lines"]

KeyPath = tuple[Union[str, int], ...]
Part = Union[str, int]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_WS = " \t"


class _Node:
    """One key path: its line, its children by key or index, and (for an array of tables)
    how many elements its ``[[...]]`` headers have made so far."""

    __slots__ = ("line", "depth", "children", "elements")

    def __init__(self, line: int, depth: int) -> None:
        self.line = line
        """1-based line where the path is first written (0 for the document itself)."""
        self.depth = depth
        """The number of parts of the path."""
        self.children: dict[Part, _Node] | None = None
        """Made at the first child: most paths (scalar keys) have none."""
        self.elements = 0
        """Elements of the array of tables at this path (0 if it is not one)."""


class KeyLines:
    """The line of every key path of a document, as a tree of `_Node`.

    Reads like a mapping from key path to line (`lines[path]`, `path in lines`,
    `lines.get(path)`); `nearest` gives the line of the path or of its nearest enclosing
    key in one walk.
    """

    def __init__(self) -> None:
        self.root = _Node(0, 0)
        """The document: not a key, so it has no line of its own."""
        self.too_deep: tuple[int, str] | None = None
        """(line, message) of the first key deeper than `MAX_KEY_DEPTH`; the scan stopped there."""

    def _walk(self, path: KeyPath) -> list[_Node]:
        """The nodes of `path`'s prefixes that exist, outermost first."""
        found: list[_Node] = []
        node = self.root
        for part in path:
            child = node.children.get(part) if node.children else None
            if child is None:
                break
            found.append(child)
            node = child
        return found

    def get(self, path: KeyPath, default: int | None = None) -> int | None:
        found = self._walk(path)
        return found[-1].line if path and len(found) == len(path) else default

    def __getitem__(self, path: KeyPath) -> int:
        line = self.get(path)
        if line is None:
            raise KeyError(path)
        return line

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path) is not None

    def nearest(self, path: KeyPath, default: int) -> int:
        """Line of `path`, else of its nearest enclosing key, else `default`."""
        found = self._walk(path)
        return found[-1].line if found else default


class _TooDeep(Exception):
    """A key deeper than `MAX_KEY_DEPTH`: where it starts and what to say."""

    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def _too_deep(what: str) -> str:
    return (f"{what}: a key or value may sit at most {MAX_KEY_DEPTH} levels deep "
            "(each part of a [table] header or dotted key, each [[array]] element and each "
            "array or inline table around it is one level)")


class _Scanner:
    """A forgiving recursive-descent pass over a TOML document that records key lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.n = len(text)
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.lines = KeyLines()

    # -- positions ---------------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self._line_starts, pos)

    def child(self, node: _Node, part: Part, pos: int) -> _Node:
        """`node`'s child `part`, recorded at `pos`'s line if it is new (the first line wins)."""
        if node.children is None:
            node.children = {}
        found = node.children.get(part)
        if found is None:
            if node.depth >= MAX_KEY_DEPTH:
                raise _TooDeep(pos, _too_deep(
                    f"nested too deeply: more than {MAX_KEY_DEPTH} levels"))
            found = node.children[part] = _Node(self.line_at(pos), node.depth + 1)
        return found

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
    def parse_value(self, node: _Node) -> None:
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
            self.parse_array(node)
        elif ch == "{":
            self.parse_inline_table(node)
        else:
            while self.pos < self.n and self.text[self.pos] not in ",]}\n#":
                self.pos += 1

    def parse_array(self, node: _Node) -> None:
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
            item = self.child(node, index, start)
            self.parse_value(item)
            if self.pos == start:
                self.pos += 1  # never loop on an unexpected character
            index += 1
            self.skip_ws_comments_newlines()
            if self.peek() == ",":
                self.pos += 1

    def parse_inline_table(self, node: _Node) -> None:
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
            value = self.record_dotted(node, keys, start)
            self.skip_ws()
            if self.peek() == "=":
                self.pos += 1
                self.skip_ws()
                self.parse_value(value)

    def record_dotted(self, base: _Node, keys: list[str], pos: int) -> _Node:
        """Record `keys` (and so each of their prefixes) under `base`; the last key's node."""
        if len(keys) > MAX_KEY_DEPTH:  # say how many before tomllib would spend its time on them
            raise _TooDeep(pos, _too_deep(f"nested too deeply: a dotted key of {len(keys):,} parts"))
        node = base
        for key in keys:
            node = self.child(node, key, pos)
        return node

    # -- document ----------------------------------------------------------------------
    def resolve(self, keys: list[str], pos: int) -> _Node:
        """Map a header's keys to a data path: `step.body` under the last `[[step]]` ..."""
        node = self.lines.root
        for key in keys:
            node = self.child(node, key, pos)
            if node.elements:
                node = self.child(node, node.elements - 1, pos)
        return node

    def parse_header(self) -> _Node:
        start = self.pos
        is_array = self.startswith("[[")
        self.pos += 2 if is_array else 1
        keys = self.parse_dotted_key() or []
        self.skip_ws()
        self.pos += 2 if is_array else 1
        if not keys:
            return self.lines.root
        if len(keys) > MAX_KEY_DEPTH:
            written = "an [[array]] header" if is_array else "a [table] header"
            raise _TooDeep(start, _too_deep(f"nested too deeply: {written} of {len(keys):,} parts"))
        if is_array:
            parent = self.child(self.resolve(keys[:-1], start), keys[-1], start)
            parent.elements += 1
            return self.child(parent, parent.elements - 1, start)
        return self.resolve(keys, start)

    def parse_document(self) -> None:
        table = self.lines.root
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
                    value = self.record_dotted(table, keys, start)
                    self.skip_ws()
                    if self.peek() == "=":
                        self.pos += 1
                        self.skip_ws()
                        self.parse_value(value)
            if self.pos == start:
                self.pos += 1
            self.skip_ws()
            self.skip_comment()


def key_lines(text: str) -> KeyLines:
    """The 1-based line of every key path of a TOML document (see the module docstring).

    Never raises: on a document it cannot follow it returns what it found so far; on a key
    deeper than `MAX_KEY_DEPTH` it stops there and says so in `KeyLines.too_deep`.
    """
    scanner = _Scanner(text)
    try:
        scanner.parse_document()
    except _TooDeep as exc:
        scanner.lines.too_deep = (scanner.line_at(exc.pos), exc.message)
    except (ValueError, IndexError, RecursionError, OverflowError):
        pass
    return scanner.lines
