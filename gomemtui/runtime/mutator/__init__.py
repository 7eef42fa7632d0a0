"""The mutator: what each scenario operation makes the runtime do."""
