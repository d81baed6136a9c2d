"""Wall-clock time until the framework's PPO reaches an eval success rate (``embodichain-bench
train --time-to-success``): the trainer runs as ``embodichain-train`` would, and an
:class:`~embodichain_rl.callbacks.EarlyStopping` callback ends it at the first evaluation at
or above the target."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.callbacks import EarlyStopping
from embodichain_rl.trainer.trainer import Trainer

QUIET_RUN = {"logging.progress_bar": False, "checkpoint.save_freq": 0, "checkpoint.last_freq": 0}
"""What the benchmark turns off: console bar and periodic checkpoints."""


@dataclass
class SuccessTime:
    """When (if at all) the eval success rate first reached the target."""

    seconds: float | None
    """Wall time from the first iteration to that evaluation (evaluations included)."""
    env_steps: int | None
    """Training env steps at that evaluation."""
    best_success: float
    """Best eval success rate seen."""
    total_seconds: float
    """Wall time of the whole (possibly stopped) run."""


def time_to_success(cfg: DictConfig, device: torch.device, *, target: float) -> SuccessTime:
    """Train ``cfg`` on ``device`` (in a temporary run dir) until eval success >= ``target``
    or ``runtime.iterations`` run out."""
    cfg = cfg.copy()
    for key, value in {**QUIET_RUN, "runtime.device": str(device)}.items():
        OmegaConf.update(cfg, key, value)
    stop = EarlyStopping(metric="eval/success_rate", threshold=target)
    with tempfile.TemporaryDirectory() as run_dir:
        trainer = Trainer.from_config(cfg, run_dir=Path(run_dir) / "run", callbacks=[stop])
        with trainer, torch.enable_grad():
            start = time.perf_counter()
            trainer.learn()
            total = time.perf_counter() - start
    return SuccessTime(stop.hit_seconds, stop.hit_step, stop.best or 0.0, total)
