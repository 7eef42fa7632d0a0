"""Every step whose events involve a modelled detail says so."""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.core import Runtime
from gomemtui.runtime.simplifications import NOTES, notes_for
from gomemtui.runtime.types import parse_type


def test_a_forced_gc_explains_that_times_are_modelled():
    r = Runtime(ops.RuntimeSettings())
    events = r.apply(ops.GC())
    notes = notes_for(events)
    assert NOTES["gc"] in notes and len(notes) == len(set(notes))


def test_an_allocation_names_the_single_p_model_once():
    r = Runtime(ops.RuntimeSettings())
    events = r.apply(ops.MakeSlice("s", parse_type("int"), 10, 10)) + r.apply(
        ops.MakeSlice("t", parse_type("int"), 10, 10))
    assert notes_for(events) == [NOTES["alloc"]]
