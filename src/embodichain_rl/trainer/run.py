"""``run(cfg, run_dir)``: one training job from a composed config (what each
``embodichain-train`` job does)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig

from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.trainer.setup import import_user_modules, seed_everything
from embodichain_rl.trainer.summary import TrainSummary
from embodichain_rl.trainer.trainer import Trainer

__all__ = ["import_user_modules", "run", "seed_everything"]


def run(
    cfg: DictConfig,
    run_dir: Path,
    distributed: DistributedContext = SINGLE_PROCESS,
    overrides: Sequence[str] | None = None,
) -> TrainSummary:
    """Build a :class:`Trainer` for ``cfg`` writing to ``run_dir``, train it, close its envs
    and return the summary (``overrides``: what ``cfg`` was composed with, laid over a
    resumed checkpoint's config)."""
    with Trainer.from_config(
        cfg, run_dir=run_dir, distributed=distributed, overrides=overrides
    ) as trainer:
        return trainer.learn()
