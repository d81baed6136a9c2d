"""``GRPOConfig``: every GRPO hyperparameter and its default, documented and range-checked.

This dataclass is the one place GRPO's defaults are written: ``GRPO(**hyperparameters)``
builds it, and the Hydra ``algorithm=grpo`` schema subclasses it. The defaults are
EmbodiChain's (its ``GRPOCfg`` and the shipped PushCube GRPO config); ``shared_starts`` is
this project's addition and off by default, as EmbodiChain has no such option.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from embodichain_rl.algorithms.optim.config import (
    OPTIMIZER_KNOBS,
    LRSchedulerConfig,
    OptimizerConfig,
    lr_schedule_problems,
)
from embodichain_rl.algorithms.optim.fields import coerce_block, resolve_alias


@dataclass
class GRPOConfig:
    """Every GRPO hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    learning_rate: float = 1e-4
    """Optimiser step size at the first update, > 0 (the older key of
    optimizer.learning_rate, which sets it when given)."""
    n_epochs: int = 10
    """Passes over each rollout per update (>= 1)."""
    batch_size: int = 8192
    """Minibatch size in samples (>= 1); a value above the rollout's num_steps * num_envs
    takes the whole rollout as one minibatch, a partial last minibatch is dropped."""
    gamma: float = 0.99
    """Discount of the per-step return-to-go, in [0, 1]."""
    clip_coef: float = 0.2
    """Surrogate clipping range ε, > 0."""
    ent_coef: float = 0.0
    """Weight of the entropy bonus, >= 0."""
    kl_coef: float = 0.02
    """Weight of the k3 KL to a frozen copy of the initial policy, >= 0 (0: no reference
    policy is kept)."""
    group_size: int = 4
    """Envs per group (>= 2): consecutive env indices whose returns are standardised
    together; env.num_envs must be a multiple of it."""
    eps: float = 1e-8
    """Added to the group's return std before dividing (> 0)."""
    reset_every_rollout: bool = True
    """Reset every env at the start of each rollout (all groups start fresh together)."""
    truncate_at_first_done: bool = True
    """Mask out each env's steps after its first episode end in the rollout."""
    shared_starts: bool = False
    """Envs of a group start each rollout from the same initial state (the env's
    ``start_group_size`` reset option): groups then compare actions, not luck of the draw.
    Needs reset_every_rollout and an env with start groups (PushCube, PushCubeMuJoCo,
    PointMass)."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip, > 0; null disables clipping."""
    adam_eps: float = 1e-8
    """Denominator epsilon of adam/adamw/rmsprop, > 0 (torch's default, as EmbodiChain uses;
    the older key of optimizer.eps, which sets it when given)."""
    seed: int | None = None
    """Seed of the device generator that shuffles minibatches (null: the run's seed, else 0)."""
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    """Which optimiser and its knobs (``algorithm/optimizer=NAME``; EmbodiChain's block)."""
    lr_schedule: str = "constant"
    """Learning-rate schedule over updates: constant (EmbodiChain's default), linear, cosine
    (these two need total_updates), step, exponential or adaptive (rsl_rl's rule on the
    update's mean approx_kl); its knobs are lr_scheduler.*."""
    total_updates: int | None = None
    """Update() calls the linear and cosine schedules span, >= 1 (null: the trainer's
    iteration count)."""
    lr_scheduler: LRSchedulerConfig = field(default_factory=LRSchedulerConfig)
    """Knobs of the lr_schedule (``algorithm/lr_scheduler=NAME`` sets lr_schedule)."""

    def __post_init__(self) -> None:
        self.optimizer = coerce_block(self.optimizer, OptimizerConfig, "optimizer")
        self.lr_scheduler = coerce_block(self.lr_scheduler, LRSchedulerConfig, "lr_scheduler")
        block = self.optimizer
        problems = resolve_alias(
            self, "learning_rate", "optimizer.learning_rate", block.learning_rate
        )
        problems += resolve_alias(self, "adam_eps", "optimizer.eps", block.eps)
        if problems:
            raise ValueError("invalid GRPO config: " + "; ".join(problems))
        self.validate()

    def optimizer_config(self) -> OptimizerConfig:
        """The optimizer block with learning_rate and (where the optimiser takes one)
        adam_eps filled in: what ``build_optimizer`` gets."""
        eps = self.adam_eps if "eps" in OPTIMIZER_KNOBS[self.optimizer.name] else None
        return dataclasses.replace(self.optimizer, learning_rate=self.learning_rate, eps=eps)

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = []
        for name in ("learning_rate", "clip_coef", "eps", "adam_eps"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be > 0, got {getattr(self, name)}")
        for name, low in (("n_epochs", 1), ("batch_size", 1), ("group_size", 2)):
            if getattr(self, name) < low:
                problems.append(f"{name} must be >= {low}, got {getattr(self, name)}")
        if not 0.0 <= self.gamma <= 1.0:
            problems.append(f"gamma must be in [0, 1], got {self.gamma}")
        for name in ("ent_coef", "kl_coef"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if self.shared_starts and not self.reset_every_rollout:
            problems.append("shared_starts needs reset_every_rollout=true")
        problems += lr_schedule_problems(self.lr_schedule, self.total_updates)
        if problems:
            raise ValueError("invalid GRPO config: " + "; ".join(problems))
