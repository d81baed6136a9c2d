"""Read every job of a sweep directory: its overrides, status and summary."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from embodichain_rl.sweep.status import OK, read_status

INCOMPLETE = "incomplete"
"""Status of a job with neither ``status.json`` nor ``summary.json`` (killed, running)."""


@dataclass(frozen=True)
class JobRecord:
    """One job of a sweep, as its directory records it."""

    job: str
    """The job directory, relative to the sweep root."""
    number: int
    """Hydra's job number (``hydra.job.num``)."""
    overrides: tuple[str, ...]
    """The job's task overrides (``.hydra/overrides.yaml``)."""
    status: str
    """``ok``, ``failed`` or ``incomplete``."""
    objective: float | None
    """What the job returned to the sweeper (final eval success); ``None`` if failed."""
    eval_success_rate: float | None
    eval_return_mean: float | None
    wall_time_s: float | None
    """Whole job (``status.json``), else the training loop (``summary.json``)."""
    error: str
    """``Type: message`` of a failed job; empty otherwise."""

    @property
    def params(self) -> dict[str, str]:
        """The overrides as ``key -> value`` (``+``/``~`` prefixes dropped)."""
        pairs = (item.split("=", 1) for item in self.overrides if "=" in item)
        return {key.lstrip("+~"): value for key, value in pairs}


def _load_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else None


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _job_number(hydra_dir: Path) -> int:
    hydra_yaml = yaml.safe_load((hydra_dir / "hydra.yaml").read_text()) or {}
    return int(hydra_yaml["hydra"]["job"]["num"])


def read_job(job_dir: Path, sweep_dir: Path) -> JobRecord:
    """The record of the job in ``job_dir`` (a directory with ``.hydra/``)."""
    hydra_dir = job_dir / ".hydra"
    overrides = yaml.safe_load((hydra_dir / "overrides.yaml").read_text()) or []
    status = read_status(job_dir) or {}
    summary = _load_json(job_dir / "summary.json") or {}
    state = status.get("status") or (OK if summary else INCOMPLETE)
    wall = status.get("wall_time_s", summary.get("wall_time_s"))
    objective = status.get("objective", summary.get("eval_success_rate"))
    return JobRecord(
        job=job_dir.relative_to(sweep_dir).as_posix(),
        number=_job_number(hydra_dir),
        overrides=tuple(str(item) for item in overrides),
        status=str(state),
        objective=_float(objective),
        eval_success_rate=_float(summary.get("eval_success_rate")),
        eval_return_mean=_float(summary.get("eval_return_mean")),
        wall_time_s=_float(wall),
        error=str(status.get("error") or ""),
    )


def collect_jobs(sweep_dir: Path) -> list[JobRecord]:
    """Every job under ``sweep_dir`` (any directory holding ``.hydra/overrides.yaml``),
    in job-number order."""
    job_dirs = {path.parent.parent for path in sweep_dir.rglob(".hydra/overrides.yaml")}
    return sorted((read_job(d, sweep_dir) for d in job_dirs), key=lambda r: (r.number, r.job))


def swept_keys(records: list[JobRecord]) -> list[str]:
    """Override keys whose value differs between jobs, in first-seen order."""
    seen: dict[str, set[str | None]] = {}
    for record in records:
        for key in record.params:
            seen.setdefault(key, set())
    for key, values in seen.items():
        values.update(record.params.get(key) for record in records)
    return [key for key, values in seen.items() if len(values) > 1]
