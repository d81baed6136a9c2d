"""``GRPOConfig``: every GRPO hyperparameter and its default, documented and range-checked.

This dataclass is the one place GRPO's defaults are written: ``GRPO(**hyperparameters)``
builds it, and the Hydra ``algorithm=grpo`` schema subclasses it. The defaults are
EmbodiChain's (its ``GRPOCfg`` and the shipped PushCube GRPO config); ``shared_starts`` is
this project's addition and off by default, as EmbodiChain has no such option.
"""

from __future__ import annotations

from dataclasses import dataclass

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields

RATIOS = ("joint", "per_token")
"""The values of ``ratio``."""


@dataclass
class _GRPOKeys:
    """GRPO's own hyperparameters; ``GRPOConfig`` puts the optimiser and schedule keys
    after them."""

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
    ratio: str = "joint"
    """``joint``: one ratio per decision (the product over the action's parts); ``per_token``:
    one clipped ratio per independent action part (a VLA's action tokens), averaged, as
    token-level PPO for language models does; needs a policy with factorised actions."""
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


@dataclass
class GRPOConfig(OptimizerFields, _GRPOKeys):
    """Every GRPO hyperparameter (the Hydra ``algorithm`` schema reuses this class): its own
    keys, then ``optimizer``, ``lr_schedule``, ``total_updates`` and ``lr_scheduler``."""

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
        if self.ratio not in RATIOS:
            problems.append(f"ratio must be one of {', '.join(RATIOS)}, got {self.ratio!r}")
        if self.shared_starts and not self.reset_every_rollout:
            problems.append("shared_starts needs reset_every_rollout=true")
        problems += self.schedule_problems()
        self.raise_problems(problems)
