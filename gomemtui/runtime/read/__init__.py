"""The read side: views, the heap map, why-alive and JSON state, built from a Runtime
(`RuntimeReader`); the core never imports this package."""
