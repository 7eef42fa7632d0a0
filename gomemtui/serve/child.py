"""What runs in a viewer's app process (forked by `gomemtui.serve.viewers`).

The files come from the server, never from the viewer: with one file the app opens it;
with several (a folder) the viewer picks one of them, and only them, in the app's picker.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gomemtui.units import printable


def _reread_textual_settings() -> None:
    """Textual read TEXTUAL_* when the forkserver imported it: read this app's now."""
    import importlib

    import textual.constants
    import textual.screen

    importlib.reload(textual.constants)
    textual.screen.UPDATE_PERIOD = 1 / textual.constants.MAX_FPS  # type: ignore[misc]


def run_app(files: tuple[Path, ...], start: Path | None) -> int:
    """Run the app over the served `files`, on `start` if given; its exit status."""
    _reread_textual_settings()
    from gomemtui.scenario import ScenarioError, ScenarioNotFound, SettingsError, load_program
    from gomemtui.scenario.bundled import title_and_summary
    from gomemtui.ui.app import GoMemApp, make_app
    from gomemtui.ui.screens.picker import PickerScreen, ScenarioChoice

    if start is None and len(files) == 1:
        start = files[0]
    if start is not None:
        try:
            program = load_program(start)
        except ScenarioError as exc:
            print("\r\n".join(str(p) for p in exc.problems), file=sys.stderr)
            return 1
        except (ScenarioNotFound, SettingsError, OSError) as exc:
            print(f"gomemtui: {printable(str(exc))}", file=sys.stderr)
            return 1
        app: GoMemApp = make_app(program, str(start))
    else:
        choices = [ScenarioChoice(f, *title_and_summary(f)) for f in files]

        class ServedPicker(GoMemApp):
            """The app opening on a picker of the served files only."""

            CSS_PATH = str(Path(sys.modules[GoMemApp.__module__].__file__ or ".").parent / str(GoMemApp.CSS_PATH))

            def get_default_screen(self) -> PickerScreen:
                return PickerScreen(choices)

        app = ServedPicker(None)
    app.run()
    return app.return_code if isinstance(app.return_code, int) else 0
