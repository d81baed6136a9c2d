"""``status.json`` through a run's life: ``running`` while it trains, then ``ok``,
``interrupted`` or ``failed`` (with ``error.txt``); a run whose process died keeps
``running`` and is reported, and marked once noticed, as ``killed``."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import torch

from embodichain_rl.sweep.status import (
    FAILED,
    INTERRUPTED,
    KILLED,
    OK,
    RUNNING,
    JobStatus,
    describe,
    write_error,
    write_status,
)
from embodichain_rl.trainer.interrupt import TrainingInterrupted
from embodichain_rl.trainer.run_dir import run_status

log = logging.getLogger(__name__)


class RunRecorder:
    """Context manager writing the run's ``status.json`` at entry and at exit."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.objective: float | None = None
        """Set by the trainer before a successful exit (the sweep objective)."""
        self._start = time.perf_counter()

    def _write(self, status: str, error: str | None = None) -> None:
        write_status(
            self.run_dir,
            JobStatus(
                status=status,
                objective=self.objective if status == OK else None,
                wall_time_s=time.perf_counter() - self._start,
                torch_threads=torch.get_num_threads(),
                error=error,
            ),
        )

    def mark_killed_if_dead(self, run_dir: Path) -> None:
        """Record ``killed`` in another run directory whose run died while ``running``."""
        if run_dir.resolve() == self.run_dir.resolve():
            return
        status = run_status(run_dir)
        if status is not None and status.get("status") == KILLED:
            write_status(run_dir, JobStatus(**{**status, "status": KILLED}))
            log.info("%s: its run was killed (status.json said running)", run_dir)

    def __enter__(self) -> RunRecorder:
        self._start = time.perf_counter()
        self._write(RUNNING)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> None:
        if error is None:
            self._write(OK)
        elif isinstance(error, TrainingInterrupted):
            self._write(INTERRUPTED, describe(error))
        else:
            write_error(self.run_dir, error)
            self._write(FAILED, describe(error))
