"""CPU threads per job when a launcher runs several jobs at once on one machine."""

from __future__ import annotations

import logging
import os
from typing import Any

from omegaconf import DictConfig

log = logging.getLogger(__name__)


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _concurrent_jobs(n_jobs: int, cpus: int) -> int:
    """Workers joblib runs for ``n_jobs`` (negative: ``cpus + 1 + n_jobs``)."""
    return n_jobs if n_jobs > 0 else max(1, cpus + 1 + n_jobs)


def threads_per_job(launcher: Any, cpus: int) -> int | None:
    """Torch threads for one job under ``launcher`` (the ``hydra.launcher`` node):
    ``cpus_per_task`` when the launcher reserves CPUs (submitit), ``cpus // n_jobs`` for
    a launcher that runs ``n_jobs`` at once (joblib), ``None`` for one job at a time."""
    cpus_per_task = launcher.get("cpus_per_task")
    if cpus_per_task:
        return int(cpus_per_task)
    n_jobs = launcher.get("n_jobs")
    if n_jobs is None or n_jobs == 0:
        return None
    return max(1, cpus // _concurrent_jobs(int(n_jobs), cpus))


def share_cpu_threads(cfg: DictConfig, launcher: Any) -> None:
    """Set ``cfg.runtime.torch_threads`` for a job of a parallel launcher, unless the user
    set it (anything but 0)."""
    if cfg.runtime.torch_threads != 0:
        return
    threads = threads_per_job(launcher, available_cpus())
    if threads is not None:
        cfg.runtime.torch_threads = threads
        log.info("parallel launcher: torch uses %d CPU thread(s) in this job", threads)
