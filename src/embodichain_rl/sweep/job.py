"""Run one training job and record how it ended; in a sweep a failure becomes a value."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import torch

from embodichain_rl.sweep.status import FAILED, OK, JobStatus, describe, write_error, write_status

log = logging.getLogger(__name__)

FAILED_OBJECTIVE = float("-inf")
"""What a failed job returns to the sweeper inside a sweep. Optuna (maximize) records
``-inf`` as a complete, worst-possible trial; it would mark ``nan`` FAIL, but
hydra-optuna-sweeper 1.3.0 then crashes re-telling the value. Hydra's basic sweeper and
the joblib/submitit launchers ignore the value."""


def run_recorded(job: Callable[[], float], run_dir: Path, *, in_sweep: bool) -> float:
    """Call ``job`` (returns the objective); write ``status.json`` either way, and
    ``error.txt`` when it raises. In a sweep a failure is logged and returns
    :data:`FAILED_OBJECTIVE` so the other jobs still run; otherwise it propagates."""
    start = time.perf_counter()

    def record(status: str, objective: float | None, error: str | None = None) -> None:
        write_status(
            run_dir,
            JobStatus(
                status=status,
                objective=objective,
                wall_time_s=time.perf_counter() - start,
                torch_threads=torch.get_num_threads(),
                error=error,
            ),
        )

    try:
        objective = job()
    except Exception as error:
        write_error(run_dir, error)
        record(FAILED, None, describe(error))
        if not in_sweep:
            raise
        log.error("job failed (%s); recorded in %s", describe(error), run_dir)
        return FAILED_OBJECTIVE
    record(OK, objective)
    return objective
