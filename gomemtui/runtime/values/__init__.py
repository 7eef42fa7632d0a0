"""Go values as the runtime lays them out: slices (growslice), Swiss-table maps, sync.Pool,
pointer slots, the program's variables and roots (`ProgramState`)."""
