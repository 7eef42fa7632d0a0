"""The heap's memory: size classes, spans, the page heap, the heap (objects, allocator,
sweeper, figures), the scavenger, goroutine stacks."""
