"""The scenario's first frame, kept on disk from the last time the scenario was opened.

Before its first step a scenario's frame (title, source, step 0 of N, the runtime's
figures at start-up, an empty heap map) depends only on the scenario file, the runtime
settings and gomemtui's own code. The core computes it once; this module keeps that frame
on disk, so the next `gomemtui SCENARIO` draws it as soon as the panels are mounted,
while the core (numpy and all) is still being imported behind it. The core's own frame
replaces it when it comes, and is the same picture.

A kept frame is found by a key over everything the frame is computed from: the file's
bytes and path, the runtime overrides (GOGC, flags, ...), the Python version, and the
version, size and modification time of every module of the installed gomemtui (an
edited core is a different key, never a stale figure). The files live in
``$GOMEMTUI_CACHE_DIR`` (an empty value turns the cache off), else
``$XDG_CACHE_HOME/gomemtui/first-frames`` or ``~/.cache/gomemtui/first-frames``.

Only the heap map's shape depends on the terminal: before the first step the heap has
no pages, so the core's grid is one code in every cell, and `refit` redraws it at
another shape with that code and the cell size `Player` would choose.

Beside the frame, a picture of the whole screen is kept per terminal size, theme and
colour setting (`load_picture`, `save_picture`; plain JSON, drawn by
`gomemtui.ui.widgets.kept_picture`): drawing it needs nothing but Textual, so it is on
screen in the app's very first paint, before the frame's classes (and numpy) are imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the frame's classes (and numpy) load when a kept frame is read
    from gomemtui.ui.frame import Frame

FORMAT = 1
"""Bumped when what a kept file holds changes shape."""

_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path | None:
    """Where kept first frames live (None: the cache is turned off)."""
    chosen = os.environ.get("GOMEMTUI_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to find
            return None
    # The folder is made private (0700): a kept frame is unpickled, so only its owner may write it.
    return Path(base) / "gomemtui" / "first-frames"


def code_fingerprint() -> str:
    """A digest of gomemtui's installed modules (name, size, modification time) and the
    Python version: any change to the code that computes a frame changes it."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                rel = os.path.relpath(os.path.join(folder, name), _PACKAGE)
                digest.update(f"{rel} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def settings_text(overrides: object) -> str:
    """The runtime overrides (`gomemtui.scenario.settings.Overrides`) as text for the key:
    each setting given, by name (`repr` would name the "unset" marker by its address)."""
    from gomemtui.scenario.settings import UNSET

    given = [(f.name, getattr(overrides, f.name)) for f in dataclasses.fields(overrides)]  # type: ignore[arg-type]
    return ",".join(f"{name}={value!r}" for name, value in given if value is not UNSET)


class FirstFrameCache:
    """The kept first frame of one scenario file under one set of runtime settings.

    Args:
        path: The scenario file.
        settings: What else the program is compiled from (`settings_text` of the overrides).
    """

    def __init__(self, path: Path, settings: str) -> None:
        self.path = path
        """The scenario file."""
        self.settings = settings
        """The runtime overrides, as text."""
        self._key: str | None = None
        self.saved_shape: tuple[int, int, int, int] | None = None
        """(rows, cols, cell_w, cell_h) of the grid last kept or read (saves only a new shape)."""

    def key(self) -> str | None:
        """The file's key (computed once), or None if the scenario file cannot be read."""
        if self._key is None:
            try:
                content = self.path.read_bytes()
            except OSError:
                return None
            digest = hashlib.sha256(content)
            digest.update(f"\0{self.path.resolve()}\0{self.settings}\0{code_fingerprint()}".encode())
            self._key = digest.hexdigest()
        return self._key

    def _file(self) -> Path | None:
        folder = cache_dir()
        key = self.key()
        return folder / f"{key}.pickle" if folder is not None and key is not None else None

    def load(self) -> Frame | None:
        """The kept first frame, or None (none kept, or unreadable: then it is removed)."""
        file = self._file()
        if file is None or not file.is_file():
            return None
        try:
            with file.open("rb") as stream:
                frame = pickle.load(stream)
            from gomemtui.ui.frame import Frame

            if not isinstance(frame, Frame) or frame.position != 0:
                raise ValueError("not a first frame")
        except Exception:  # a file from an older layout, cut short, ...: forget it
            file.unlink(missing_ok=True)
            return None
        self.saved_shape = _shape(frame)
        return frame

    def save(self, frame: Frame) -> None:
        """Keep the core's frame before the first step (its grid's shape replaces the one kept)."""
        if frame.position != 0 or frame.span is not None or frame.message or frame.log:
            return
        if _shape(frame) == self.saved_shape:
            return
        file = self._file()
        if file is None:
            return
        _write(file, pickle.dumps(dataclasses.replace(frame, serial=0), protocol=pickle.HIGHEST_PROTOCOL))
        self.saved_shape = _shape(frame)


    # -- the picture of the whole screen ---------------------------------------------------

    def _picture_file(self, size: tuple[int, int], variant: str) -> Path | None:
        folder = cache_dir()
        key = self.key()
        if folder is None or key is None:
            return None
        return folder / f"{key}-{size[0]}x{size[1]}-{variant}.json"

    def load_picture(self, size: tuple[int, int], variant: str) -> list[list[tuple[str, str]]] | None:
        """The kept picture of the screen at `size` (width, height) drawn as `variant` (the
        theme and colour settings), or None."""
        file = self._picture_file(size, variant)
        if file is None or not file.is_file():
            return None
        try:
            lines = json.loads(file.read_text(encoding="utf-8"))
            if not (isinstance(lines, list) and len(lines) == size[1]):
                raise ValueError("not a picture of this size")
            return [[(str(text), str(style)) for text, style in line] for line in lines]
        except (OSError, ValueError, TypeError):  # cut short, an older layout, ...: forget it
            file.unlink(missing_ok=True)
            return None

    def has_picture(self, size: tuple[int, int], variant: str) -> bool:
        """Whether a picture of the screen at `size` drawn as `variant` is kept."""
        file = self._picture_file(size, variant)
        return file is not None and file.is_file()

    def save_picture(self, size: tuple[int, int], variant: str, lines: list[list[tuple[str, str]]]) -> None:
        """Keep a picture of the screen (`gomemtui.ui.widgets.kept_picture.picture_runs`)."""
        file = self._picture_file(size, variant)
        if file is not None:
            _write(file, json.dumps(lines, ensure_ascii=False, separators=(",", ":")).encode())


def _write(file: Path, data: bytes) -> None:
    """Write `data` to `file` whole or not at all (a read-only or full disk costs the next
    start its head start, nothing more)."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=file.parent, prefix=".tmp-", delete=False) as out:
            out.write(data)
        os.replace(out.name, file)
    except OSError:
        pass


def _shape(frame: Frame) -> tuple[int, int, int, int]:
    grid = frame.grid
    return grid.rows, grid.cols, grid.cell_w, grid.cell_h


def refit(frame: Frame, shape: tuple[int, int]) -> Frame | None:
    """The first frame with its heap map at `shape` (lines, characters) (`frame` itself
    if it is drawn at that shape already), or None when the kept grid cannot be redrawn
    without the core (the heap has pages, so cells differ).

    With no page mapped, every cell of the core's grid holds the same code; `Player`
    picks the cell size for the shape (`fit_grid`), and the grid is that code throughout.
    """
    import numpy as np

    from gomemtui.ui.frame import HeapGrid
    from gomemtui.ui.player import fit_grid

    cells = np.asarray(frame.grid.cells)
    if frame.view.pages_mapped != 0 or cells.size == 0 or not (cells == cells.flat[0]).all():
        return None
    rows, cols, cell_w, cell_h = fit_grid(shape, 0)
    if (rows, cols, cell_w, cell_h) == _shape(frame):
        return frame
    grid = np.full((rows, cols), cells.flat[0], dtype=cells.dtype)
    grid.setflags(write=False)
    return dataclasses.replace(frame, grid=HeapGrid(rows, cols, frame.grid.mode, grid, cell_w, cell_h))
