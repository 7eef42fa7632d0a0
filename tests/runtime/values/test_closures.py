"""The closure layout (runtime/values/closures.py): a code pointer, then the captured
variables aligned as a struct's fields. The expected sizes are worked out by hand from
Go's struct layout rules on linux/amd64 (each field at a multiple of its alignment, the
struct padded to its largest alignment); real Go's figures for the same shapes are checked
in tests/runtime/mutator/test_values.py."""

from __future__ import annotations

import pytest

from gomemtui.runtime.types import BUILTIN_TYPES, GoType, parse_type
from gomemtui.runtime.values.closures import captured_by_reference, header_type, layout


def by_value(*names: str) -> list[tuple[str, GoType, bool]]:
    out = []
    for i, name in enumerate(names):
        t = parse_type(name)
        assert t is not None
        out.append((f"v{i}", t, False))
    return out


@pytest.mark.parametrize(("types", "size", "offsets"), [
    (("[3]byte", "int64"), 24, (8, 16)),           # 8 + 3, padded to 16, + 8
    (("complex64", "int32"), 24, (8, 16)),         # 8 + 8 + 4 = 20, padded to 24
    (("int16", "byte", "int16"), 16, (8, 10, 12)),  # 8 + 2 + 1, padded to 12, + 2 = 14 -> 16
    (("bool", "string"), 32, (8, 16)),             # 8 + 1, padded to 16, + 16
    (("[2]int32", "byte"), 24, (8, 16)),           # 8 + 8 + 1 = 17 -> 24
])
def test_fields_are_aligned_as_in_a_struct(types: tuple[str, ...], size: int, offsets: tuple[int, ...]) -> None:
    shape = layout(by_value(*types))
    assert shape.size == size
    assert tuple(f.offset for f in shape.fields) == offsets


def test_a_declared_type_aligns_to_the_largest_power_of_two_dividing_its_size() -> None:
    twelve = GoType("rgb", 12, False)  # e.g. struct{ r, g, b int32 }: 4-byte aligned
    shape = layout([("c", twelve, False), ("b", BUILTIN_TYPES["byte"], False)])
    assert (shape.size, [f.offset for f in shape.fields]) == (24, [8, 20])  # 8 + 12 + 1 = 21 -> 24


def test_by_reference_is_one_pointer_and_makes_the_closure_scan() -> None:
    big = parse_type("[17]int64")
    assert big is not None and captured_by_reference(big, modified=False)  # 136 B > 128
    shape = layout([("a", big, True)])
    assert (shape.size, shape.noscan) == (16, False)
    assert layout(by_value("[16]int")).noscan and layout(by_value("[16]int")).size == 136


def test_a_captured_variable_copies_its_header() -> None:
    sizes = {kind: header_type(kind, parse_type("int")).size
             for kind in ("pointer", "slice", "string", "chan", "func", "iface", "weak")}
    assert sizes == {"pointer": 8, "slice": 24, "string": 16, "chan": 8, "func": 8, "iface": 16, "weak": 8}
