"""What runs in a viewer's app process (forked by `gomemtui.serve.viewers`).

The files come from the server, never from the viewer: with one file the app opens it;
with several (a folder) the viewer picks one of them, and only them, in the app's picker.
"""

from __future__ import annotations

import io
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from gomemtui.serve.compare_session import CompareRequest
    from gomemtui.ui.app import GoMemApp

CRASH_FILE = ".gomemtui-crash.txt"
"""Where, in its home folder, a viewer's app leaves the details of an unhandled exception
for the server's log (the viewer is only told that the app stopped)."""

CRASH_MESSAGE = "gomemtui: the app stopped on an internal error (the details are in the server's log). Sorry."
"""What a viewer is shown instead of a traceback (which names the server's install paths)."""

MAX_CRASH_REPORT = 64 * 1024
"""The most of a crash report the server reads (and logs)."""


def read_crash(home: Path) -> str | None:
    """The crash report a viewer's app left in `home`, with control characters escaped; None if none."""
    try:
        with open(home / CRASH_FILE, "rb") as f:
            raw = f.read(MAX_CRASH_REPORT)
    except OSError:
        return None
    text = raw.decode("utf-8", "replace").rstrip()
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text) or None

from gomemtui.units import printable


def _reread_textual_settings() -> None:
    """Textual read TEXTUAL_* when the forkserver imported it: read this app's now."""
    import importlib

    import textual.constants
    import textual.screen

    importlib.reload(textual.constants)
    textual.screen.UPDATE_PERIOD = 1 / textual.constants.MAX_FPS  # type: ignore[misc]


def run_app(files: tuple[Path, ...], start: Path | None, compare: CompareRequest | None = None) -> int:
    """Run the app over the served `files`, on `start` if given (or the split view of
    `compare`); its exit status."""
    _reread_textual_settings()
    if compare is not None:
        return _run_compare(compare)
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
        choices = [ScenarioChoice(f, *title_and_summary(f), f.stem) for f in files]

        class ServedPicker(GoMemApp):
            """The app opening on a picker of the served files only."""

            CSS_PATH = str(Path(sys.modules[GoMemApp.__module__].__file__ or ".").parent / str(GoMemApp.CSS_PATH))

            def get_default_screen(self) -> PickerScreen:
                return PickerScreen(choices)

        app = ServedPicker(None)
    return _run_reporting_crashes(app)


def _run_compare(request: CompareRequest) -> int:
    """The split view of two served scenarios (`ssh -t host compare ...`), both sides
    loaded and checked first, with the served runtime settings and each side's own."""
    import os

    from gomemtui.scenario import ScenarioError, ScenarioNotFound, SettingsError
    from gomemtui.scenario.settings import overrides_from_env, parse_assignment
    from gomemtui.ui.compare.app import CompareApp
    from gomemtui.ui.compare.sides import load_side, resolve_sides

    try:
        sides = resolve_sides(str(request.first), None if request.second is None else str(request.second),
                              parse_assignment(request.left) if request.left else None,
                              parse_assignment(request.right) if request.right else None,
                              overrides_from_env(os.environ))
        programs = [load_side(side) for side in sides]
    except ScenarioError as exc:
        print("\r\n".join(str(p) for p in exc.problems), file=sys.stderr)
        return 1
    except (ScenarioNotFound, SettingsError, ValueError, OSError) as exc:
        print(f"gomemtui: {printable(str(exc))}", file=sys.stderr)
        return 1
    return _run_reporting_crashes(CompareApp(programs[0], programs[1], sides))


def _run_reporting_crashes(app: App) -> int:
    """Run `app`; what it writes to stderr (an unhandled exception) goes to `CRASH_FILE`, for the server.

    Textual prints an app's unhandled exception to `sys.stderr` once its driver has given the
    terminal back (`App._print_error_renderables`), while the driver itself writes to
    `sys.__stderr__`/`sys.__stdout__`: so `sys.stderr` is swapped for a buffer while it runs.
    """
    details = io.StringIO()
    sys.stderr = details
    try:
        app.run()
        status = app.return_code if isinstance(app.return_code, int) else 0
    except Exception:
        traceback.print_exc(file=details)
        status = 1
    finally:
        sys.stderr = sys.__stderr__
    report = details.getvalue()
    if report.strip():
        try:
            Path(CRASH_FILE).write_text(report, encoding="utf-8", errors="backslashreplace")
        except OSError:
            pass
    return status
