"""`gomemtui compare`: two runs side by side, stepped in lockstep (the app), or their
steps paired (`--json`).

Cheap to import: the command module imports textual and the core only when it runs.
"""
