"""What the checker and the cost model both follow of an `append`: the elements fill the
array's room, and each append that does not fit grows it once (`runtime.growslice`), or
takes the compiler's stack buffer for a local's first append.

Each caller keeps its own picture of a slice (`tracker.Var`, `cost_model.Variable`); both
have the fields `SliceShape` names, and each says what a growth does to it.
"""

from __future__ import annotations

from typing import Callable, Protocol

from gomemtui.runtime.values.growslice import stack_buffer_elems

__all__ = ["SliceShape", "append_one_at_a_time", "takes_stack_buffer"]


class SliceShape(Protocol):
    """What the walk reads and writes of a slice."""

    len: int
    cap: int
    has_array: bool
    stack: bool
    appended_before: bool


def append_one_at_a_time(var: SliceShape, count: int, grow: Callable[[], None]) -> None:
    """`count` single-element appends: fill the room in one go, call `grow` (which appends
    one element into a new array) for each append that finds the array full."""
    left = count
    while left > 0:
        if var.has_array and var.len < var.cap:
            take = min(left, var.cap - var.len)
            var.len += take
            left -= take
            continue
        grow()
        left -= 1


def takes_stack_buffer(var: SliceShape, new_len: int, elem_size: int, bulk: bool) -> bool:
    """Whether an append that does not fit goes to the 32-byte stack buffer the compiler
    gives a non-escaping local's first append (ssagen `(*state).append`), not the heap."""
    return (var.stack and not bulk and var.len == 0 and not var.has_array
            and not var.appended_before and 0 < new_len <= stack_buffer_elems(elem_size))
