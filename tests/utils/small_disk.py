"""A real tiny filesystem for full-disk and read-only tests: a tmpfs mounted in tmp_path.

Mounting needs root (CAP_SYS_ADMIN) and a kernel that allows it; elsewhere the tests that
use it skip with the reason, and fault-injection tests cover the same code paths.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@contextmanager
def small_tmpfs(where: Path, size_kib: int) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kib`` KiB at ``where`` (created), unmount it afterwards;
    ``pytest.skip`` when this machine does not let the test mount one."""
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount/umount command on this machine")
    where.mkdir(parents=True, exist_ok=True)
    mounted = _mount("-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not permitted'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def remount_read_only(where: Path) -> None:
    """Make the tmpfs at ``where`` read-only (``mount -o remount,ro``)."""
    result = _mount("-o", "remount,ro", str(where))
    if result.returncode != 0:
        pytest.skip(f"cannot remount {where} read-only ({result.stderr.strip()})")
