"""The scenario's types as the runtime's `GoType`s: its `[types.NAME]` and any type name
a step writes (`"[]*Node"`, `"[16]byte"`)."""

from __future__ import annotations

from gomemtui.runtime.types import GoType, parse_type
from gomemtui.scenario.model import Scenario

__all__ = ["user_types", "resolve_type"]


def user_types(scenario: Scenario) -> dict[str, GoType]:
    """The scenario's `[types.*]` as runtime GoTypes."""
    return {
        name: GoType(name, t.size, t.has_pointers, t.pointers) for name, t in scenario.types.items()
    }


def resolve_type(name: str, types: dict[str, GoType]) -> GoType | None:
    """A type name of the scenario as a GoType (None if unknown or absurdly large)."""
    try:
        return parse_type(name, types)
    except (ValueError, OverflowError, RecursionError):
        return None
