"""The garbage collector: pacer and CPU limiter, marking, the collector and its per-cycle
state (`Cycle`), gctrace."""
