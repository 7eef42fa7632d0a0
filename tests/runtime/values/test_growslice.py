"""growslice and the compiler's append paths against real Go 1.27.3 (slice_growth.json)."""

from __future__ import annotations

import pytest

from gomemtui.runtime.values.growslice import (
    AppendPath,
    append_growth,
    append_one_caps,
    final_caps_after_move,
    growslice,
    nextslicecap,
    stack_buffer_elems,
)
from gomemtui.runtime.memory.sizeclasses import alloc_size
from tests.oracle_data import oracle_cases

_CASES = oracle_cases("slice_growth")
_RUNS = [c for c in _CASES if c.get("distinct_caps") is not None]
_MOVES = [c for c in _CASES if "final_cap_for_n" in c]
_FINALS = [c for c in _CASES if "final_cap" in c]
_BULK = [c for c in _CASES if "op" in c]


def _id(c: dict) -> str:
    return f"{c['variant']}-{c['elem_type']}-{c.get('start', '')}"


def test_nextslicecap_doubles_below_256_then_grows_by_quarter_plus_192() -> None:
    assert nextslicecap(1, 0) == 1
    assert nextslicecap(5, 4) == 8
    assert nextslicecap(257, 256) == 256 + (256 + 768) // 4
    assert nextslicecap(100, 10) == 100  # more than doubling takes the new length


def test_pointer_slices_lose_the_malloc_header() -> None:
    # []*int grows 64 -> 143 (not 128); []string 32 -> 71.
    assert growslice(64, 64, 1, 8, False)[0] == 143
    assert growslice(32, 32, 1, 16, False)[0] == 71
    assert growslice(64, 64, 1, 8, True)[0] == 128


def test_capmem_lands_in_the_slot_of_the_new_cap() -> None:
    cap, capmem = growslice(64, 64, 1, 8, False)
    assert capmem == 1144 and alloc_size(capmem, False) == 1152
    cap, capmem = growslice(2, 2, 1, 3, True)
    assert (cap, capmem) == (5, 15) and alloc_size(capmem, True) == 16


def test_zero_size_elements_get_cap_len_and_no_memory() -> None:
    assert growslice(3, 3, 2, 0, True) == (5, 0)


def test_makeslice_cap_is_not_rounded_but_first_growth_is() -> None:
    assert append_one_caps(400, 8, True, start_cap=5)[:8] == [5, 10, 20, 40, 80, 160, 336, 672]


@pytest.mark.parametrize("k,size", [(4, 8), (32, 1), (10, 3), (2, 16), (8, 4), (1, 24), (1, 32), (0, 33), (0, 0)])
def test_stack_buffer_elems(k: int, size: int) -> None:
    assert stack_buffer_elems(size) == k


def test_variadic_append_never_uses_the_stack_buffer() -> None:
    g = append_growth(0, 0, 3, 8, True, AppendPath.STACK_BUFFER, variadic=True)
    assert g is not None and (g.new_cap, g.on_stack) == (3, False)
    g = append_growth(0, 0, 3, 8, True, AppendPath.STACK_BUFFER)
    assert g is not None and (g.new_cap, g.new_bytes, g.on_stack) == (4, 0, True)


def test_no_growth_when_it_fits() -> None:
    assert append_growth(2, 4, 2, 8, True) is None


@pytest.mark.parametrize("case", _RUNS, ids=_id)
def test_oracle_distinct_caps_appending_one_at_a_time(case: dict) -> None:
    start = 0 if case["start"] == "nil" else 5
    got = append_one_caps(
        case["n_appends"], case["elem_size"], not case["elem_has_pointers"], case["variant"], start
    )
    assert got == case["distinct_caps"]


@pytest.mark.parametrize("case", _FINALS, ids=_id)
def test_oracle_final_cap_after_move2heap(case: dict) -> None:
    caps = final_caps_after_move(
        case["n_appends"], case["elem_size"], not case["elem_has_pointers"], case["variant"]
    )
    assert caps[-1] == case["final_cap"]


@pytest.mark.parametrize("case", _MOVES, ids=_id)
def test_oracle_move_slice_no_cap(case: dict) -> None:
    want = case["final_cap_for_n"]
    got = final_caps_after_move(len(want), case["elem_size"], not case["elem_has_pointers"], case["variant"])
    assert got == want


def test_oracle_bulk_appends() -> None:
    """Every `append(s, src[:k]...)` / `append(s, a, b, c)` case (one test, all mismatches listed)."""
    assert _BULK, "the oracle file holds these cases"
    wrong = []
    for c in _BULK:
        g = append_growth(
            c["old_len"], c["old_cap"], c["k"], c["elem_size"], not c["elem_has_pointers"],
            c["variant"], variadic=c["op"].endswith("...)"),
        )
        got = c["old_cap"] if g is None else g.new_cap
        if got != c["new_cap"] or c["old_len"] + c["k"] != c["new_len"]:
            wrong.append((c, got))
    assert not wrong, wrong[:10]
