"""The run directory: an exclusive lock for the life of a run, a refusal to start over a
finished or running run, the truthful status of a run that died, and orphan clean-up.

A run directory "holds a run" once it has ``status.json``, ``summary.json`` or checkpoint
files; Hydra's own ``.hydra/`` and ``train.log`` (written before the job starts) do not
count. The lock is an ``flock`` on ``.lock`` in the directory, so the kernel releases it
when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from embodichain_rl.sweep.status import KILLED, RUNNING, STATUS_FILE, read_status

LOCK_FILE = ".lock"
"""The lock file inside the run directory (holds the holder's pid, host and command)."""


class RunDirError(RuntimeError):
    """The run directory cannot be used: another run holds it, or it already holds a run."""


def holds_run(run_dir: Path) -> bool:
    """Whether ``run_dir`` already holds a (finished, failed, killed or running) run."""
    checkpoints = run_dir / "checkpoints"
    has_checkpoints = checkpoints.is_dir() and any(checkpoints.glob("*.pt"))
    return has_checkpoints or any(
        (run_dir / name).exists() for name in (STATUS_FILE, "summary.json")
    )


def _holder(run_dir: Path) -> str:
    try:
        info = json.loads((run_dir / LOCK_FILE).read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return f"pid {info.get('pid')} on {info.get('host')} (started {info.get('started')})"


def is_locked(run_dir: Path) -> bool:
    """Whether a live process holds ``run_dir``'s lock (a non-blocking probe)."""
    path = run_dir / LOCK_FILE
    if not path.is_file():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def run_status(run_dir: Path) -> dict[str, Any] | None:
    """``status.json`` of ``run_dir``, with ``running`` corrected to ``killed`` when no
    process holds the directory any more (the run died without recording its end)."""
    status = read_status(run_dir)
    if status is not None and status.get("status") == RUNNING and not is_locked(run_dir):
        status = {**status, "status": KILLED}
    return status


def _check_writable(run_dir: Path) -> None:
    """Refuse a run directory that could not be created or written (without creating it)."""
    existing = run_dir.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise RunDirError(f"cannot create run directory {run_dir}: {existing} is not a directory")
    if not os.access(existing, os.W_OK):
        raise RunDirError(
            f"cannot write run directory {run_dir}: {existing} is read-only or not writable; "
            "choose another hydra.run.dir"
        )


def check_run_dir(run_dir: Path, *, overwrite: bool, resuming_here: bool) -> None:
    """Refuse ``run_dir`` when it cannot be written, when another run holds it, or when it
    already holds a run that is neither being resumed in place nor explicitly overwritten."""
    _check_writable(run_dir)
    if is_locked(run_dir):
        raise RunDirError(f"run directory {run_dir} is in use by {_holder(run_dir)}")
    if holds_run(run_dir) and not (overwrite or resuming_here):
        status = run_status(run_dir) or {}
        state = status.get("status", "unknown")
        raise RunDirError(
            f"run directory {run_dir} already holds a run (status {state}): resume it with "
            f"runtime.resume={run_dir}, pick another hydra.run.dir, or pass "
            "runtime.overwrite=true to replace it"
        )


class RunLock:
    """Exclusive lock on a run directory for the life of a run (a context manager)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._handle: Any = None

    def __enter__(self) -> RunLock:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        handle = (self.run_dir / LOCK_FILE).open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RunDirError(
                f"run directory {self.run_dir} is in use by {_holder(self.run_dir)}"
            ) from None
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def remove_orphaned_temporaries(checkpoint_dir: Path) -> list[Path]:
    """Delete ``.*.tmp`` files a killed writer left among the checkpoints (only call while
    holding the run's lock: then no writer can be alive); returns what was removed."""
    if not checkpoint_dir.is_dir():
        return []
    orphans = sorted(checkpoint_dir.glob(".*.tmp"))
    for path in orphans:
        path.unlink(missing_ok=True)
    return orphans
