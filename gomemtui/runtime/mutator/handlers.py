"""The one table of operations: each op class and the handler that runs it.

`Mutator.run_op` looks an op's class up here; every handler is a plain function of
`(mutator, op)` in the module of its family, so tools can follow each operation.
"""

from __future__ import annotations

from gomemtui.runtime import program as ops
from gomemtui.runtime.mutator import gc_settings, goroutines, loops, maps, pointers, pools, slices
from gomemtui.runtime.mutator import channels, closures, strings, values
from gomemtui.runtime.mutator import runtime_calls
from gomemtui.runtime.mutator import go_count  # -- go count (issue 13) --
from gomemtui.runtime.mutator.mutator import Handler

HANDLERS: dict[type, Handler] = {
    ops.New: pointers.new,
    ops.Assign: pointers.assign,
    ops.Drop: pointers.drop,
    ops.Global: pointers.make_global,
    ops.MakeSlice: slices.make_slice,
    ops.Append: slices.append,
    ops.Reslice: slices.reslice,
    ops.CopySlice: slices.copy_slice,
    ops.MakeMap: maps.make_map,
    ops.MapInsert: maps.map_insert,
    ops.MapDelete: maps.map_delete,
    ops.MapClear: maps.map_clear,
    ops.PoolNew: pools.pool_new,
    ops.PoolGet: pools.pool_get,
    ops.PoolPut: pools.pool_put,
    ops.Go: go_count.go_statement,  # -- go count (issue 13): plain `go` too --
    ops.Block: goroutines.block,
    ops.Exit: goroutines.goroutine_exit,
    ops.Call: goroutines.call,
    ops.GC: gc_settings.gc,
    ops.SetGCPercent: gc_settings.set_gc_percent,
    ops.SetMemoryLimit: gc_settings.set_memory_limit,
    ops.Repeat: loops.repeat,
    ops.Loop: loops.loop,
    # -- strings (issue 13) --
    ops.MakeString: strings.make_string,
    ops.Concat: strings.concat,
    ops.Substring: strings.substring,
    ops.StringBytes: strings.string_bytes,
    # -- values (issue 13) --
    ops.SetElem: values.set_elem,
    ops.Box: values.box,
    ops.Closure: closures.closure,
    # -- channels (issue 13) --
    ops.MakeChan: channels.make_chan,
    ops.Send: channels.send,
    ops.Recv: channels.recv,
    ops.CloseChan: channels.close_chan,
    # -- runtime (issue 13) --
    ops.FreeOSMemory: runtime_calls.free_os_memory,
    ops.SetFinalizer: runtime_calls.set_finalizer,
    ops.AddCleanup: runtime_calls.add_cleanup,
    ops.WeakMake: runtime_calls.weak_make,
    ops.WeakValue: runtime_calls.weak_value,
}
"""Op class → handler; `tests/runtime/mutator` checks every op class has one."""
