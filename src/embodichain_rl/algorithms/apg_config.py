"""``APGConfig``: every APG hyperparameter and its default, documented and range-checked.

This dataclass is the one place APG's defaults are written: ``APG(**hyperparameters)``
builds it and the Hydra ``algorithm=apg`` schema subclasses it (``conf/algorithm/apg.yaml``
holds only deliberate overrides). Defaults follow EmbodiChain's PointMass APG config
(``train_apg.yaml``) except the learning rate (measured, docs/apg.md).
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
class APGConfig:
    """Every APG hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    learning_rate: float = 3e-3
    """Optimiser step size at the first update (> 0); one step per iteration. EmbodiChain's
    PointMass config uses 2.5e-4 for 500 iterations; 3e-3 solves PointMass in ~40
    (docs/apg.md). The older key of optimizer.learning_rate, which sets it when given."""
    horizon: int = 100
    """Steps per truncated-backpropagation segment (>= 1, EmbodiChain's segment_length):
    the graph is cut (``detach_state``) every ``horizon`` steps; an iteration's
    ``runtime.rollout_steps`` steps (the update horizon) are split into such segments whose
    gradients add up before the one optimiser step."""
    gamma: float = 0.99
    """Discount per env step, in [0, 1]; it restarts at 1 after every finished episode (no
    bootstrap: a terminal or time-limited step ends the return) and at every iteration."""
    ent_coef: float = 0.0
    """Weight of the (equally discounted) policy entropy added to the objective (>= 0)."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip before the optimiser step, > 0; null disables clipping."""
    adam_eps: float = 1e-8
    """Denominator epsilon of adam/adamw/rmsprop (> 0; the older key of optimizer.eps,
    which sets it when given)."""
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    """Which optimiser and its knobs (``algorithm/optimizer=NAME``; EmbodiChain's block)."""
    lr_schedule: str = "constant"
    """Learning-rate schedule over updates (one per iteration): constant, linear, cosine
    (these two need total_updates), step or exponential; its knobs are lr_scheduler.*.
    APG measures no policy KL, so adaptive is refused."""
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
            raise ValueError("invalid APG config: " + "; ".join(problems))
        self.validate()

    def optimizer_config(self) -> OptimizerConfig:
        """The optimizer block with learning_rate and (where the optimiser takes one)
        adam_eps filled in: what ``build_optimizer`` gets."""
        eps = self.adam_eps if "eps" in OPTIMIZER_KNOBS[self.optimizer.name] else None
        return dataclasses.replace(self.optimizer, learning_rate=self.learning_rate, eps=eps)

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = []
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.horizon < 1:
            problems.append(f"horizon must be >= 1, got {self.horizon}")
        if not 0.0 <= self.gamma <= 1.0:
            problems.append(f"gamma must be in [0, 1], got {self.gamma}")
        if self.ent_coef < 0:
            problems.append(f"ent_coef must be >= 0, got {self.ent_coef}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if not self.adam_eps > 0:
            problems.append(f"adam_eps must be > 0, got {self.adam_eps}")
        problems += lr_schedule_problems(self.lr_schedule, self.total_updates)
        if self.lr_schedule == "adaptive":
            problems.append(
                "lr_schedule='adaptive' follows the KL of a policy-gradient update (PPO, "
                "GRPO) and APG measures none; choose constant, linear, cosine, step or "
                "exponential"
            )
        if problems:
            raise ValueError("invalid APG config: " + "; ".join(problems))


def segment_lengths(num_steps: int, horizon: int) -> list[int]:
    """Lengths of the segments ``num_steps`` steps are cut into: ``horizon`` each, the last
    one shorter when ``horizon`` does not divide ``num_steps``."""
    full, rest = divmod(num_steps, horizon)
    return [horizon] * full + ([rest] if rest else [])
