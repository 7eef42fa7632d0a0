"""Broken scenario files and what their errors must say (used by test_broken_files.py).

Each case is (id, text, words): the text marks the line the error must point at with a
trailing ``# <-`` comment (or the case gives the line explicitly), and every word must
appear in that error's message. PRELUDE is a valid start: a title and a 6-line source.
"""

from __future__ import annotations

PRELUDE = '''[scenario]
title = "broken on purpose"

[source]
code = """
package main

func main() {
	x := 1
	_ = x
}
"""
'''

TYPES = '''
[types.Node]
size = 24
pointers = ["next", "prev"]
'''

WORKER = '''
[[goroutine]]
name = "worker"
'''


def steps(*bodies: str) -> str:
    """[[step]] tables, each with `line = 4` unless the body sets its own line."""
    out = []
    for body in bodies:
        head = "[[step]]\n" + ("" if "line =" in body else "line = 4\n")
        out.append(head + body.strip("\n") + "\n")
    return "\n" + "\n".join(out)


SLICE = 'do = "make_slice"\nvar = "nums"\nelem = "int"\nlen = 0\ncap = 100'
MAP = 'do = "make_map"\nvar = "m"\nkey = "int"\nvalue = "int"'
POOL = 'do = "pool_new"\nvar = "pool"\ntype = "Node"'
NODE = 'do = "new"\nvar = "head"\ntype = "Node"'
PTRS = 'do = "make_slice"\nvar = "ptrs"\nelem = "*Node"\nlen = 4'

CASES: list[tuple[str, str, list[str]]] = [
    # -- the file itself -------------------------------------------------------------------
    ("toml_unquoted_string", PRELUDE + '\n[[step]]\nline = 4\ndo = append  # <-\nvar = "x"\n',
     ["invalid TOML", "quotes"]),
    ("toml_unclosed_array", PRELUDE + steps('do = "loop"\ntimes = 2\nbody = [ { do = "gc" }') +
     "[[step]]  # <-\nline = 4\ndo = \"gc\"\n", ["invalid TOML", "Unclosed array"]),
    ("toml_duplicate_key", PRELUDE + '\n[[step]]\nline = 4\ndo = "gc"\ndo = "gc"  # <-\n',
     ["invalid TOML", "set twice"]),
    ("toml_inline_table_over_lines", PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 2\n'
     'body = [ { do = "gc",  # <-\n  line = 4 } ]\n', ["invalid TOML", "one line", "[[step.body]]"]),
    ("toml_table_header_of_too_many_parts", PRELUDE + "\n[" + ".".join(["a"] * 3000) + "]  # <-\nx = 1\n"
     + steps('do = "gc"'), ["nested too deeply", "[table] header of 3,000 parts", "at most 64 levels"]),
    ("toml_array_header_of_too_many_parts", PRELUDE + steps('do = "gc"') + "\n[[step." + ".".join(["b"] * 70)
     + "]]  # <-\n", ["nested too deeply", "[[array]] header of 71 parts"]),
    ("toml_dotted_key_of_too_many_parts", PRELUDE + steps('do = "gc"\n' + ".".join(["k"] * 65) + ' = 1  # <-'),
     ["nested too deeply", "dotted key of 65 parts"]),
    ("toml_arrays_nested_too_deeply", PRELUDE + steps('do = "gc"\nbody = ' + "[" * 70 + "]" * 70 + "  # <-"),
     ["nested too deeply", "more than 64 levels"]),
    # -- tables ----------------------------------------------------------------------------
    ("unknown_table", PRELUDE + "\n[runtim]  # <-\ngogc = 50\n" + steps('do = "gc"'),
     ["[runtim]", "did you mean [runtime]"]),
    ("step_as_table", PRELUDE + '\n[step]  # <-\nline = 4\ndo = "gc"\n', ["[[step]]", "not [step]"]),
    ("no_steps", PRELUDE.replace('[scenario]', '[scenario]  # <-', 1), ["no [[step]]"]),
    ("missing_scenario_title", PRELUDE.replace('title = "broken on purpose"', 'titel = "x"  # <-')
     + steps('do = "gc"'), ['unknown field "titel"', 'did you mean "title"']),
    ("runtime_gomemlimit_si_unit", PRELUDE + '\n[runtime]\ngomemlimit = "64MB"  # <-\n' + steps('do = "gc"'),
     ["gomemlimit", '"64MB"', 'did you mean "64MiB"']),
    ("runtime_gogc_word", PRELUDE + '\n[runtime]\ngogc = "fifty"  # <-\n' + steps('do = "gc"'),
     ["gogc", '"fifty"', '"off"']),
    ("runtime_gomaxprocs_zero", PRELUDE + '\n[runtime]\ngomaxprocs = 0  # <-\n' + steps('do = "gc"'),
     ["gomaxprocs = 0", "1 or more"]),
    ("type_shadows_builtin", PRELUDE + '\n[types.int]  # <-\nsize = 8\n' + steps('do = "gc"'),
     ["int", "built-in"]),
    ("type_too_small_for_pointers", PRELUDE + '\n[types.Node]\nsize = 8  # <-\npointers = ["a", "b"]\n'
     + steps('do = "gc"'), ["size = 8", "2 pointer fields", "16 B"]),
    ("duplicate_goroutine", PRELUDE + WORKER + '\n[[goroutine]]\nname = "worker"  # <-\n' + steps('do = "gc"'),
     ["duplicate goroutine", '"worker"', "line"]),
    ("goroutine_named_main", PRELUDE + '\n[[goroutine]]\nname = "main"  # <-\n' + steps('do = "gc"'),
     ['"main"', "without being declared"]),
    # -- step keys -------------------------------------------------------------------------
    ("unknown_operation", PRELUDE + steps('do = "apend"  # <-\nvar = "x"'),
     ['do = "apend"', "unknown operation", 'did you mean "append"']),
    ("unknown_field", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nums"\ncuont = 3  # <-'),
     ['unknown field "cuont"', 'did you mean "count"']),
    ("missing_do", PRELUDE + '\n[[step]]  # <-\nline = 4\nvar = "x"\n', ['missing field "do"']),
    ("missing_line", PRELUDE + '\n[[step]]  # <-\ndo = "gc"\n', ['missing field "line"']),
    ("missing_required_field", PRELUDE + '\n[[step]]  # <-\nline = 4\ndo = "make_slice"\nvar = "s"\n',
     ["make_slice", 'missing field "elem"']),
    ("line_past_source", PRELUDE + steps('line = 40  # <-\ndo = "gc"'),
     ["line = 40", "past the end", "6 lines"]),
    ("count_is_a_string", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nums"\ncount = "3"  # <-'),
     ['count = "3"', "expected an integer", "without quotes"]),
    ("bool_is_a_string", PRELUDE + TYPES + steps('do = "pool_new"\nvar = "p"\ntype = "Node"\nhas_new = "yes"  # <-'),
     ['has_new = "yes"', "true or false"]),
    ("float_count", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nums"\ncount = 1.5  # <-'),
     ["count = 1.5", "expected an integer", "float"]),
    ("escape_misspelt", PRELUDE + steps('do = "new"\nvar = "x"\ntype = "int"\nescape = "stak"  # <-'),
     ['escape = "stak"', 'did you mean "stack"']),
    ("bad_variable_name", PRELUDE + steps('do = "new"\nvar = "my var"  # <-\ntype = "int"'),
     ['var = "my var"', "not a valid variable name"]),
    ("pause_in_loop_body", PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 2\n'
     'body = [ { do = "gc", pause = true } ]  # <-\n', ['unknown field "pause"', "top-level steps only"]),
    # -- sizes -----------------------------------------------------------------------------
    ("negative_len", PRELUDE + steps('do = "make_slice"\nvar = "s"\nelem = "int"\nlen = -1  # <-'),
     ["len = -1", "must not be negative"]),
    ("cap_less_than_len", PRELUDE + steps('do = "make_slice"\nvar = "s"\nelem = "int"\nlen = 10\ncap = 5  # <-'),
     ["cap = 5", "len = 10", "makeslice: cap out of range"]),
    ("reslice_past_cap", PRELUDE + steps(SLICE, 'do = "reslice"\nvar = "small"\nfrom = "nums"\nhigh = 500  # <-'),
     ["high = 500", "cap 100", "slice bounds out of range [:500] with capacity 100"]),
    ("reslice_low_above_high", PRELUDE + steps(SLICE, 'do = "reslice"\nvar = "s"\nfrom = "nums"\nlow = 50  # <-\nhigh = 10'),
     ["low = 50", "high = 10", "[50:10]"]),
    ("reslice_low_past_len", PRELUDE + steps(SLICE, 'do = "reslice"\nvar = "s"\nfrom = "nums"\nlow = 5  # <-'),
     ["low = 5", "len 0", "[5:0]"]),
    ("reslice_max_without_high", PRELUDE + steps(SLICE, 'do = "reslice"\nvar = "s"\nfrom = "nums"\nmax = 5  # <-'),
     ["max", "needs high"]),
    ("reslice_after_appends_tracks_cap", PRELUDE + steps(
        'do = "make_slice"\nvar = "s"\nelem = "int"', 'do = "append"\nvar = "s"\ncount = 1000',
        'do = "reslice"\nvar = "t"\nfrom = "s"\nhigh = 1281  # <-'),
     ["high = 1281", "cap 1280"]),
    ("repeat_too_big", PRELUDE + steps('do = "new"\nvar = "x"\ntype = "int"\nrepeat = 10000000000  # <-'),
     ["repeat = 10000000000 × 8 B", "80 GB", "the limit is 4 GiB"]),
    ("make_slice_too_big", PRELUDE + steps('do = "make_slice"\nvar = "s"\nelem = "int"\ncap = 10000000000  # <-'),
     ["cap = 10000000000 × 8 B", "would need", "80 GB"]),
    ("append_too_big", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nums"\ncount = 2000000000  # <-'),
     ["count = 2000000000 × 8 B", "would need", "16 GB"]),
    ("loop_too_many_operations", PRELUDE + steps('do = "loop"\ntimes = 5000000  # <-\n'
     'body = [ { do = "gc" }, { do = "gc" } ]'), ["times = 5000000", "10000000 operations", "at most 1000000"]),
    ("stack_escape_too_big", PRELUDE + steps('do = "new"\nvar = "x"\ntype = "[65537]byte"\nescape = "stack"  # <-'),
     ["65537 B", "64 KiB", "escapes to heap"]),
    ("stack_overflow", PRELUDE + steps('do = "call"\ndepth = 10000000  # <-\nframe = 1000'),
     ["depth = 10000000", "stack overflow"]),
    ("map_delete_more_than_present", PRELUDE + steps(MAP, 'do = "map_insert"\nvar = "m"\ncount = 5',
     'do = "map_delete"\nvar = "m"\ncount = 10  # <-'), ["count = 10", "only 5 key(s)"]),
    ("type_too_big", PRELUDE + steps('do = "new"\nvar = "x"\ntype = "[10000000000]int"  # <-'),
     ['type = "[10000000000]int"', "80 GB"]),
    # -- names -----------------------------------------------------------------------------
    ("unknown_type", PRELUDE + TYPES + steps('do = "new"\nvar = "n"\ntype = "Nod"  # <-'),
     ['type = "Nod"', "unknown type", 'did you mean "Node"']),
    ("unknown_elem_type_keeps_prefix", PRELUDE + TYPES + steps('do = "make_slice"\nvar = "s"\nelem = "*Nde"  # <-'),
     ['elem = "*Nde"', 'did you mean "*Node"']),
    ("undefined_variable", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nmus"  # <-'),
     ['var = "nmus"', "no such variable", 'did you mean "nums"']),
    ("dropped_variable", PRELUDE + steps(SLICE, 'do = "drop"\nvar = "nums"', 'do = "append"\nvar = "nums"  # <-'),
     ['var = "nums"', "was dropped at line"]),
    ("used_before_created", PRELUDE + steps('do = "append"\nvar = "later"  # <-',
     'do = "make_slice"\nvar = "later"\nelem = "int"'), ['var = "later"', "before it is created"]),
    ("append_to_map", PRELUDE + steps(MAP, 'do = "append"\nvar = "m"  # <-'),
     ['var = "m" is a map', "append needs a slice"]),
    ("pool_put_to_non_pool", PRELUDE + TYPES + steps(NODE, SLICE, 'do = "pool_put"\npool = "nums"  # <-\nvar = "head"'),
     ['pool = "nums" is a slice', "needs a sync.Pool"]),
    ("pool_put_a_slice", PRELUDE + TYPES + steps(POOL, SLICE, 'do = "pool_put"\npool = "pool"\nvar = "nums"  # <-'),
     ['var = "nums" is a slice', "needs a pointer"]),
    ("pool_put_a_stack_object", PRELUDE + TYPES + steps(POOL, 'do = "new"\nvar = "n"\ntype = "Node"\nescape = "stack"',
     'do = "pool_put"\npool = "pool"\nvar = "n"  # <-'), ['var = "n" points to a stack object', "escapes to heap"]),
    ("rebind_with_other_kind", PRELUDE + steps(SLICE, 'do = "make_map"\nvar = "nums"  # <-\nkey = "int"\nvalue = "int"'),
     ['var = "nums"', "already a slice"]),
    ("assign_unknown_field", PRELUDE + TYPES + steps(NODE, 'do = "assign"\ntarget = "head.nxt"  # <-\nvalue = "nil"'),
     ['target = "head.nxt"', 'did you mean "next"']),
    ("assign_through_nil", PRELUDE + TYPES + steps('do = "assign"\ntarget = "p"\nvalue = "nil"',
     'do = "assign"\ntarget = "p.next"  # <-\nvalue = "nil"'), ["p is nil", "nil pointer dereference"]),
    ("append_value_to_noscan_slice", PRELUDE + TYPES + steps(NODE, SLICE, 'do = "append"\nvar = "nums"\nvalue = "head"  # <-'),
     ['value = "head"', "hold no pointers"]),
    ("count_and_batch", PRELUDE + steps(SLICE, 'do = "append"\nvar = "nums"\ncount = 2\nbatch = 3  # <-'),
     ["count", "batch", "not both"]),
    # -- goroutines ------------------------------------------------------------------------
    ("unknown_goroutine", PRELUDE + WORKER + steps('do = "gc"\nin = "wroker"  # <-'),
     ['in = "wroker"', "no such goroutine", 'did you mean "worker"']),
    ("goroutine_not_started", PRELUDE + WORKER + steps('do = "gc"\nin = "worker"  # <-'),
     ['"worker" has not been started', 'do = "go"']),
    ("go_twice", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"', 'do = "go"\ngoroutine = "worker"  # <-'),
     ['goroutine = "worker"', "already running"]),
    ("blocked_goroutine_runs", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"',
     'do = "block"\nin = "worker"', 'do = "gc"\nin = "worker"  # <-'), ['"worker" is blocked for ever']),
    ("variable_dies_with_goroutine", PRELUDE + WORKER + steps(
        'do = "go"\ngoroutine = "worker"', 'do = "new"\nvar = "buf"\ntype = "int"\nin = "worker"',
        'do = "exit"\ngoroutine = "worker"', 'do = "drop"\nvar = "buf"  # <-'),
     ['var = "buf"', "died when goroutine worker returned"]),
    ("block_main", PRELUDE + steps('do = "block"\ngoroutine = "main"  # <-'), ["main cannot block", "deadlock"]),
    # -- loop bodies -----------------------------------------------------------------------
    ("body_unknown_operation", PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 3\nbody = [\n'
     '  { do = "gc" },\n  { do = "mak_slice", var = "s", elem = "int" },  # <-\n]\n',
     ["step 1, body item 2", 'do = "mak_slice"', 'did you mean "make_slice"']),
    ("body_table_syntax", PRELUDE + '\n[[step]]\nline = 4\ndo = "loop"\ntimes = 3\n\n[[step.body]]\ndo = "gc"\n\n'
     '[[step.body]]\ndo = "map_insert"\nvar = "nomap"  # <-\n', ["body item 2", 'var = "nomap"', "no such variable"]),
    # -- values (issue 13) -----------------------------------------------------------------
    ("set_elem_past_len", PRELUDE + TYPES + steps(PTRS, NODE, 'do = "set_elem"\nvar = "ptrs"\nindex = 4  # <-\nvalue = "head"'),
     ["index = 4", "len 4", "index out of range [4] with length 4"]),
    ("set_elem_into_noscan_slice", PRELUDE + TYPES + steps(SLICE, NODE, 'do = "set_elem"\nvar = "nums"  # <-\nindex = 0\nvalue = "nil"'),
     ['var = "nums"', "hold no pointers"]),
    ("set_elem_of_a_map", PRELUDE + steps(MAP, 'do = "set_elem"\nvar = "m"  # <-\nindex = 0\nvalue = "nil"'),
     ['var = "m" is a map', "set_elem needs a slice"]),
    ("set_elem_unknown_value", PRELUDE + TYPES + steps(PTRS, 'do = "set_elem"\nvar = "ptrs"\nindex = 0\nvalue = "hed"  # <-'),
     ['value = "hed"', "no such variable"]),
    ("set_elem_a_stack_object", PRELUDE + TYPES + steps(PTRS, 'do = "new"\nvar = "n"\ntype = "Node"\nescape = "stack"',
     'do = "set_elem"\nvar = "ptrs"\nindex = 0\nvalue = "n"  # <-'), ['value = "n" points to a stack object', "escapes to heap"]),
    ("set_elem_negative_index", PRELUDE + TYPES + steps(PTRS, 'do = "set_elem"\nvar = "ptrs"\nindex = -1  # <-\nvalue = "nil"'),
     ["index", "-1"]),
    ("box_from_and_type", PRELUDE + steps(SLICE, 'do = "box"\nvar = "x"\nfrom = "nums"  # <-\ntype = "int"'),
     ["either from", "not both"]),
    ("box_neither", PRELUDE + steps('do = "box"\nvar = "x"  # <-'), ["either from", "one of them"]),
    ("box_value_with_from", PRELUDE + steps(SLICE, 'do = "box"\nvar = "x"\nfrom = "nums"\nvalue = 3  # <-'),
     ["value goes with type"]),
    ("box_value_of_a_struct", PRELUDE + TYPES + steps('do = "box"\nvar = "x"\ntype = "Node"\nvalue = 3  # <-'),
     ["value = 3", "Node is boxed by its size alone"]),
    ("box_a_stack_object", PRELUDE + TYPES + steps('do = "new"\nvar = "n"\ntype = "Node"\nescape = "stack"',
     'do = "box"\nvar = "x"\nfrom = "n"  # <-'), ['from = "n" is on the stack', "escapes to heap"]),
    ("box_unknown_type", PRELUDE + steps('do = "box"\nvar = "x"\ntype = "integer"  # <-\nvalue = 3'),
     ['type = "integer"', "unknown type"]),
    ("closure_unknown_capture", PRELUDE + steps(SLICE, 'do = "closure"\nvar = "f"\ncaptures = ["numz"]  # <-'),
     ['captures names "numz"', "no such variable", 'did you mean "nums"', '{ name = "numz", type = "int" }']),
    ("closure_captures_twice", PRELUDE + steps(SLICE, 'do = "closure"\nvar = "f"\ncaptures = ["nums", "nums"]  # <-'),
     ["item 2 captures nums again", "each variable once"]),
    ("closure_declares_twice", PRELUDE + steps('do = "closure"\nvar = "f"\n'
     'captures = [{ name = "n", type = "int" }, { name = "n", type = "int" }]  # <-'), ["item 2 captures n again"]),
    ("closure_unknown_type", PRELUDE + steps('do = "closure"\nvar = "f"\ncaptures = [{ name = "n", type = "innt" }]  # <-'),
     ['name = "n", type = "innt"', "unknown type", 'did you mean "int"']),
    ("closure_local_without_type", PRELUDE + steps('do = "closure"\nvar = "f"\ncaptures = [{ name = "n" }]  # <-'),
     ['item 1: missing key "type"', "its name and type"]),
    ("closure_local_bad_key", PRELUDE + steps('do = "closure"\nvar = "f"\n'
     'captures = [{ name = "n", type = "int", modifed = true }]  # <-'), ['unknown key "modifed"', 'did you mean "modified"']),
    ("closure_local_bad_modified", PRELUDE + steps('do = "closure"\nvar = "f"\n'
     'captures = [{ name = "n", type = "int", modified = "yes" }]  # <-'), ['modified = "yes"', "true or false"]),
    ("closure_capture_a_number", PRELUDE + steps('do = "closure"\nvar = "f"\ncaptures = [3]  # <-'),
     ["item 1 (3) is neither a variable's name nor a table"]),
    ("closure_declares_an_existing_name", PRELUDE + steps(SLICE, 'do = "closure"\nvar = "f"\n'
     'captures = [{ name = "nums", type = "int" }]  # <-'), ["nums is already a slice", 'capture it by its name ("nums")']),
    ("closure_over_a_map", PRELUDE + steps(MAP, 'do = "closure"\nvar = "f"\ncaptures = ["m"]  # <-'),
     ['captures names "m", a map', "does not simulate"]),
    ("closure_escaping_with_a_stack_object", PRELUDE + TYPES + steps('do = "new"\nvar = "n"\ntype = "Node"\nescape = "stack"',
     'do = "closure"\nvar = "f"\ncaptures = ["n"]  # <-\nescape = "heap"'), ['captures names "n", which is on the stack', "moved to heap"]),
    ("closure_not_a_list", PRELUDE + steps(SLICE, 'do = "closure"\nvar = "f"\ncaptures = "nums"  # <-'),
     ["captures", "expected an array of variable names"]),
    ("box_a_stack_closure", PRELUDE + steps(SLICE, 'do = "closure"\nvar = "f"\ncaptures = ["nums"]',
     'do = "box"\nvar = "x"\nfrom = "f"  # <-'), ['from = "f" is on the stack', "escapes to heap"]),
    ("loop_iteration_error", PRELUDE + steps(MAP, 'do = "loop"\ntimes = 3\nbody = [ { do = "map_insert", var = "m", count = 2 }, '
     '{ do = "map_delete", var = "m", count = 3 } ]  # <-'), ["count = 3", "only 2 key(s)"]),
    # -- channels (issue 13) -----------------------------------------------------------------
    ("send_on_a_slice", PRELUDE + steps(SLICE, 'do = "send"\nchan = "nums"  # <-'),
     ['chan = "nums" is a slice', "send needs a channel"]),
    ("send_pointer_on_chan_int", PRELUDE + TYPES + steps(NODE, 'do = "make_chan"\nvar = "ch"\nelem = "int"\ncap = 1',
     'do = "send"\nchan = "ch"\nvar = "head"  # <-'), ['var = "head"', "chan int", "hold no", "pointers"]),
    ("recv_deadlock_in_main", PRELUDE + steps('do = "make_chan"\nvar = "ch"\nelem = "int"', 'do = "recv"\nchan = "ch"  # <-'),
     ["<-ch", "blocks main", "all goroutines are asleep - deadlock!"]),
    ("send_on_closed_channel", PRELUDE + steps('do = "make_chan"\nvar = "ch"\nelem = "int"\ncap = 2',
     'do = "close_chan"\nchan = "ch"', 'do = "send"\nchan = "ch"  # <-'), ["ch is closed", "send on closed channel"]),
    ("close_twice", PRELUDE + steps('do = "make_chan"\nvar = "ch"\nelem = "int"',
     'do = "close_chan"\nchan = "ch"', 'do = "close_chan"\nchan = "ch"  # <-'), ["already closed", "close of closed channel"]),
    ("close_with_parked_sender", PRELUDE + WORKER + steps('do = "make_chan"\nvar = "ch"\nelem = "int"',
     'do = "go"\ngoroutine = "worker"', 'do = "send"\nchan = "ch"\nin = "worker"',
     'do = "close_chan"\nchan = "ch"  # <-'), ["worker parked sending on ch", "send on closed channel"]),
    ("chan_elem_too_big", PRELUDE + steps('do = "make_chan"\nvar = "ch"\nelem = "[70000]byte"  # <-'),
     ['elem = "[70000]byte"', "65535", "too large"]),
    ("send_repeated_after_parking", PRELUDE + WORKER + steps('do = "make_chan"\nvar = "ch"\nelem = "int"\ncap = 1',
     'do = "go"\ngoroutine = "worker"', 'do = "send"\nchan = "ch"\nrepeat = 3\nin = "worker"  # <-'),
     ['"worker" is blocked']),
    ("send_stack_pointer", PRELUDE + TYPES + steps('do = "new"\nvar = "head"\ntype = "Node"\nescape = "stack"',
     'do = "make_chan"\nvar = "ch"\nelem = "*Node"\ncap = 1', 'do = "send"\nchan = "ch"\nvar = "head"  # <-'),
     ['var = "head"', "stack object", "escapes to heap"]),
    # -- go count (issue 13) -----------------------------------------------------------------
    ("go_count_without_body", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 5  # <-'),
     ["count = 5 needs a body"]),
    ("go_count_zero", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 0  # <-\n'
     'body = [ { do = "gc" } ]'), ["count", "1"]),
    ("go_body_unknown_var", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 3\n'
     'body = [ { do = "send", chan = "ch" } ]  # <-'), ['chan = "ch"', "no such variable"]),
    ("go_body_starts_goroutines", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 3\n'
     'body = [ { do = "go", goroutine = "worker" } ]  # <-'), ["not in a go body", "start them from main"]),
    ("go_body_exit", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 3\n'
     'body = [ { do = "exit" } ]  # <-'), ["not in a go body", "leave exit out"]),
    ("go_body_sets_in", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 3\n'
     'body = [ { do = "gc", in = "main" } ]  # <-'), ['in = "main"', "leave in out"]),
    ("go_body_runs_on_after_parking", PRELUDE + WORKER + steps('do = "make_chan"\nvar = "ch"\nelem = "int"',
     'do = "go"\ngoroutine = "worker"\ncount = 2\n'
     'body = [ { do = "send", chan = "ch" }, { do = "gc" } ]  # <-'), ["worker#0 parked", "body ends where it parks"]),
    ("go_body_twice", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 2\nbody = [ { do = "gc" } ]',
     'do = "go"\ngoroutine = "worker"  # <-\ncount = 2\nbody = [ { do = "gc" } ]'),
     ["started goroutines of", "declare another [[goroutine]]"]),
    ("go_template_runs_a_step", PRELUDE + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 2\nbody = [ { do = "gc" } ]',
     'do = "gc"\nin = "worker"  # <-'), ["worker#0, worker#1", "they run that step's body"]),
    ("go_body_local_seen_from_main", PRELUDE + TYPES + WORKER + steps('do = "go"\ngoroutine = "worker"\ncount = 2\n'
     'body = [ { do = "new", var = "p", type = "Node" } ]', 'do = "drop"\nvar = "p"  # <-'),
     ['var = "p"', "local variable of goroutine worker"]),

]
