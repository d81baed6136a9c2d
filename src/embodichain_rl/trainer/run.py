"""``run(cfg, run_dir)``: the whole training job behind ``embodichain-train``."""

from __future__ import annotations

import importlib
import logging
import os
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.config.validation import ConfigError, validate_config
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext, rank_seed
from embodichain_rl.distributed.launch import worker_resume_payload
from embodichain_rl.distributed.ops import check_in_sync
from embodichain_rl.trainer.build import build_components
from embodichain_rl.trainer.checkpoint import capture_rng_state
from embodichain_rl.trainer.curves import plot_runs
from embodichain_rl.trainer.loggers import LoggerGroup, MetricLogger, TensorBoardLogger, WandbLogger
from embodichain_rl.trainer.resume import prepare_resume
from embodichain_rl.trainer.trainer import Trainer, TrainerSettings, TrainSummary
from embodichain_rl.utils.compile import check_compile_mode
from embodichain_rl.utils.device import resolve_device

log = logging.getLogger(__name__)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def import_user_modules(modules: list[str]) -> None:
    """Import modules that register user envs, policies or algorithms (the working
    directory is searched too, as ``python -m`` would)."""
    cwd = os.getcwd()
    if modules and cwd not in sys.path:
        sys.path.insert(0, cwd)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise ImportError(f"runtime.imports: cannot import {name!r}: {error}") from error


def _make_loggers(
    cfg: DictConfig, run_dir: Path, resolved: dict[str, Any], wandb_id: str | None
) -> LoggerGroup:
    sinks: list[MetricLogger] = [TensorBoardLogger(run_dir / "logs")]
    runtime = cfg.runtime
    if runtime.use_wandb:
        sinks.append(
            WandbLogger(
                project=runtime.wandb_project_name,
                run_name=run_dir.name,
                run_dir=run_dir,
                config=resolved,
                mode=runtime.wandb_mode,
                resume_id=wandb_id,
            )
        )
    return LoggerGroup(sinks)


def run(
    cfg: DictConfig, run_dir: Path, distributed: DistributedContext = SINGLE_PROCESS
) -> TrainSummary:
    """Validate ``cfg``, build every component on the run's device, train, and write
    ``logs/``, ``checkpoints/``, ``summary.json`` and ``curves.png`` under ``run_dir``.

    With ``runtime.resume`` set it continues that checkpoint's run exactly (see
    :mod:`embodichain_rl.trainer.resume`). SIGINT / SIGTERM stop it after the current
    iteration with a checkpoint and :class:`TrainingInterrupted` (exit code 130 / 143).

    Under ``torchrun`` (``distributed`` from ``distributed_job``) every rank trains its own
    ``env.num_envs`` envs seeded with ``rank_seed``; only rank 0 logs, evaluates and
    writes, and every rank returns rank 0's summary (docs/distributed.md).
    """
    cfg, resume_payload = prepare_resume(cfg)
    import_user_modules(list(cfg.runtime.imports))
    validate_config(cfg)
    runtime = cfg.runtime
    if runtime.torch_threads > 0:
        torch.set_num_threads(runtime.torch_threads)
    device = distributed.device or resolve_device(runtime.device, cuda=runtime.cuda)
    try:
        check_compile_mode(runtime.compile, device)
    except ValueError as error:
        raise ConfigError(f"invalid configuration: {error}") from error
    seed = rank_seed(runtime.seed, distributed.rank)
    seed_everything(seed)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict)
    if distributed.is_main:
        run_dir.mkdir(parents=True, exist_ok=True)
    components = build_components(cfg, device, distributed)
    log.info(
        "training %s on %s: %d envs x %d steps per iteration, %d iterations -> %s",
        runtime.exp_name,
        device,
        components.env.num_envs,
        runtime.rollout_steps,
        runtime.iterations,
        run_dir,
    )
    wandb_id = resume_payload.get("wandb_run_id") if resume_payload else None
    loggers = (
        _make_loggers(cfg, run_dir, resolved, wandb_id) if distributed.is_main else LoggerGroup([])
    )
    if resume_payload is not None and not distributed.is_main:
        seed_everything(seed + int(resume_payload["iteration"]))
        resume_payload = worker_resume_payload(resume_payload, capture_rng_state())
    settings = TrainerSettings(
        iterations=runtime.iterations,
        rollout_steps=runtime.rollout_steps,
        seed=seed,
        eval_freq=runtime.eval_freq,
        save_freq=runtime.save_freq,
        log_dense=runtime.log_dense,
        progress_bar=runtime.progress_bar and distributed.is_main,
        video_freq=runtime.video_freq,
    )
    trainer = Trainer(
        algorithm=components.algorithm,
        env=components.env,
        eval_env=components.eval_env,
        settings=settings,
        run_dir=run_dir,
        loggers=loggers,
        config=resolved,
        distributed=distributed,
    )
    try:
        summary = trainer.train(resume=resume_payload)
        check_in_sync(components.policy, distributed, "the policy")
    finally:
        loggers.close()
        components.env.close()
        components.eval_env.close()
        if distributed.is_main:
            _write_curves(run_dir)
    log.info(
        "done: %d steps in %.1f s (%.0f SPS); eval success %.3f, return %.2f",
        summary.global_steps,
        summary.wall_time_s,
        summary.sps,
        summary.eval_success_rate,
        summary.eval_return_mean,
    )
    return summary


def _write_curves(run_dir: Path) -> None:
    """``curves.png`` from the run's own events; a plotting failure never fails the run."""
    try:
        plot_runs([run_dir], run_dir / "curves.png")
    except Exception as error:
        log.warning("could not write %s: %s", run_dir / "curves.png", error)
