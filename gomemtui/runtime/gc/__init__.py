"""The garbage collector: pacer and CPU limiter, marking, the collector's cycles, gctrace."""
