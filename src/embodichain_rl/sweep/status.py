"""``status.json`` and ``error.txt``: how each run ended, written into its own directory."""

from __future__ import annotations

import json
import math
import os
import socket
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATUS_FILE = "status.json"
"""Per-run file: status, objective, error, wall time, torch threads, pid and host."""
ERROR_FILE = "error.txt"
"""Per-run file of a failed run: the full traceback."""
RUNNING = "running"
"""Written when training starts; left behind only by a run that was killed."""
OK = "ok"
FAILED = "failed"
INTERRUPTED = "interrupted"
"""Stopped by SIGINT / SIGTERM after writing ``last.pt``."""
KILLED = "killed"
"""Reported (never written by the run itself) for a ``running`` run whose process is gone."""


@dataclass(frozen=True)
class JobStatus:
    """What ``status.json`` records about one run."""

    status: str
    """``running``, ``ok``, ``failed`` or ``interrupted`` (readers report ``killed``)."""
    objective: float | None
    """The value returned to the sweeper (final eval metric); ``None`` unless ok."""
    wall_time_s: float
    """Whole job so far: build, train and evaluate (seconds)."""
    torch_threads: int
    """CPU threads torch used in this job."""
    error: str | None = None
    """``Type: message`` of the exception that ended a failed run."""
    pid: int = 0
    """Process that wrote the file."""
    host: str = ""
    """Machine that wrote the file."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (a non-finite objective becomes ``None``)."""
        data = asdict(self)
        if self.objective is not None and not math.isfinite(self.objective):
            data["objective"] = None
        return data


def write_status(run_dir: Path, status: JobStatus) -> Path:
    """Write ``status.json`` into ``run_dir`` (created if needed), whole or not at all."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / STATUS_FILE
    data = {**status.to_json(), "pid": status.pid or os.getpid()}
    data["host"] = status.host or socket.gethostname()
    tmp = path.with_name(f".{STATUS_FILE}.tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)
    return path


def write_error(run_dir: Path, error: BaseException) -> Path:
    """Write the traceback of ``error`` to ``error.txt`` in ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / ERROR_FILE
    path.write_text("".join(traceback.format_exception(error)))
    return path


def read_status(run_dir: Path) -> dict[str, Any] | None:
    """The run's ``status.json`` as a dict, or ``None`` when there is none."""
    path = run_dir / STATUS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def describe(error: BaseException) -> str:
    """One line: the exception type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
