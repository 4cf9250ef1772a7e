"""Writing a user's output file: all of it or nothing, and never over a file by surprise.

The data goes to a temporary file beside the target, created with ``os.open(...,
0o666)`` so that the system applies the umask (and any default ACL) exactly as a plain
``open`` would, without this process ever changing its umask; it is then put in place. A
new file is put in place with a hard link, which fails rather than replace a file that
appeared while the data was being produced; on file systems without hard links it is
renamed. The caller may ask for other permission bits and times (``gzip -d`` gives the
restored file those of the compressed one); they are set on the temporary file, so the
target never exists with the wrong ones.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["write_new"]

# A file system that cannot hard-link says so with one of these.
_NO_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _temporary(target: Path) -> tuple[int, str]:
    """A new, empty file beside ``target``, mode ``0o666`` less the umask."""
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, _CREATE | getattr(os, "O_NOFOLLOW", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def write_new(
    target: Path,
    write: Callable[[BinaryIO], object],
    *,
    overwrite: bool = False,
    mode: int | None = None,
    times_ns: tuple[int, int] | None = None,
) -> None:
    """Write ``target`` through ``write(file)``; nothing is left behind if it fails.

    ``mode`` (permission bits) and ``times_ns`` (access and modification time, in
    nanoseconds, as for :func:`os.utime`) replace the defaults when given: ``0o666`` less
    the umask, and the time of writing.

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
    fd, tmp = _temporary(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            if mode is not None or times_ns is not None:
                fh.flush()  # the last write must not come after the times are set
            if mode is not None:
                os.chmod(fh.fileno(), mode)
            if times_ns is not None:
                os.utime(fh.fileno(), ns=times_ns)
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
