"""Writing a user's output file: all of it or nothing, and never over a file by surprise.

The data goes to a temporary file beside the target, which gets the permissions a plain
``open`` would give (``0o666`` less the umask), and is then put in place. A new file is
put in place with a hard link, which fails rather than replace a file that appeared
while the data was being produced; on file systems without hard links it is renamed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_new"]

# A file system that cannot hard-link says so with one of these.
_NO_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def write_new(
    target: Path, write: Callable[[BinaryIO], object], *, overwrite: bool = False
) -> None:
    """Write ``target`` through ``write(file)``; nothing is left behind if it fails.

    Raises FileExistsError when ``overwrite`` is false and ``target`` exists by the time
    the data is ready, and OSError for anything the file system refuses.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.bin"
    >>> write_new(target, lambda f: f.write(b"bits"))
    >>> target.read_bytes()
    b'bits'
    >>> write_new(target, lambda f: f.write(b"more"))
    Traceback (most recent call last):
    ...
    FileExistsError: ...
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if overwrite:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError as e:
            if e.errno not in _NO_LINKS:
                raise
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
