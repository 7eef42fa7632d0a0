"""The format reference's words for the spec: how `docs/scenario-format.md` writes a
field's kind and default, and the "fields" column of its operation table.

The document's tests compare its operation table with `fields_cell` for every operation
and its key tables with `shown_default`, so the reference states every field's kind,
whether it is required and its default exactly as `spec` declares them. When an
operation changes, `python -m gomemtui.scenario.reference` prints the rows' first two
columns to paste.
"""

from __future__ import annotations

from gomemtui.scenario.spec import OPS, FieldSpec, Kind, OpSpec

__all__ = ["toml_literal", "shown_default", "kind_words", "fields_cell"]

_HOLDS_WORDS = {
    "slice": "slice", "map": "map", "pointer": "pointer", "pool": "sync.Pool",
    "string": "string",  # -- strings (issue 13) --
    "iface": "interface", "func": "func",  # -- values (issue 13) --
    "chan": "channel",  # -- channels (issue 13) --
    "weak": "weak pointer",  # -- runtime (issue 13) --
}
"""How the reference names a kind of variable."""


def toml_literal(value: object) -> str:
    """`value` written as TOML: `true`, `"heap"`, `176`, `[]`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    return str(value)


def shown_default(f: FieldSpec) -> str | None:
    """The default of `f` as the reference writes it (`` `176` ``, `` `"heap"` ``, `` `len` ``
    for another key's value); None when it is required or has no default value."""
    if f.required:
        return None
    if f.default_from is not None:
        return f"`{f.default_from}`"
    if f.default is None:
        return '`"off"`' if f.kind in (Kind.GC_PERCENT, Kind.MEMORY_LIMIT) else None
    return f"`{toml_literal(f.default)}`"


def kind_words(f: FieldSpec) -> str:
    """What `f` takes, as the operation table says it: "new slice", "map", "integer ≥ 1"."""
    holds = " or ".join(_HOLDS_WORDS[h] for h in f.holds)
    if f.kind is Kind.NEW_VAR:
        return f"new {holds or 'variable'}"
    if f.kind is Kind.VAR:
        return holds or "any kind"
    if f.kind is Kind.INT and f.minimum is not None:
        return f"integer ≥ {f.minimum}"
    return f.kind.value


def fields_cell(op: OpSpec) -> str:
    """The operation table's "fields" cell of `op`: each field with its kind, whether it
    is required, and its default."""
    if not op.fields:
        return "—"
    cells = []
    for f in op.fields:
        default = shown_default(f)
        parts = [kind_words(f)] + (["required"] if f.required else []) + (
            [f"default {default}"] if default else [])
        cells.append(f"`{f.name}` ({', '.join(parts)})")
    return ", ".join(cells)


if __name__ == "__main__":
    for spec in OPS.values():
        print(f"| `{spec.name}` | {fields_cell(spec)} |")
