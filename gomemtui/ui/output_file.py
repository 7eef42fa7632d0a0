"""Writing a file the user named on the command line (`gomemtui screenshot -o`) safely.

A target that exists is replaced only when asked (`force`); a symbolic link at the target
is never followed (the new file takes the link's place, and only with `force`); the
scenario being read is never written over; only the last folder level is made, and only
when asked (`mkdir`). The text goes to a temporary file in the target's folder first,
then takes the target's name in one step, so a full disk or a crash never leaves half a
file under that name. Every refusal and OS error is an `OutputError` with one line to say.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Sequence

__all__ = ["OutputError", "check_target", "write_text"]


class OutputError(Exception):
    """The file cannot or may not be written; str() is the one line to print."""


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def check_target(out: Path, *, force: bool = False, mkdir: bool = False,
                 inputs: Sequence[Path] = ()) -> list[str]:
    """Check that `out` may be written; make its folder if `mkdir` allows. Cheap, so a
    command can refuse before its work rather than after.

    Returns:
        Warnings to print (the file is still written).

    Raises:
        OutputError: why `out` may not be written.
    """
    try:
        st = os.lstat(out)  # lstat: a link at the target is looked at, not followed
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{out}: {_os_reason(exc)}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{out}: is a directory; give a file name, e.g. {out / 'screen.svg'}")
        for source in inputs:
            try:
                if os.path.samefile(out, source):
                    raise OutputError(f"{out}: is the scenario being read; write the picture to another file")
            except OSError:
                continue
        if not force:
            what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "a file"
            raise OutputError(f"{out}: {what} of that name already exists (--force replaces it)")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise OutputError(f"{out}: is not a regular file; it is not replaced")
    folder = out.parent
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise OutputError(f"{out}: {folder} is not a folder")
        if not mkdir:
            raise OutputError(f"{out}: the folder {folder} does not exist (--mkdir makes it)")
        if not folder.parent.is_dir():
            raise OutputError(f"{out}: the folder {folder.parent} does not exist either; "
                              "--mkdir makes only the last folder")
        try:
            folder.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputError(f"{out}: cannot make the folder {folder}: {_os_reason(exc)}") from None
    warnings = []
    if out.suffix.lower() != ".svg":
        warnings.append(f"{out}: the picture is SVG, but the name ends in "
                        f"{out.suffix or 'no extension'}; written as SVG all the same")
    return warnings


def write_text(out: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `out` through a temporary file in the same folder.

    Without `force` the file takes its name only if the name is still free (a hard link
    fails if anything, a link included, appeared there meanwhile); with `force` it
    replaces what is there (a symbolic link itself, never the file it points to).

    Raises:
        OutputError: the file could not be written (nothing is left under `out`'s name).
    """
    folder = out.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write: {_os_reason(exc)}") from None
    try:
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a picture is as any new file
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            if force:
                os.replace(tmp, out)
            else:
                try:
                    os.link(tmp, out)
                except FileExistsError:
                    raise OutputError(f"{out}: a file of that name already exists (--force replaces it)") from None
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                        raise
                    # no hard links here (some network and FAT file systems): check, then rename
                    if os.path.lexists(out):
                        raise OutputError(f"{out}: a file of that name already exists (--force replaces it)") from None
                    os.rename(tmp, out)
        except OSError as exc:
            raise OutputError(f"{out}: cannot write: {_os_reason(exc)}") from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
