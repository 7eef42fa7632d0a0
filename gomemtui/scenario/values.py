"""Checking one TOML value against the kind of value a field takes (`spec.Kind`).

Each check returns the value converted for the model (``"off"`` -> None, ``"64MiB"`` ->
67108864) or raises `BadValue` with a message that names what was expected.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from gomemtui.runtime.types import BUILTIN_TYPES
from gomemtui.scenario.errors import quote, suggest
from gomemtui.scenario.sizes import parse_byte_count
from gomemtui.scenario.spec import FieldSpec, Kind

__all__ = ["BadValue", "DeclaredLocal", "check_value", "toml_type_name", "type_suggestion", "IDENT_RE"]

IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""A Go identifier (ASCII only: scenario names are shown in narrow terminal panels)."""


class BadValue(ValueError):
    """A value of the wrong type or out of range; str() is the reason."""


@dataclass(frozen=True)
class DeclaredLocal:
    """A local a `closure` step declares with the func literal (`n := 0; f := func() {…n…}`)."""

    name: str
    type: str
    """Its type's name, as written (the checker resolves it)."""
    modified: bool = False
    """It is assigned after the capture: captured by reference."""


def toml_type_name(value: Any) -> str:
    """How TOML calls the type of a parsed value ("integer", "string", "array", ...)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, (datetime.date, datetime.time)):
        return "date/time"
    return type(value).__name__


def _wrong_type(expected: str, value: Any) -> BadValue:
    hint = ""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9][0-9_]*", value.strip()):
        hint = f" (did you mean {value.strip()} without quotes?)"
    elif isinstance(value, float) and value.is_integer() and expected.startswith("an integer"):
        hint = f" (did you mean {int(value)}?)"
    return BadValue(f"expected {expected}, got a {toml_type_name(value)}{hint}")


def _int(value: Any, minimum: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type("an integer", value)
    if minimum is not None and value < minimum:
        if minimum == 0:
            raise BadValue("must not be negative")
        raise BadValue(f"must be {minimum} or more")
    return value


def _ident(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(f"the name of a {what} (a string)", value)
    if not IDENT_RE.match(value):
        raise BadValue(f"not a valid {what} name (a Go identifier such as \"numbers\")")
    return value


def _size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _wrong_type('a size in bytes (an integer, or a string such as "64MiB")', value)
    if isinstance(value, int):
        if value < 0:
            raise BadValue("must not be negative")
        return value
    try:
        return parse_byte_count(value)
    except ValueError as exc:
        raise BadValue(str(exc)) from None


def check_value(spec: FieldSpec, value: Any) -> Any:
    """`value` converted for the model, or BadValue saying why it is not acceptable."""
    kind = spec.kind
    if kind in (Kind.NEW_VAR, Kind.VAR):
        return _ident(value, "variable")
    if kind is Kind.GOROUTINE:
        return _ident(value, "goroutine")
    if kind is Kind.VAR_OR_NIL:
        if value == "nil":
            return None
        return _ident(value, "variable")
    if kind is Kind.TARGET:
        if not isinstance(value, str):
            raise _wrong_type('a variable or "variable.field" (a string)', value)
        parts = value.split(".")
        if len(parts) > 2 or not all(IDENT_RE.match(p) for p in parts):
            raise BadValue('expected a variable ("head") or a pointer field ("head.next")')
        return value
    if kind is Kind.TYPE:
        if not isinstance(value, str):
            raise _wrong_type('a type name such as "int" or "Node" (a string)', value)
        if not value.strip():
            raise BadValue("the type name is empty")
        return value.strip()
    if kind is Kind.INT:
        return _int(value, spec.minimum)
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            hint = ""
            if isinstance(value, str) and value.lower() in ("true", "false"):
                hint = f" (did you mean {value.lower()} without quotes?)"
            raise BadValue(f"expected true or false, got a {toml_type_name(value)}{hint}")
        return value
    if kind is Kind.STRING:
        if not isinstance(value, str):
            raise _wrong_type("a string", value)
        return value
    if kind is Kind.ESCAPE:
        if value not in ("heap", "stack"):
            if not isinstance(value, str):
                raise _wrong_type('"heap" or "stack"', value)
            raise BadValue('expected "heap" or "stack"' + suggest(value, ["heap", "stack"]))
        return value
    if kind is Kind.GC_PERCENT:
        if value == "off":
            return None
        if isinstance(value, str):
            hint = suggest(value, ["off"])
            if re.fullmatch(r"-?[0-9]+", value.strip()):
                hint = f" (did you mean {value.strip()} without quotes?)"
            raise BadValue(f'expected an integer percentage or "off"{hint}')
        number = _int(value, None)
        return None if number < 0 else number  # Go: a negative percentage is "off"
    if kind is Kind.MEMORY_LIMIT:
        if value == "off":
            return None
        if isinstance(value, str) and value.lower() == "off":
            raise BadValue('expected a size or "off" (did you mean "off"?)')
        return _size(value)
    if kind is Kind.SIZE:
        return _size(value)
    if kind is Kind.BODY:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise BadValue("expected an array of steps: body = [ { do = \"...\", ... }, ... ] "
                           "or [[step.body]] tables")
        return value
    if kind is Kind.NAME_LIST:
        if not isinstance(value, list):
            raise _wrong_type('an array of names, e.g. ["next"]', value)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not IDENT_RE.match(item):
                raise BadValue(f"item {i + 1} ({quote(item)}) is not a field name (a Go identifier)")
        return tuple(value)
    if kind is Kind.PARTS:  # -- strings (issue 13) --
        return _parts(value)
    if kind is Kind.CAPTURES:  # -- values (issue 13) --
        return _captures(value)
    # -- runtime (issue 13) --
    if kind is Kind.MAP_KEY:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise _wrong_type("a key: an integer (for integer keys) or a string", value)
        return value
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover


def _parts(value: Any) -> tuple[str | int, ...]:
    """`concat`'s operands: at least two, each a variable's name or a literal's length."""
    if not isinstance(value, list):
        raise _wrong_type('an array of string variables and literal lengths, e.g. ["host", 1, "port"]', value)
    if len(value) < 2:
        raise BadValue(f"a + b needs at least two parts, got {len(value)}")
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise BadValue(f"item {i + 1} ({quote(item)}) is a {toml_type_name(item)}: give a string "
                           "variable's name or the length of a literal (an integer)")
        if isinstance(item, int) and item < 0:
            raise BadValue(f"item {i + 1} ({item}): a literal's length must not be negative")
        if isinstance(item, str) and not IDENT_RE.match(item):
            raise BadValue(f"item {i + 1} ({quote(item)}) is not a variable name (a Go identifier); "
                           "write a literal as its length in bytes")
    return tuple(value)


_LOCAL_KEYS = ("name", "type", "modified")


def _captures(value: Any) -> tuple[str | DeclaredLocal, ...]:
    """`closure`'s captures: variables' names and `{ name, type, modified }` tables, each
    name once."""
    if not isinstance(value, list):
        raise _wrong_type('an array of variable names and { name, type, modified } tables, '
                          'e.g. ["buf", { name = "n", type = "int" }]', value)
    out: list[str | DeclaredLocal] = []
    seen: set[str] = set()
    for i, item in enumerate(value, 1):
        if isinstance(item, str):
            if not IDENT_RE.match(item):
                raise BadValue(f"item {i} ({quote(item)}) is not a variable name (a Go identifier)")
            name = item
            out.append(item)
        elif isinstance(item, dict):
            local = _declared_local(i, item)
            name = local.name
            out.append(local)
        else:
            raise BadValue(f"item {i} ({quote(item)}) is neither a variable's name nor a table declaring "
                           'a local, e.g. { name = "n", type = "int" }')
        if name in seen:
            raise BadValue(f"item {i} captures {name} again: a closure captures each variable once")
        seen.add(name)
    return tuple(out)


def _declared_local(i: int, item: dict[str, Any]) -> DeclaredLocal:
    """One `{ name, type, modified }` table of `captures`."""
    for key in item:
        if key not in _LOCAL_KEYS:
            hint = suggest(key, _LOCAL_KEYS) or f" (keys: {', '.join(_LOCAL_KEYS)})"
            raise BadValue(f'item {i}: unknown key "{key}"{hint}')
    for key in ("name", "type"):
        if key not in item:
            raise BadValue(f'item {i}: missing key "{key}" (a local declared with the closure needs '
                           'its name and type, e.g. { name = "n", type = "int" })')
    name, type_name, modified = item["name"], item["type"], item.get("modified", False)
    if not isinstance(name, str) or not IDENT_RE.match(name):
        raise BadValue(f"item {i}: name = {quote(name)} is not a variable name (a Go identifier)")
    if not isinstance(type_name, str) or not type_name.strip():
        raise BadValue(f'item {i}: type = {quote(type_name)}: expected a type name such as "int" (a string)')
    if not isinstance(modified, bool):
        raise BadValue(f"item {i}: modified = {quote(modified)}: expected true or false")
    return DeclaredLocal(name, type_name.strip(), modified)


def type_suggestion(name: str, user_types: dict[str, Any]) -> str:
    """" (did you mean "[]Node"?)" for a misspelt type, keeping its `*`, `[]`, `[N]` prefix."""
    match = re.match(r"^((?:\*|\[\]|\[\d+\])*)(.*)$", name)
    prefix, base = (match.group(1), match.group(2)) if match else ("", name)
    candidates = list(BUILTIN_TYPES) + list(user_types)
    hint = suggest(base, candidates, fmt="{}")
    if not hint:
        return ""
    best = hint[len(" (did you mean "):-2]
    return f' (did you mean "{prefix}{best}"?)'

