"""Real Go beside the model: `run X --against FILE` (a recorded `GODEBUG=gctrace=1` log)
and `gomemtui verify X` (build and run the scenario's source with gctrace).

The log reader and the pairing live on the read side (`gomemtui.runtime.read.gctrace_log`,
`gomemtui.runtime.read.against`); this package reads the command line, runs `go` and prints.
"""
