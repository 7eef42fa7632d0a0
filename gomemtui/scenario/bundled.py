"""The scenarios installed with the package, and how a SCENARIO argument is resolved.

A SCENARIO on the command line is a path to a ``.toml`` file, or the name of a bundled
scenario: its file name without ``.toml`` (``tour``), also without a numeric prefix
(``reslice`` for ``03-reslice.toml``). They live in the ``gomemtui.scenarios`` package,
so they work from an installed wheel as well as from a checkout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gomemtui.scenario.errors import suggest

__all__ = ["BundledScenario", "bundled_dir", "list_bundled", "find_scenario", "ScenarioNotFound", "title_and_summary"]

_PREFIX = re.compile(r"^\d+[-_]")


@dataclass(frozen=True)
class BundledScenario:
    """One bundled scenario, as `gomemtui list` shows it."""

    name: str
    path: Path
    title: str
    summary: str

    @property
    def short_name(self) -> str:
        """The name without its numeric ordering prefix (`reslice` for `03-reslice`)."""
        return _PREFIX.sub("", self.name)


class ScenarioNotFound(LookupError):
    """Neither a file nor a bundled scenario; str() suggests the closest name."""


def bundled_dir() -> Path:
    """The directory holding the bundled scenario files."""
    return Path(str(resources.files("gomemtui.scenarios")))


def list_bundled() -> list[BundledScenario]:
    """Every bundled scenario, sorted by file name, with its title and summary.

    A file whose [scenario] cannot be read is still listed (its summary says so), so
    `gomemtui list` never fails; `gomemtui check` explains what is wrong.
    """
    out = []
    for path in sorted(bundled_dir().glob("*.toml")):
        title, summary = title_and_summary(path, "(cannot be read: run gomemtui check on it)")
        out.append(BundledScenario(path.stem, path, title, summary))
    return out


def title_and_summary(path: Path, unreadable: str = "(cannot be read)") -> tuple[str, str]:
    """A scenario file's [scenario] title and summary, read without checking the rest.

    A file that cannot be read gets its name as title and `unreadable` as summary.
    """
    import tomllib  # here, not at the top: opening a scenario by name reads no TOML

    try:
        info = tomllib.loads(path.read_text("utf-8")).get("scenario", {})
        return str(info.get("title", path.stem)), str(info.get("summary", ""))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return path.stem, unreadable


def find_scenario(arg: str) -> Path:
    """The file a SCENARIO argument names: an existing path, else a bundled scenario."""
    path = Path(arg)
    if path.is_file():
        return path
    if path.is_dir():
        raise ScenarioNotFound(f"{arg}: is a directory, not a scenario file")
    name = arg.removesuffix(".toml")
    if "/" not in arg and "\\" not in arg:
        for candidate in sorted(bundled_dir().glob("*.toml")):  # by file name, without reading them
            if name in (candidate.stem, _PREFIX.sub("", candidate.stem)):
                return candidate
        bundled = list_bundled()
        for b in bundled:
            if name in (b.name, b.short_name):
                return b.path
        names = [b.name for b in bundled] + [b.short_name for b in bundled]
        hint = suggest(name, names)
        listing = ", ".join(b.short_name for b in bundled)
        raise ScenarioNotFound(
            f"{arg}: no such file or bundled scenario{hint} (bundled: {listing}; see gomemtui list)")
    if path.exists():
        raise ScenarioNotFound(f"{arg}: not a regular file")
    raise ScenarioNotFound(f"{arg}: no such file")
