"""The mutator: what each scenario operation makes the runtime do, one module per family
(slices, maps, pools, pointers, goroutines, gc_settings, loops), one table (`handlers`)."""
