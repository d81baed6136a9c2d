"""Filesystem faults (full disk, read-only mount, no permission) as one-line messages."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import TypeVar

_REASONS: dict[int, str] = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a parent of it is not a directory",
    errno.EISDIR: "is a directory",
    errno.EEXIST: "exists and is not a directory",
    errno.ENAMETOOLONG: "file name too long",
    errno.EIO: "input/output error (failing disk?)",
}
"""The wording used for the errors a user can fix (free space, mount, permissions)."""


class StorageError(OSError):
    """A file or directory cannot be written; ``str()`` is one line naming the path and
    the reason, ``errno`` is the original error number (see :func:`storage_error`)."""


E = TypeVar("E", bound=StorageError)


def find_os_error(error: BaseException) -> OSError | None:
    """``error`` itself if it is an ``OSError``, else the first one it was raised from or
    while handling (torch wraps a failed write in a ``RuntimeError``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe_os_error(error: OSError, path: Path) -> str:
    """``"<path>: <reason>"`` for ``error`` in one line, e.g.
    ``/runs/a/last.pt: no space left on device``."""
    reason = _REASONS.get(error.errno or -1)
    if reason is None:
        reason = (error.strerror or str(error) or type(error).__name__).strip().lower()
    return f"{path}: {' '.join(reason.split())}"


def storage_error(
    what: str, error: OSError, path: Path, *, suffix: str = "", kind: type[E] = StorageError
) -> E:
    """A ``kind`` (a :class:`StorageError`) reading ``"<what> <path>: <reason><suffix>"``
    and carrying ``error.errno``."""
    raised = kind(f"{what} {describe_os_error(error, path)}{suffix}")
    raised.errno = error.errno
    return raised


def ensure_writable_dir(path: Path) -> None:
    """Create ``path`` (and its parents) if needed and check a file can be written in it.

    Raises :class:`StorageError` with one line naming ``path`` when it cannot be created,
    is not a directory, or refuses a write (read-only mount, no permission, full disk).
    Nothing is left behind: the probe file is removed.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        not_dir = NotADirectoryError(errno.ENOTDIR, "exists and is not a directory")
        raise storage_error("cannot use output directory", not_dir, path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise storage_error("cannot create output directory", error, path) from error
    try:
        fd, probe = tempfile.mkstemp(prefix=".write_probe.", dir=path)
    except OSError as error:
        raise storage_error("cannot write in output directory", error, path) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise storage_error("cannot write in output directory", error, path) from error
    finally:
        Path(probe).unlink(missing_ok=True)
