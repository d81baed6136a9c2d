"""Run one training job; in a sweep a failure becomes a value the sweeper can rank."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import torch

from embodichain_rl.sweep.status import (
    FAILED,
    RUNNING,
    JobStatus,
    describe,
    read_status,
    write_error,
    write_status,
)
from embodichain_rl.trainer.run_dir import RunDirError

log = logging.getLogger(__name__)

FAILED_OBJECTIVE = float("-inf")
"""What a failed job returns to the sweeper inside a sweep. Optuna (maximize) records
``-inf`` as a complete, worst-possible trial; it would mark ``nan`` FAIL, but
hydra-optuna-sweeper 1.3.0 then crashes re-telling the value. Hydra's basic sweeper and
the joblib/submitit launchers ignore the value."""


def _record_failure(run_dir: Path, error: Exception, wall_time_s: float) -> None:
    """``status.json`` + ``error.txt`` for a job that failed before its trainer recorded
    anything (a bad config inside a sweep job); a directory another run holds is left
    untouched."""
    if isinstance(error, RunDirError):
        return
    status = read_status(run_dir)
    if status is not None and status.get("status") != RUNNING:
        return  # the trainer recorded how it ended
    write_error(run_dir, error)
    write_status(
        run_dir,
        JobStatus(
            status=FAILED,
            objective=None,
            wall_time_s=wall_time_s,
            torch_threads=torch.get_num_threads(),
            error=describe(error),
        ),
    )


def run_recorded(job: Callable[[], float], run_dir: Path, *, in_sweep: bool) -> float:
    """Call ``job`` (returns the objective; the trainer writes ``status.json``). A failure
    the trainer did not record is recorded here; in a sweep it is logged and returns
    :data:`FAILED_OBJECTIVE` so the other jobs still run, otherwise it propagates."""
    start = time.perf_counter()
    try:
        return job()
    except Exception as error:
        _record_failure(run_dir, error, time.perf_counter() - start)
        if not in_sweep:
            raise
        log.error("job failed (%s); recorded in %s", describe(error), run_dir)
        return FAILED_OBJECTIVE
