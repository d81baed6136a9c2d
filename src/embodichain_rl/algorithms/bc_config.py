"""``BCConfig``: every behaviour-cloning hyperparameter and its default, documented and
range-checked.

This dataclass is the one place BC's defaults are written: ``BC(**hyperparameters)`` builds
it and the Hydra ``algorithm=bc`` schema subclasses it (``conf/algorithm/bc.yaml`` holds
only deliberate overrides). The defaults were measured on PushCube (docs/bc.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields


@dataclass
class _BCKeys:
    """BC's own hyperparameters; ``BCConfig`` puts the optimiser and schedule keys after
    them."""

    learning_rate: float = 1e-3
    """Optimiser step size at the first update, > 0 (the older key of
    optimizer.learning_rate, which sets it when given)."""
    n_epochs: int = 4
    """Passes over the whole dataset collected so far per update (>= 1)."""
    batch_size: int = 512
    """Minibatch size in labelled decisions (>= 1); a dataset smaller than it is one
    minibatch, and each epoch leaves out the dataset_size % batch_size decisions that its
    shuffle puts last."""
    dataset_size: int | None = None
    """Labelled decisions kept, oldest dropped first (FIFO), >= 1; null or 0 keeps every
    decision collected. A run needs room for one iteration's
    runtime.rollout_steps * env.num_envs decisions."""
    max_grad_norm: float | None = 1.0
    """Global L2 gradient-norm clip, > 0; null disables clipping."""
    adam_eps: float = 1e-8
    """Denominator epsilon of adam/adamw/rmsprop, > 0 (the older key of optimizer.eps,
    which sets it when given)."""
    seed: int | None = None
    """Seed of the device generator that shuffles minibatches (null: the run's seed, else 0)."""


@dataclass
class BCConfig(OptimizerFields, _BCKeys):
    """Every BC hyperparameter (the Hydra ``algorithm`` schema reuses this class): its own
    keys, then ``optimizer``, ``lr_schedule``, ``total_updates`` and ``lr_scheduler``."""

    MEASURES_KL: ClassVar[bool] = False
    """BC measures no policy KL, so lr_schedule=adaptive is refused."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        if self.dataset_size == 0:
            self.dataset_size = None  # 0 means "keep everything", as null does
        problems = []
        for name in ("learning_rate", "adam_eps"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("n_epochs", "batch_size"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.dataset_size is not None and self.dataset_size < 1:
            problems.append(
                f"dataset_size must be >= 1, or 0/null for all, got {self.dataset_size}"
            )
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        problems += self.schedule_problems()
        self.raise_problems(problems)
