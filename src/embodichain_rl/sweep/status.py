"""``status.json`` and ``error.txt``: how each job ended, written into its own directory."""

from __future__ import annotations

import json
import math
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATUS_FILE = "status.json"
"""Per-job file: status, objective, error, wall time, torch threads."""
ERROR_FILE = "error.txt"
"""Per-job file of a failed job: the full traceback."""
OK = "ok"
FAILED = "failed"


@dataclass(frozen=True)
class JobStatus:
    """What ``status.json`` records about one job."""

    status: str
    """``ok`` or ``failed``."""
    objective: float | None
    """The value returned to the sweeper (final eval success); ``None`` when failed."""
    wall_time_s: float
    """Whole job: build, train and evaluate (seconds)."""
    torch_threads: int
    """CPU threads torch used in this job."""
    error: str | None = None
    """``Type: message`` of the exception that ended a failed job."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (a non-finite objective becomes ``None``)."""
        data = asdict(self)
        if self.objective is not None and not math.isfinite(self.objective):
            data["objective"] = None
        return data


def write_status(run_dir: Path, status: JobStatus) -> Path:
    """Write ``status.json`` into ``run_dir`` (created if needed)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / STATUS_FILE
    path.write_text(json.dumps(status.to_json(), indent=2))
    return path


def write_error(run_dir: Path, error: BaseException) -> Path:
    """Write the traceback of ``error`` to ``error.txt`` in ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / ERROR_FILE
    path.write_text("".join(traceback.format_exception(error)))
    return path


def read_status(run_dir: Path) -> dict[str, Any] | None:
    """The job's ``status.json`` as a dict, or ``None`` when there is none."""
    path = run_dir / STATUS_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else None


def describe(error: BaseException) -> str:
    """One line: the exception type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
