"""What `gomemtui serve` serves: one scenario file, or the scenario files of one folder.

The set is fixed when the server starts: every file is checked then (a broken one is
left out, with its problems logged), and every path is resolved, symbolic links
included, and must lie inside the served folder. A viewer never names a path: they
pick from this set (the app's picker) or name a scenario (`ssh -t host tour`), which is
looked up here by name and never used as a path.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Served", "ServeError", "resolve_served"]

log = logging.getLogger("gomemtui.serve")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PREFIX = re.compile(r"^\d+[-_]")


class ServeError(Exception):
    """Something that stops `gomemtui serve` from starting; str() says what and how to fix it."""


@dataclass(frozen=True)
class Served:
    """The scenario files a viewer may open."""

    root: Path
    """The served folder (resolved); for one file, its folder."""
    files: tuple[Path, ...]
    """The files, resolved, each inside `root`."""
    folder: bool
    """A folder was served (viewers pick); else exactly one file."""

    def names(self) -> list[str]:
        return [f.stem for f in self.files]

    def by_name(self, name: str) -> Path | None:
        """The served file a viewer's name stands for: its file name, stem, or stem without
        a numeric prefix ("reslice" for 03-reslice.toml). Never a path."""
        name = name.strip()
        if not _NAME.match(name) or ".." in name:
            return None
        stem = name.removesuffix(".toml")
        for f in self.files:
            if stem in (f.stem, _PREFIX.sub("", f.stem)):
                return f
        return None

    def contains(self, path: Path) -> bool:
        try:
            return path.resolve() in self.files
        except OSError:
            return False


def resolve_served(arg: str) -> Served:
    """The served set for SCENARIO_OR_FOLDER: a folder, a file, or a bundled scenario's name."""
    from gomemtui.scenario import ScenarioNotFound, find_scenario

    path = Path(arg).expanduser()
    if path.is_dir():
        root = path.resolve(strict=True)
        files = []
        for candidate in sorted(root.glob("*.toml")):
            try:
                resolved = candidate.resolve(strict=True)
            except OSError:
                log.warning("%s: skipped (a broken link)", candidate)
                continue
            if not resolved.is_relative_to(root):
                log.warning("%s: skipped (it leads outside %s)", candidate, root)
                continue
            if resolved.is_file() and _check(resolved):
                files.append(resolved)
        if not files:
            raise ServeError(f"{arg}: no scenario file in this folder can be served "
                             "(see the problems above; `gomemtui check` explains them)")
        return Served(root, tuple(dict.fromkeys(files)), True)
    try:
        found = find_scenario(arg)
    except ScenarioNotFound as exc:
        raise ServeError(str(exc)) from None
    resolved = found.resolve(strict=True)
    if not _check(resolved):
        raise ServeError(f"{arg}: has problems (see above; `gomemtui check {arg}`)")
    return Served(resolved.parent, (resolved,), False)


def _check(path: Path) -> bool:
    """Whether the file loads and compiles; its problems are logged otherwise."""
    from gomemtui.scenario import ScenarioError, compile_scenario, load_scenario

    try:
        compile_scenario(load_scenario(path))
    except ScenarioError as exc:
        for problem in exc.problems:
            log.warning("%s", problem)
        log.warning("%s: not served (it has problems)", path)
        return False
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: not served (%s)", path, exc)
        return False
    return True
