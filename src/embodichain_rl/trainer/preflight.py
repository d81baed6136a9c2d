"""Everything a run checks before it builds a component or writes a file: the resumed
checkpoint, user imports, the config's schema and ranges, the device and the run
directory. The trainer runs it first; the CLI runs it before Hydra creates any directory,
so bad input costs one line and leaves no trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig

from embodichain_rl.config.errors import ConfigError
from embodichain_rl.trainer.differentiable_check import differentiable_problem
from embodichain_rl.trainer.loggers import check_wandb_ready
from embodichain_rl.trainer.observation_check import observation_problem
from embodichain_rl.trainer.resume import prepare_resume, run_dir_of
from embodichain_rl.trainer.run_dir import check_run_dir
from embodichain_rl.trainer.setup import checked_config, run_device
from embodichain_rl.trainer.space_check import (
    action_space_problem,
    algorithm_config_problem,
    compile_problem,
    policy_pairing_problem,
)


@dataclass
class Preflight:
    """A config that passed every check, with what the checks produced."""

    cfg: DictConfig
    """The config to run (a resumed checkpoint's, with the overrides laid over it)."""
    typed: Any
    """The same config as dataclass instances."""
    payload: dict[str, Any] | None
    """The checkpoint to continue from (``None`` for a fresh run)."""
    device: torch.device
    """The run's device."""


def preflight(
    cfg: DictConfig,
    run_dir: Path | None,
    *,
    overrides: Sequence[str] | None,
    forced_device: torch.device | None = None,
) -> Preflight:
    """Check ``cfg`` (and ``run_dir`` unless ``None``); raises ``ConfigError``,
    ``CheckpointError`` or ``RunDirError`` with one line naming what is wrong (an online
    wandb run without credentials is a ``ConfigError`` too)."""
    cfg, payload = prepare_resume(cfg, None if overrides is None else list(overrides))
    typed = checked_config(cfg)
    problem = (
        policy_pairing_problem(cfg)
        or compile_problem(cfg)
        or action_space_problem(cfg)
        or differentiable_problem(cfg)
        or algorithm_config_problem(cfg)
        or observation_problem(cfg)
    )
    if problem is not None:
        raise ConfigError(problem)
    device = run_device(cfg, forced_device)
    device_problem = getattr(typed.env, "device_problem", None)
    problem = device_problem(device) if device_problem is not None else None
    if problem is not None:
        raise ConfigError(problem)
    if typed.logging.use_wandb:
        check_wandb_ready(typed.logging.wandb_mode, mode_key="logging.wandb_mode")
    if run_dir is not None:
        resumed = Path(cfg.runtime.resume) if payload is not None else None
        here = resumed is not None and run_dir_of(resumed) == run_dir.resolve()
        check_run_dir(run_dir, overwrite=bool(cfg.runtime.overwrite), resuming_here=here)
    return Preflight(cfg=cfg, typed=typed, payload=payload, device=device)
