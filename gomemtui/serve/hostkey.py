"""The SSH host key: generated once (ed25519), kept with 0600, never overwritten.

An existing file is used as it is, or the server refuses to start and says why (it
cannot be read, it is not a private key, or others may read it): it is never replaced,
since viewers' ssh clients remember the key and a silent new one looks like an attack.
A new key is created with O_EXCL (no race with another server, no following a link),
its public half is written beside it (.pub), and its fingerprint is logged so viewers
can check what their ssh client shows.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from gomemtui.serve.scenarios import ServeError

if TYPE_CHECKING:
    from asyncssh import SSHKey

__all__ = ["load_or_create_host_key"]

log = logging.getLogger("gomemtui.serve")


def load_or_create_host_key(path: Path) -> SSHKey:
    """The host key at `path` (an asyncssh SSHKey), made first if there is no file."""
    import asyncssh

    path = path.expanduser()
    if path.exists() or path.is_symlink():
        try:
            info = path.stat()
        except OSError as exc:
            raise ServeError(f"host key {path}: cannot be read ({exc.strerror}); it is left as it is") from None
        if not stat.S_ISREG(info.st_mode):
            raise ServeError(f"host key {path}: not a regular file; it is left as it is")
        if info.st_mode & 0o077:
            raise ServeError(f"host key {path}: others may read it (mode {stat.S_IMODE(info.st_mode):04o}); "
                             f"run: chmod 600 {path}")
        try:
            key = asyncssh.read_private_key(str(path))
        except (OSError, asyncssh.KeyImportError, ValueError) as exc:
            raise ServeError(f"host key {path}: not a private key this server can use ({exc}); it is left "
                             "as it is: fix it, or give another --host-key path to make a new key") from None
        log.info("host key %s (%s)", path, key.get_fingerprint())
        return key

    key = asyncssh.generate_private_key("ssh-ed25519", comment="gomemtui serve host key")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise ServeError(f"host key {path}: cannot be created ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key("openssh"))
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise ServeError(f"host key {path}: cannot be written ({exc.strerror})") from None
    os.chmod(path, 0o600)
    public = path.with_name(path.name + ".pub")
    try:
        fd = os.open(public, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_public_key("openssh"))
    except FileExistsError:
        log.warning("host key %s: %s already exists; left as it is", path, public)
    except OSError as exc:
        log.warning("host key %s: cannot write %s (%s)", path, public, exc.strerror)
    log.warning("generated a new ed25519 host key at %s (%s)", path, key.get_fingerprint())
    return key
