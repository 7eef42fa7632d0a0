"""The scenarios bundled with gomemtui (package data: one ``NAME.toml`` per scenario).

See `gomemtui.scenario.bundled` to list them and find one by name.
"""
