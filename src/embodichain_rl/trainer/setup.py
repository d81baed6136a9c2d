"""Turning a composed config into a ready run: user imports, validation, device, seeds,
and the metric sinks. Everything here fails with one :class:`ConfigError` line before any
component is built or any file is written."""

from __future__ import annotations

import importlib
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from omegaconf import DictConfig

from embodichain_rl.config.errors import ConfigError
from embodichain_rl.config.validation import validate_config
from embodichain_rl.trainer.loggers import LoggerGroup, MetricLogger, TensorBoardLogger, WandbLogger
from embodichain_rl.utils.compile import AUTO, check_compile_mode
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
            raise ConfigError(
                f"runtime.imports: cannot import {name!r} ({error}); give importable module "
                "names (found on sys.path or in the working directory)"
            ) from error


def checked_config(cfg: DictConfig) -> Any:
    """Import ``runtime.imports``, then validate ``cfg``; returns the typed config."""
    import_user_modules(list(cfg.runtime.get("imports") or []))
    return validate_config(cfg)


def run_device(cfg: DictConfig, forced: torch.device | None = None) -> torch.device:
    """The run's one device (``forced`` under data-parallel training), with the compile mode
    checked against it."""
    runtime = cfg.runtime
    try:
        device = forced or resolve_device(str(runtime.device), cuda=bool(runtime.cuda))
        if str(runtime.compile) != AUTO:
            check_compile_mode(str(runtime.compile), device)
    except (ValueError, RuntimeError) as error:
        raise ConfigError(f"invalid configuration: {error}") from error
    return device


def default_run_dir(cfg: DictConfig) -> Path:
    """``outputs/<exp_name>_<timestamp>`` (what the CLI uses), relative to the cwd."""
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S") + f"-{time.time_ns() // 1000 % 1_000_000:06d}"
    return Path("outputs") / f"{cfg.runtime.exp_name}_{stamp}"


def make_loggers(
    cfg: DictConfig, run_dir: Path, resolved: dict[str, Any], wandb_id: str | None
) -> LoggerGroup:
    """TensorBoard under ``run_dir/logs`` and, with ``logging.use_wandb``, a wandb run."""
    sinks: list[MetricLogger] = [TensorBoardLogger(run_dir / "logs")]
    settings = cfg.logging
    if settings.use_wandb:
        sinks.append(
            WandbLogger(
                project=settings.wandb_project_name,
                run_name=run_dir.name,
                run_dir=run_dir,
                config=resolved,
                mode=settings.wandb_mode,
                resume_id=wandb_id,
            )
        )
    return LoggerGroup(sinks)
