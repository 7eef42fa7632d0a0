"""The heap's memory: size classes, spans, the page heap, the scavenger, goroutine stacks."""
