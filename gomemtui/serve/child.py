"""A viewer's app process: `python -m gomemtui.serve.child --scenario FILE... [--open FILE]`.

`gomemtui serve` starts one per SSH session (on its own PTY) and per web visitor (under
textual-serve's web driver), with the environment from `gomemtui.serve.environ`. The
files come from the server, never from the viewer: with one file the app opens it; with
several (a folder) the viewer picks one of them, and only them, in the app's picker.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _take_terminal() -> None:
    """Make the PTY on stdin this session's controlling terminal (so resizes signal us)."""
    try:
        import fcntl
        import termios

        if os.isatty(0) and os.getsid(0) == os.getpid():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except (OSError, ImportError, AttributeError):
        pass


def _choice(path: Path):
    from gomemtui.ui.screens.picker import ScenarioChoice

    from gomemtui.scenario.bundled import title_and_summary

    return ScenarioChoice(path, *title_and_summary(path))


def _css_beside_the_app(app_class: type):
    """The app's CSS_PATH made absolute (Textual reads it relative to the subclass's module)."""
    folder = Path(sys.modules[app_class.__module__].__file__ or ".").parent
    css = app_class.CSS_PATH
    if isinstance(css, (list, tuple)):
        return [str(folder / p) for p in css]
    return str(folder / css) if css else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gomemtui.serve.child")
    parser.add_argument("--scenario", action="append", required=True, type=Path)
    parser.add_argument("--open", type=Path, default=None)
    args = parser.parse_args(argv)
    files: list[Path] = args.scenario
    start: Path | None = args.open if args.open is not None else (files[0] if len(files) == 1 else None)
    if start is not None and start not in files:
        print("gomemtui: that scenario is not served here", file=sys.stderr)
        return 2
    _take_terminal()

    from gomemtui.scenario import ScenarioError, ScenarioNotFound, SettingsError, load_program
    from gomemtui.ui.app import GoMemApp, make_app
    from gomemtui.ui.screens.picker import PickerScreen

    if start is not None:
        try:
            program = load_program(start)
        except ScenarioError as exc:
            print("\r\n".join(str(p) for p in exc.problems), file=sys.stderr)
            return 1
        except (ScenarioNotFound, SettingsError, OSError) as exc:
            print(f"gomemtui: {exc}", file=sys.stderr)
            return 1
        app: GoMemApp = make_app(program, str(start))
    else:
        choices = [_choice(f) for f in files]

        class ServedPicker(GoMemApp):
            """The app opening on a picker of the served files only."""

            CSS_PATH = _css_beside_the_app(GoMemApp)

            def get_default_screen(self):
                return PickerScreen(choices)

        app = ServedPicker(None)
    app.run()
    code = app.return_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover - run as a process
    sys.exit(main())
