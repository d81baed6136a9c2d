"""Process-group set-up for a ``torchrun`` job: backend and device per rank, a shared run
directory, rank 0 as the only writer, and a bounded wait for a failed rank."""

from __future__ import annotations

import importlib
import logging
import os
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from omegaconf import DictConfig

from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.utils.device import resolve_device

log = logging.getLogger(__name__)

TIMEOUT_ENV = "EMBODICHAIN_DIST_TIMEOUT_S"
"""Environment variable: seconds a collective may wait for the other ranks before the job
fails (default :data:`DEFAULT_TIMEOUT_S`); it must exceed rank 0's longest evaluation."""

DEFAULT_TIMEOUT_S = 900.0
"""Default collective timeout in seconds."""

GROUP_CAPTURING_MODULES = ("torch.distributed.nn.functional",)
"""Modules whose function defaults (``group=group.WORLD``) take the default process group
when they are first imported. Imported after the group exists (``torch.optim`` pulls them in
lazily through ``torch._dynamo``), they keep it alive past ``destroy_process_group``, so
gloo's worker threads outlive it into interpreter shutdown, where one of them aborts the
finished process (SIGABRT, ``terminate called without an active exception``). Imported
before, their defaults are ``None``."""

WORKER_HYDRA_OVERRIDES = ("hydra.run.dir=.", "hydra.output_subdir=null", "hydra/job_logging=stdout")
"""Hydra overrides of ranks other than 0: no run directory, no ``.hydra/``, no log file
(their run directory is rank 0's, received over the process group)."""


def worker_hydra_overrides(environ: Mapping[str, str]) -> list[str]:
    """Overrides to append to the command line of this process so that only rank 0 makes
    Hydra output; empty outside ``torchrun`` and on rank 0."""
    ctx = DistributedContext.from_environ(environ)
    return list(WORKER_HYDRA_OVERRIDES) if ctx.enabled and not ctx.is_main else []


def collective_timeout(environ: Mapping[str, str]) -> timedelta:
    """The process group's collective timeout."""
    seconds = float(environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
    if not seconds > 0:
        raise ValueError(f"{TIMEOUT_ENV} must be > 0 seconds, got {seconds}")
    return timedelta(seconds=seconds)


def rank_device(runtime: DictConfig, ctx: DistributedContext) -> torch.device:
    """The device of this rank: ``cuda:LOCAL_RANK`` when the run uses CUDA, else CPU."""
    device = resolve_device(runtime.device, cuda=runtime.cuda)
    if device.type != "cuda":
        return device
    visible = torch.cuda.device_count()
    if ctx.local_rank >= visible:
        raise RuntimeError(
            f"rank {ctx.rank} (LOCAL_RANK={ctx.local_rank}) needs cuda:{ctx.local_rank} but "
            f"only {visible} GPU(s) are visible: start at most {visible} processes per node "
            "(--nproc_per_node) or train on CPU (runtime.cuda=false)"
        )
    return torch.device("cuda", ctx.local_rank)


@contextmanager
def distributed_job(
    runtime: DictConfig, run_dir: Path, environ: Mapping[str, str] | None = None
) -> Iterator[tuple[DistributedContext, Path]]:
    """``(context, run directory)`` for the job this process belongs to.

    Outside ``torchrun`` this is the single-process context and ``run_dir`` unchanged.
    Under ``torchrun`` it joins the process group (NCCL on CUDA, gloo on CPU) with a
    collective timeout, takes rank 0's run directory, quiets the other ranks' logging to
    warnings, and leaves the group when the job ends. A rank that raises exits without
    waiting for the others: ``torchrun`` then stops them, and a rank already blocked in a
    collective fails when its peer's connection closes or the timeout passes.
    """
    environ = os.environ if environ is None else environ
    ctx = DistributedContext.from_environ(environ)
    if not ctx.enabled:
        yield SINGLE_PROCESS, run_dir
        return
    device = rank_device(runtime, ctx)
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    join_process_group(backend=backend, timeout=collective_timeout(environ))
    ctx = DistributedContext(
        rank=ctx.rank, world_size=ctx.world_size, local_rank=ctx.local_rank, device=device
    )
    shared_dir = Path(ctx.broadcast_object(str(run_dir)))
    if not ctx.is_main:
        logging.getLogger().setLevel(logging.WARNING)
    log.info("rank %d of %d on %s (%s backend)", ctx.rank, ctx.world_size, device, backend)
    try:
        yield ctx, shared_dir
    except BaseException:
        log.error("rank %d of %d failed; the job stops", ctx.rank, ctx.world_size)
        raise
    leave_process_group()


def join_process_group(**init_kwargs: Any) -> None:
    """``dist.init_process_group(**init_kwargs)``, after importing the
    :data:`GROUP_CAPTURING_MODULES` so that nothing can keep the group alive once it is
    destroyed."""
    for name in GROUP_CAPTURING_MODULES:
        importlib.import_module(name)
    dist.init_process_group(**init_kwargs)


def leave_process_group() -> bool:
    """Wait for every rank to finish, then tear the process group down; returns whether
    the group (and with it every gloo / NCCL thread) is gone.

    The barrier keeps a rank from closing its connections while a slower peer is still in
    a collective. A group that outlives ``destroy_process_group`` (something still refers to
    it) is logged as a warning: its threads would run into interpreter shutdown.
    """
    group = weakref.ref(dist.group.WORLD)
    dist.barrier()
    dist.destroy_process_group()
    if group() is None:
        return True
    log.warning(
        "the default process group is still referenced after destroy_process_group; its "
        "threads may abort this process at exit (was a module that captures it imported "
        "after init_process_group? see GROUP_CAPTURING_MODULES)"
    )
    return False


def worker_resume_payload(
    payload: dict[str, Any], rng_state: dict[str, Any], algorithm_state: dict[str, Any]
) -> dict[str, Any]:
    """The part of rank 0's checkpoint another rank restores: the learner state and the
    counters, but not rank 0's envs, observation, RNG, best-checkpoint copy or the
    algorithm's rank-local entries (``algorithm_state``, this rank's own): the rank
    re-seeds its own envs and writes nothing."""
    local = dict(payload)
    local["algorithm"] = {**payload["algorithm"], **algorithm_state}
    local["env"] = {}
    local["obs"] = None
    local["rng"] = rng_state
    local["best_checkpoint"] = None
    return local
